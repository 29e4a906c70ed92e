"""Start-up faults: adapters/preflight.py (run by scripts/run.sh before Rasa) turns an
unreachable database or Redis, or a public HTTP API without a token, into one
clear line and a non-zero exit, quickly (Rasa itself retries a database forever)."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.servers import ROOT, Postgres, Redis, free_port, require_model, running_run_sh, scratch_project
from tests.servers import test_env as server_env

POSTGRES_ENDPOINTS = ROOT / "deploy" / "endpoints.postgres.yml"


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """A real PostgreSQL and Redis, and the environment that points the postgres endpoints at them."""
    postgres = Postgres(free_port()).start()
    redis = None
    try:
        postgres.create_database("knee")
        redis = Redis(free_port(), tmp_path_factory.mktemp("redis") / "redis.log").start()
        yield {"DB_PORT": str(postgres.port), "DB_NAME": "knee", "DB_USER": "postgres",
               "REDIS_PORT": str(redis.port)}
    finally:
        if redis:
            redis.stop()
        postgres.stop()


def preflight(*args, env=None, cwd=ROOT):
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "adapters.preflight", *map(str, args)], cwd=cwd, capture_output=True,
                            text=True, timeout=60, env=server_env(**{"RASA_HOST": "127.0.0.1", **(env or {})}),
                            stdin=subprocess.DEVNULL)
    return result, time.monotonic() - started


def test_reachable_stores_pass(services):
    result, _ = preflight("--endpoints", POSTGRES_ENDPOINTS, env=services)
    assert (result.returncode, result.stderr) == (0, "")


def test_unreachable_database_is_one_line_and_a_quick_exit(services):
    port = free_port()
    result, seconds = preflight("--endpoints", POSTGRES_ENDPOINTS, env={**services, "DB_PORT": str(port)})
    assert result.returncode == 1
    assert seconds < 10
    assert result.stderr.splitlines() == [
        f"preflight: cannot connect to the PostgreSQL tracker store at 127.0.0.1:{port} (database 'knee', "
        f"user 'postgres'): connection to server at \"127.0.0.1\", port {port} failed: Connection refused"]


def test_missing_database_is_reported(services):
    result, _ = preflight("--endpoints", POSTGRES_ENDPOINTS, env={**services, "DB_NAME": "nosuchdb"})
    assert result.returncode == 1
    assert 'database "nosuchdb" does not exist' in result.stderr


def test_redis_down_is_one_clear_line(services):
    port = free_port()
    result, seconds = preflight("--endpoints", POSTGRES_ENDPOINTS, env={**services, "REDIS_PORT": str(port)})
    assert result.returncode == 1
    assert seconds < 10
    assert result.stderr.splitlines() == [
        f"preflight: cannot reach the Redis lock store at 127.0.0.1:{port} (db 1): "
        f"Error 111 connecting to 127.0.0.1:{port}. Connection refused."]


def test_sqlite_folder_must_exist(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text((ROOT / "endpoints.yml").read_text().replace(".data/tracker.db", "missing/tracker.db"))
    result, _ = preflight("--endpoints", endpoints, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "preflight: the SQLite tracker store folder missing does not exist\n"
    (tmp_path / "missing").mkdir()
    assert preflight("--endpoints", endpoints, cwd=tmp_path)[0].returncode == 0


def test_unset_variable_is_named(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${KNEE_NO_SUCH_VARIABLE}\n")
    result, _ = preflight("--endpoints", endpoints, cwd=tmp_path)
    assert result.returncode == 1
    assert "uses ${KNEE_NO_SUCH_VARIABLE}, which is not set" in result.stderr


@pytest.fixture
def sqlite_workdir(tmp_path):
    """A folder where endpoints.yml's SQLite store (.data/tracker.db) can live."""
    (tmp_path / ".data").mkdir()
    return tmp_path


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "bot.example.org"])
def test_public_api_without_token_is_refused(host, sqlite_workdir):
    args = ("--endpoints", ROOT / "endpoints.yml", "--host", host)
    result, _ = preflight(*args, env={"RASA_AUTH_TOKEN": ""}, cwd=sqlite_workdir)
    assert result.returncode == 1
    assert result.stderr == (f"preflight: refusing to open the HTTP API on {host} (not loopback) without "
                             "RASA_AUTH_TOKEN: set RASA_AUTH_TOKEN, or RASA_HOST=127.0.0.1\n")
    assert preflight(*args, env={"RASA_AUTH_TOKEN": "s3cret"}, cwd=sqlite_workdir)[0].returncode == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "::1", "localhost"])
def test_loopback_api_needs_no_token(host, sqlite_workdir):
    result, _ = preflight("--endpoints", ROOT / "endpoints.yml", "--host", host, env={"RASA_AUTH_TOKEN": ""},
                          cwd=sqlite_workdir)
    assert (result.returncode, result.stderr) == (0, "")


# ---- through scripts/run.sh, in a scratch copy of the project so .data/ is its own


@pytest.fixture
def project(tmp_path):
    return scratch_project(tmp_path)


def run_sh(project: Path, **env):
    """scripts/run.sh with env; it must give up by itself (it is killed after 60 s)."""
    proc = subprocess.Popen(["bash", str(project / "scripts" / "run.sh")], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, stdin=subprocess.DEVNULL,
                            env=server_env(PYTHONPATH=str(project), RASA_PORT=str(free_port()),
                                           ACTIONS_PORT=str(free_port()), **env))
    started = time.monotonic()
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("run.sh started instead of refusing")
    return proc.returncode, err, time.monotonic() - started


def test_run_refuses_a_public_api_without_token(project):
    code, err, seconds = run_sh(project, RASA_HOST="0.0.0.0", RASA_AUTH_TOKEN="")
    assert code == 1 and seconds < 30
    assert "preflight: refusing to open the HTTP API on 0.0.0.0" in err


def test_run_with_postgres_down_stops_at_once(project):
    port = free_port()
    code, err, seconds = run_sh(project, KNEE_STORE="postgres", DB_PORT=str(port), REDIS_PORT=str(free_port()))
    assert code == 1 and seconds < 30
    assert f"preflight: cannot connect to the PostgreSQL tracker store at 127.0.0.1:{port}" in err
    assert "preflight: cannot reach the Redis lock store" in err
    assert "tracker_store:\n  type: adapters.stores.tracker_store.KneeSQLTrackerStore\n  dialect: postgresql" in (
        project / ".data" / "endpoints.yml").read_text()


def test_run_rejects_an_unknown_store(project):
    code, err, _ = run_sh(project, KNEE_STORE="mongo")
    assert code == 2
    assert "run: KNEE_STORE must be sqlite or postgres, not 'mongo'" in err


def test_run_starts_with_a_token_that_begins_with_a_dash(project):
    """secrets.token_urlsafe begins with "-" one time in 64; run.sh keeps the token in
    .data/api_token and reuses it, so such a token must not stop the server for good
    (argparse read "--auth-token -x..." as a flag without its value)."""
    require_model()
    token = "-Rk2vQ9_dash-first-token"
    (project / ".data").mkdir()
    (project / ".data" / "api_token").write_text(token + "\n")
    (project / ".data" / "api_token").chmod(0o600)
    port = free_port()
    env = server_env(PYTHONPATH=str(project), RASA_PORT=str(port), ACTIONS_PORT=str(free_port()), RASA_AUTH_TOKEN="")
    with running_run_sh(project, port, env):
        status = f"http://127.0.0.1:{port}/status"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(status, timeout=30)
        assert refused.value.code == 401
        with urllib.request.urlopen(f"{status}?{urllib.parse.urlencode({'token': token})}", timeout=30) as answer:
            assert answer.status == 200 and json.load(answer)["model_file"]
