"""KneeSQLTrackerStore on SQLite and on a real PostgreSQL: turns are stored once,
SlotSet(forget_conversation, True) deletes the conversation instead of saving it,
forget() and export() cover every session. What is stored is read back with SQL."""
import json
import uuid
import warnings

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from adapters.stores.tracker_store import FORGET_SLOT, KneeSQLTrackerStore

with warnings.catch_warnings():  # Rasa warns about slot auto-fill for any domain with slots
    warnings.simplefilter("ignore")
    DOMAIN = Domain.from_dict(
        {"slots": {FORGET_SLOT: {"type": "bool", "influence_conversation": False, "mappings": [{"type": "custom"}]}}}
    )


def turn(text: str, *extra) -> list:
    return [UserUttered(text, {"name": "inform"}), *extra, BotUttered(f"reply to {text}"),
            ActionExecuted("action_listen")]


def session() -> list:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


@pytest.fixture
def store(backend):
    return KneeSQLTrackerStore(domain=DOMAIN, **backend.store_kwargs)


def new_sender() -> str:
    return f"patient-{uuid.uuid4().hex[:8]}"


def user_texts(rows) -> list:
    return [json.loads(data)["text"] for _, type_name, data in rows if type_name == "user"]


async def test_each_turn_is_stored_once_in_order(store, backend):
    sender = new_sender()
    await store.save(DialogueStateTracker.from_events(sender, session() + turn("my knee hurts"), DOMAIN.slots))
    tracker = await store.retrieve(sender)  # as Rasa does for every message
    tracker.update_with_events(turn("no"), DOMAIN)
    await store.save(tracker)
    await store.save(await store.retrieve(sender))  # nothing new: nothing written

    rows = backend.rows(sender)
    assert len(rows) == len(session()) + 2 * len(turn("no"))
    assert user_texts(rows) == ["my knee hurts", "no"]
    assert len({data for *_, data in rows}) == len(rows)


async def test_forget_slot_deletes_the_conversation_instead_of_saving(store, backend):
    sender, other = new_sender(), new_sender()
    for who in (sender, other):
        await store.save(DialogueStateTracker.from_events(who, session() + turn("my knee hurts"), DOMAIN.slots))
    tracker = await store.retrieve(sender)
    tracker.update_with_events(turn("delete my data", SlotSet(FORGET_SLOT, True)), DOMAIN)

    await store.save(tracker)
    assert backend.rows(sender) == []
    assert await store.retrieve(sender) is None  # the next message starts an empty conversation
    assert user_texts(backend.rows(other)) == ["my knee hurts"]  # nobody else's

    await store.save(tracker)  # saving the same tracker again writes nothing back
    assert backend.rows(sender) == []


@pytest.mark.parametrize("event", [SlotSet(FORGET_SLOT, False), SlotSet(FORGET_SLOT, None), SlotSet("triage", True)])
async def test_other_slot_events_are_saved_normally(store, backend, event):
    sender = new_sender()
    await store.save(DialogueStateTracker.from_events(sender, session() + turn("hi", event), DOMAIN.slots))
    assert user_texts(backend.rows(sender)) == ["hi"]


async def test_forget_and_export_cover_every_session(store, backend):
    sender, other = new_sender(), new_sender()
    events = session() + turn("my knee hurts") + session() + turn("what is sciatica?")
    await store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots))
    await store.save(DialogueStateTracker.from_events(other, session() + turn("hi"), DOMAIN.slots))

    exported = store.export(sender)
    assert [e["event"] for e in exported] == [e.as_dict()["event"] for e in events]
    assert [e["text"] for e in exported if e["event"] == "user"] == ["my knee hurts", "what is sciatica?"]

    assert len(backend.rows(sender)) == len(events)
    assert store.forget(sender) == len(events)
    assert backend.rows(sender) == []
    assert store.export(sender) == [] and store.forget(sender) == 0
    assert user_texts(backend.rows(other)) == ["hi"]


@pytest.mark.parametrize("how", ["slot", "forget()"])
async def test_forgotten_words_leave_the_sqlite_files(tmp_path, how):
    """Deleted rows can linger in free pages and in the write-ahead log, which a
    running server keeps open: after forgetting, no file holds the words."""
    store = KneeSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    secret = f"my secret knee story {uuid.uuid4().hex}"
    sender = new_sender()
    await store.save(DialogueStateTracker.from_events(new_sender(), session() + turn("hi"), DOMAIN.slots))
    tracker = DialogueStateTracker.from_events(sender, session() + turn(secret), DOMAIN.slots)
    await store.save(tracker)
    assert any(secret.encode() in path.read_bytes() for path in tmp_path.iterdir())

    if how == "slot":
        tracker = await store.retrieve(sender)
        tracker.update_with_events(turn("delete my data", SlotSet(FORGET_SLOT, True)), DOMAIN)
        await store.save(tracker)
    else:
        assert store.forget(sender) == len(session() + turn(secret))
    assert [p.name for p in tmp_path.iterdir() if secret.encode() in p.read_bytes()] == []
    assert await store.retrieve(sender) is None
