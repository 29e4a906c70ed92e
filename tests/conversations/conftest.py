"""A real action server and one loaded Rasa agent for the whole test session.

Rasa takes 20-40 s to load a model, so it is loaded once. The model is the one
`make train` built (models/knee.tar.gz); the tests fail clearly without it.
"""
import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "knee.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


@pytest.fixture(scope="session")
def action_server_url():
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1"},
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", proc)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def event_loop_for_agent():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def agent(action_server_url, event_loop_for_agent):
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does)")
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    # Agent.load is synchronous; the agent's coroutines run on event_loop_for_agent.
    return Agent.load(str(MODEL), action_endpoint=EndpointConfig(action_server_url))
