"""`KNEE_STORE=postgres` through scripts/run.sh (in a scratch copy of the project,
so .data/ is its own): the bot stores its conversations in PostgreSQL with the
Redis lock store, and `python -m adapters.privacy` (make export / make forget) finds
them through the .data/endpoints.yml that run.sh wrote. The HTTP API needs the
token run.sh keeps in .data/api_token."""
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.scale.test_replicas import say
from tests.servers import Postgres, Redis, free_port, require_model, running_run_sh, scratch_project
from tests.servers import test_env as server_env


@pytest.fixture
def services(tmp_path):
    postgres, redis = Postgres(free_port()), Redis(free_port(), tmp_path / "redis.log")
    try:
        postgres.start()
        postgres.create_database("rasa")  # DB_NAME's default (deploy/store.env)
        redis.start()
        yield postgres, redis
    finally:
        redis.stop()
        postgres.stop()


def test_knee_store_postgres_switches_the_stores(tmp_path, services):
    require_model()
    project = scratch_project(tmp_path / "project")
    postgres, redis = services
    port = free_port()
    # Only what differs from deploy/store.env: the ports of these servers and the user.
    env = server_env(PYTHONPATH=str(project), KNEE_STORE="postgres", DB_PORT=str(postgres.port), DB_USER="postgres",
                     REDIS_PORT=str(redis.port), RASA_PORT=str(port), ACTIONS_PORT=str(free_port()))
    for name in ["DB_HOST", "DB_NAME", "DB_PASSWORD", "REDIS_HOST", "REDIS_DB", "REDIS_PASSWORD", "ACTIONS_URL"]:
        env.pop(name, None)
    with running_run_sh(project, port, env):
        assert say(f"http://127.0.0.1:{port}", "switch-patient", "my knee hurts")
        conn = postgres.connect("rasa")
        rows = conn.cursor()
        rows.execute("select count(*) from events where sender_id = 'switch-patient'")
        assert rows.fetchone()[0] > 3
        conn.close()
        assert not (project / ".data" / "tracker.db").exists()

        # The HTTP API always needs a token: run.sh made one, readable by its owner only.
        token_file = project / ".data" / "api_token"
        assert oct(token_file.stat().st_mode & 0o777) == "0o600"
        status = f"http://127.0.0.1:{port}/conversations/switch-patient/tracker"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(status, timeout=30)
        assert refused.value.code == 401
        with urllib.request.urlopen(f"{status}?token={token_file.read_text().strip()}", timeout=30) as answer:
            assert json.load(answer)["sender_id"] == "switch-patient"

        def privacy(*args):
            return subprocess.run([sys.executable, "-m", "adapters.privacy", *args], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=120)

        exported = privacy("export", "switch-patient")
        assert exported.returncode == 0, exported.stderr
        events = json.loads((project / "exports" / "switch-patient.json").read_text())["events"]
        assert [e["text"] for e in events if e["event"] == "user"] == ["my knee hurts"]
        forgot = privacy("forget", "switch-patient")
        assert forgot.returncode == 0 and "postgresql tracker store" in forgot.stdout
        assert privacy("export", "switch-patient").returncode == 1
