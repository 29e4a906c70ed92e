"""Session-wide fixtures: one real running bot (action server + Rasa with every
configured channel and a SQLite tracker store), shared by the end-to-end tests; and one
loaded Rasa agent with its action server, shared by the conversation replay
(tests/conversations) and the simulated patients (tests/simulated).

Rasa takes 20-40 s to load a model, so it is started once per test session,
only when a test asks for it.
"""
import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import free_port, MODEL, require_model, ROOT, start_action_server, start_rasa, stop


@dataclass
class RunningBot:
    url: str  # e.g. http://127.0.0.1:PORT
    action_url: str
    workdir: Path


@pytest.fixture(scope="session")
def running_bot(tmp_path_factory):
    require_model()
    workdir = tmp_path_factory.mktemp("running_bot")
    action_port, rasa_port = free_port(), free_port()
    actions = start_action_server(action_port, workdir / "actions.log")
    action_url = f"http://127.0.0.1:{action_port}/webhook"
    rasa = None
    try:
        rasa = start_rasa(rasa_port, workdir, action_url, ROOT / "credentials.yml")
        yield RunningBot(f"http://127.0.0.1:{rasa_port}", action_url, workdir)
    finally:
        stop(rasa, actions)


@pytest.fixture(scope="session")
def action_server_url(tmp_path_factory):
    port = free_port()
    proc = start_action_server(port, tmp_path_factory.mktemp("actions") / "actions.log")
    try:
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def event_loop_for_agent():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def agent(action_server_url, event_loop_for_agent):
    require_model()
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from adapters import patches

    patches.apply()  # as adapters.server does for every Rasa server of the project
    # Agent.load is synchronous; the agent's coroutines run on event_loop_for_agent.
    return Agent.load(str(MODEL), action_endpoint=EndpointConfig(action_server_url))
