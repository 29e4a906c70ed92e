"""Session-wide fixtures: one real running bot (action server + Rasa with every
configured channel and a SQLite tracker store), shared by the end-to-end tests.

Rasa takes 20-40 s to load a model, so it is started once per test session,
only when a test asks for it.
"""
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import free_port, require_model, ROOT, start_action_server, start_rasa, stop


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
