"""`python -m adapters.privacy forget|export SENDER` (make forget / make export) on the
endpoints files the server uses: endpoints.yml (SQLite) and
deploy/endpoints.postgres.yml (a real PostgreSQL, through its ${VAR}s)."""
import json
import subprocess
import sys
import time

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from adapters.stores.tracker_store import KneeSQLTrackerStore
from tests.servers import ROOT, free_port
from tests.servers import test_env as server_env


def endpoints_file(backend, tmp_path):
    if backend.name == "postgresql":
        return ROOT / "deploy" / "endpoints.postgres.yml"
    text = (ROOT / "endpoints.yml").read_text()
    assert "db: .data/tracker.db" in text
    path = tmp_path / "endpoints.yml"
    path.write_text(text.replace("db: .data/tracker.db", f"db: {backend.store_kwargs['db']}"))
    return path


def privacy(*args, cwd, env):
    return subprocess.run([sys.executable, "-m", "adapters.privacy", *map(str, args)], cwd=cwd, env=server_env(**env),
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
async def stored(backend):
    """Two conversations saved by the tracker store; their senders."""
    store = KneeSQLTrackerStore(**backend.store_kwargs)
    senders = [f"cli-{backend.name}-{time.monotonic_ns()}", f"cli-other-{time.monotonic_ns()}"]
    for sender in senders:
        events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                  UserUttered("my knee hurts", {"name": "describe_symptoms"}), BotUttered("Does it click?"),
                  ActionExecuted("action_listen"), UserUttered("no", {"name": "deny"})]
        await store.save(DialogueStateTracker.from_events(sender, events))
    return senders


def test_export_writes_the_conversation_as_json(backend, stored, tmp_path):
    sender = stored[0]
    result = privacy("export", sender, "--endpoints", endpoints_file(backend, tmp_path), cwd=tmp_path,
                     env=backend.env)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "exports" / f"{sender}.json"
    assert str(out.relative_to(tmp_path)) in result.stdout
    exported = json.loads(out.read_text())
    assert exported["sender_id"] == sender
    assert exported["events"] == [json.loads(data) for *_, data in backend.rows(sender)]
    assert [e["text"] for e in exported["events"] if e["event"] == "user"] == ["my knee hurts", "no"]


def test_forget_deletes_every_event_of_the_sender_only(backend, stored, tmp_path):
    sender, other = stored
    before = len(backend.rows(other))
    result = privacy("forget", sender, "--endpoints", endpoints_file(backend, tmp_path), cwd=tmp_path,
                     env=backend.env)
    assert result.returncode == 0, result.stderr
    assert "deleted 7 events" in result.stdout
    assert backend.rows(sender) == []
    assert len(backend.rows(other)) == before == 7


@pytest.mark.parametrize("command", ["forget", "export"])
def test_unknown_sender_is_an_error(backend, stored, tmp_path, command):
    result = privacy(command, "nobody-here", "--endpoints", endpoints_file(backend, tmp_path), cwd=tmp_path,
                     env=backend.env)
    assert result.returncode == 1
    assert "no conversation of sender 'nobody-here'" in result.stderr
    assert not (tmp_path / "exports").exists()


def test_unreachable_database_fails_fast_with_one_clear_line(tmp_path):
    port = free_port()
    started = time.monotonic()
    result = privacy("export", "anyone", "--endpoints", ROOT / "deploy" / "endpoints.postgres.yml", cwd=tmp_path,
                     env={"DB_PORT": str(port)})
    assert result.returncode == 2
    assert time.monotonic() - started < 20
    assert result.stderr.strip().splitlines() == [
        f"privacy: cannot connect to the PostgreSQL tracker store at 127.0.0.1:{port} (database 'rasa', "
        f"user 'rasa'): connection to server at \"127.0.0.1\", port {port} failed: Connection refused"]
