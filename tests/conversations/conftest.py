"""A real action server and one loaded Rasa agent for the whole test session.

Rasa takes 20-40 s to load a model, so it is loaded once. The model is the one
`make train` built (models/knee.tar.gz); the tests fail clearly without it.
"""
import asyncio

import pytest

from tests.servers import free_port, MODEL, require_model, start_action_server, stop


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
