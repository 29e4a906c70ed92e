"""The default SQLite tracker store runs in write-ahead-log mode, synchronous=NORMAL,
and still stores and reads back a conversation intact."""
import asyncio
import sqlite3

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from adapters.stores.tracker_store import KneeSQLTrackerStore
from tests.servers import ROOT


def test_sqlite_store_uses_wal_and_keeps_every_event(tmp_path):
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = KneeSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL

    async def play():
        tracker = DialogueStateTracker("someone", domain.slots)
        for turn in range(5):
            tracker.update(UserUttered(f"message {turn}", {"name": "describe_symptoms"}))
            tracker.update(SlotSet("triage", "routine"))
            tracker.update(BotUttered(f"reply {turn}"))
            await store.save(tracker)
            tracker = await store.retrieve("someone")
        return tracker

    tracker = asyncio.run(play())
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [f"message {t}" for t in range(5)]
    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("select count(*) from events").fetchone()[0] == 15


def test_a_failed_save_names_no_words_of_the_person(tmp_path):
    """Rasa's fail-safe store logs a failed save's error at ERROR level; the
    statement's parameters (the event, with what the person said) stay out of it."""
    import pytest
    from sqlalchemy.exc import DBAPIError

    domain = Domain.load(str(ROOT / "domain.yml"))
    store = KneeSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    with sqlite3.connect(tmp_path / "t.db") as db:
        db.execute("create trigger full before insert on events begin select raise(abort, 'disk full'); end")
    tracker = DialogueStateTracker("someone", domain.slots)
    tracker.update(UserUttered("my private words", {"name": "describe_symptoms"}))
    with pytest.raises(DBAPIError) as failed:
        asyncio.run(store.save(tracker))
    assert "INSERT INTO events" in str(failed.value)
    assert "my private words" not in str(failed.value) and "someone" not in str(failed.value)
