"""Start real servers for tests: the action server and a Rasa server on free ports."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "knee.tar.gz"


def require_model() -> None:
    """Fail the test clearly when there is no trained model to serve."""
    import pytest

    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited with {proc.returncode} before {url} answered")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def test_env(**extra: str) -> Dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SANIC_HOST": "127.0.0.1",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        **extra,
    }


def start_action_server(port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=test_env(),
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", proc)
    except BaseException:
        stop(proc)
        raise
    return proc


def start_rasa(
    port: int,
    workdir: Path,
    action_url: str,
    credentials: Path,
    extra_args: Optional[List[str]] = None,
    env: Optional[Dict[str, str]] = None,
) -> subprocess.Popen:
    """`rasa run` with a SQLite tracker store in workdir and the given channels."""
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "{action_url}"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n"
    )
    proc = subprocess.Popen(
        [str(BIN / "rasa"), "run", "-m", str(MODEL), "-i", "127.0.0.1", "-p", str(port), "--enable-api",
         "--credentials", str(credentials), "--endpoints", str(endpoints), *(extra_args or [])],
        cwd=ROOT, stdout=(workdir / "rasa.log").open("wb"), stderr=subprocess.STDOUT, env=test_env(**(env or {})),
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", proc)
    except BaseException:
        stop(proc)
        raise
    return proc


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc and proc.poll() is None:
            proc.terminate()
    for proc in procs:
        if proc:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
