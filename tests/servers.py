"""Start real servers for tests: the action server and a Rasa server on free ports."""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List, Optional

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Rasa as this project starts it: its command line with adapters.patches applied.
RASA_SERVER = [str(BIN / "python"), "-m", "adapters.server"]
MODEL = Path(os.environ.get("KNEE_MODEL") or ROOT / "models" / "knee.tar.gz")  # KNEE_MODEL: try another model


def require_model() -> None:
    """Fail the test clearly when there is no trained model to serve."""
    import pytest

    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does)")


_GIVEN: set = set()


def _ephemeral_start() -> int:
    """The first port of the kernel's range for outgoing connections."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A port nobody listens on, for a server started later. It is taken below
    the kernel's ephemeral range: a port from bind(0) lies inside that range,
    where any outgoing connection made before the server binds (to PostgreSQL,
    Redis, a health probe) can take it as its local port, and the server then
    fails with 'address already in use'. Never the same port twice per process."""
    import random

    below = range(15000, _ephemeral_start())
    for _ in range(200):
        # An unusual ephemeral range leaves no room below it: the kernel's choice then.
        port = random.choice(below) if len(below) >= 1000 else 0
        if port in _GIVEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = s.getsockname()[1]
        _GIVEN.add(port)
        return port
    raise RuntimeError("no free port found")


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
        f"tracker_store:\n  type: adapters.stores.tracker_store.KneeSQLTrackerStore\n  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n"
    )
    proc = subprocess.Popen(
        [*RASA_SERVER, "run", "-m", str(MODEL), "-i", "127.0.0.1", "-p", str(port), "--enable-api",
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


# --- PostgreSQL and Redis for the persistence tests (scripts/install_services.sh
# installs them; `make test` runs it). Each test session gets its own throw-away
# cluster / redis-server on a free port, stopped afterwards.


def _pg_bin(name: str) -> str:
    import shutil

    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    found = str(versions[-1]) if versions else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: run scripts/install_services.sh (make test does)")
    return found


class Postgres:
    """A PostgreSQL cluster in a fresh temporary directory, trust auth on 127.0.0.1:port.

    PostgreSQL refuses to run as root, so as root it runs as the `postgres` user."""

    def __init__(self, port: int) -> None:
        import tempfile

        self.port = port
        self.datadir = Path(tempfile.mkdtemp(prefix="knee-pg-"))
        self._as: List[str] = []
        if os.geteuid() == 0:
            import shutil

            shutil.chown(self.datadir, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL)

    def start(self) -> "Postgres":
        self._run(_pg_bin("initdb"), "-D", str(self.datadir / "data"), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8")
        self.resume()
        return self

    def resume(self) -> None:
        """(Re)start the server on the same data directory."""
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.datadir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run(_pg_bin("pg_ctl"), "-D", str(self.datadir / "data"), "-o", options,
                  "-l", str(self.datadir / "postgres.log"), "-w", "-t", "60", "start")

    def pause(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data. The default shuts down cleanly: this
        test cluster runs with synchronous_commit=off, so an immediate stop (a
        crash) may drop the last commits, which a production server keeps."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.datadir / "data"), "-m", mode, "-w", "stop")

    def stop(self) -> None:
        import shutil

        try:
            self.pause("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.datadir, ignore_errors=True)

    def connect(self, db: str = "postgres"):
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=db)
        conn.autocommit = True
        return conn

    def create_database(self, name: str) -> None:
        conn = self.connect()
        try:
            conn.cursor().execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()


class Redis:
    """redis-server on 127.0.0.1:port without persistence."""

    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log, self.proc = port, log, None

    def start(self) -> "Redis":
        import shutil

        server = shutil.which("redis-server")
        if not server:
            raise RuntimeError("redis-server not found: run scripts/install_services.sh (make test does)")
        self.proc = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}: see {self.log}")
            time.sleep(0.1)

    def stop(self) -> None:
        stop(self.proc)


def launch_rasa(port: int, endpoints: Path, log: Path, env: Optional[Dict[str, str]] = None,
                credentials: Path = ROOT / "credentials.yml") -> subprocess.Popen:
    """`rasa run` with the given endpoints file and the HTTP API, without waiting
    for the model to load (several can load at once; then `wait_for` each)."""
    return subprocess.Popen(
        [*RASA_SERVER, "run", "-m", str(MODEL), "-i", "127.0.0.1", "-p", str(port), "--enable-api",
         "--credentials", str(credentials), "--endpoints", str(endpoints)],
        cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env=test_env(**(env or {})),
    )


def scratch_project(path: Path) -> Path:
    """A copy of the project for running scripts/run.sh with its own .data/:
    scripts/run.sh copied, the rest linked."""
    path.mkdir(parents=True, exist_ok=True)
    for name in [".venv", "bot", "actions", "deploy", "models", "endpoints.yml", "credentials.yml"]:
        (path / name).symlink_to(ROOT / name)
    (path / "scripts").mkdir()
    (path / "scripts" / "run.sh").write_bytes((ROOT / "scripts" / "run.sh").read_bytes())
    return path


@contextlib.contextmanager
def running_run_sh(project: Path, port: int, env: Dict[str, str]) -> Iterator[subprocess.Popen]:
    """scripts/run.sh of a scratch project serving on port, up until the block ends;
    fails with the end of its output if it exits or does not answer within 300 s."""
    log = (project / "run.log").open("wb")
    run = subprocess.Popen(["bash", "scripts/run.sh"], cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        try:
            wait_for(f"http://127.0.0.1:{port}/", run, seconds=300)
        except (RuntimeError, TimeoutError) as failed:
            log.flush()
            raise AssertionError(f"{failed}; scripts/run.sh printed:\n{(project / 'run.log').read_text()[-4000:]}")
        yield run
    finally:
        if run.poll() is None:
            run.send_signal(signal.SIGTERM)  # run.sh stops both servers
            try:
                run.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
        log.close()
