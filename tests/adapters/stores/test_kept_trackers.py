"""KneeSQLTrackerStore keeps the tracker it saved and hands it on at the next read of
that conversation, unless the database changed under it (another replica, `make
forget`); it writes the same rows as Rasa's save. On SQLite and a real PostgreSQL
(the backends of tests/adapters/privacy)."""
import uuid

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from adapters.stores import tracker_store
from adapters.stores.tracker_store import KneeSQLTrackerStore
from tests.adapters.privacy.conftest import backend, postgres  # noqa: F401  (fixtures)
from tests.adapters.privacy.test_store import DOMAIN


def turn(text, *extra):
    return [UserUttered(text, {"name": "inform"}), *extra, BotUttered(f"reply to {text}"),
            ActionExecuted("action_listen")]


def session():
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def as_dicts(tracker):
    return [e.as_dict() for e in tracker.events]


async def started(store, sender):
    """A conversation as Rasa's processor leaves it after two messages: the store's read
    of the second gives its session from SessionStarted on."""
    await store.save(DialogueStateTracker.from_events(sender, session() + turn("hi"), DOMAIN.slots))
    tracker = await store.retrieve(sender)
    tracker.update_with_events(turn("my knee hurts"), DOMAIN)
    await store.save(tracker)
    return tracker


@pytest.fixture
def store(backend):  # noqa: F811
    return KneeSQLTrackerStore(domain=DOMAIN, **backend.store_kwargs)


@pytest.fixture
def sender():
    return f"patient-{uuid.uuid4().hex[:8]}"


async def test_the_saved_tracker_is_handed_on_and_is_what_a_read_gives(store, backend, sender):  # noqa: F811
    saved = await started(store, sender)
    kept = await store.retrieve(sender)
    assert kept is saved
    fresh = await KneeSQLTrackerStore(domain=DOMAIN, **backend.store_kwargs).retrieve(sender)
    assert as_dicts(fresh) == as_dicts(kept)
    assert fresh.current_slot_values() == kept.current_slot_values()
    assert await store.retrieve(sender) is not kept  # handed on once: a second reader reads the database


async def test_a_save_writes_the_rows_rasa_writes(store, backend, sender, tmp_path):  # noqa: F811
    tracker = await started(store, sender)
    tracker = await store.retrieve(sender)
    new = turn("no", SlotSet("triage", "routine"))
    tracker.update_with_events(new, DOMAIN)
    await store.save(tracker)
    # Rasa's store, saving the same new events
    rasa = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    await rasa.save(DialogueStateTracker.from_events(sender, new, DOMAIN.slots))
    with rasa.session_scope() as session:
        expected = [(r.sender_id, r.type_name, r.timestamp, r.intent_name, r.action_name, r.data)
                    for r in session.query(rasa.SQLEvent).order_by(rasa.SQLEvent.id)]
    with store.session_scope() as session:
        stored = [(r.sender_id, r.type_name, r.timestamp, r.intent_name, r.action_name, r.data)
                  for r in session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender)
                  .order_by(store.SQLEvent.id)]
    assert stored[-len(new):] == expected
    count = len(backend.rows(sender))
    await store.save(await store.retrieve(sender))  # nothing new: nothing written
    assert len(backend.rows(sender)) == count


async def test_what_another_replica_wrote_is_read(store, backend, sender):  # noqa: F811
    await started(store, sender)
    other = KneeSQLTrackerStore(domain=DOMAIN, **backend.store_kwargs)
    tracker = await other.retrieve(sender)
    tracker.update_with_events(turn("from the other replica"), DOMAIN)
    await other.save(tracker)
    read = await store.retrieve(sender)
    assert [e.text for e in read.events if isinstance(e, UserUttered)] == ["hi", "my knee hurts", "from the other replica"]


async def test_a_conversation_forgotten_elsewhere_is_gone(store, backend, sender):  # noqa: F811
    await started(store, sender)
    assert KneeSQLTrackerStore(domain=DOMAIN, **backend.store_kwargs).forget(sender) > 0
    assert await store.retrieve(sender) is None


async def test_forget_slot_still_deletes_a_kept_conversation(store, backend, sender):  # noqa: F811
    from adapters.stores.tracker_store import FORGET_SLOT

    await started(store, sender)
    tracker = await store.retrieve(sender)
    tracker.update_with_events(turn("delete my data", SlotSet(FORGET_SLOT, True)), DOMAIN)
    await store.save(tracker)
    assert backend.rows(sender) == [] and await store.retrieve(sender) is None


async def test_a_tracker_holding_two_sessions_is_not_kept(store, backend, sender):  # noqa: F811
    tracker = await started(store, sender)
    tracker = await store.retrieve(sender)
    tracker.update_with_events(session()[1:] + turn("next session"), DOMAIN)
    await store.save(tracker)
    read = await store.retrieve(sender)
    assert read is not tracker
    assert [e.text for e in read.events if isinstance(e, UserUttered)] == ["next session"]


async def test_only_the_latest_conversations_are_kept(store, monkeypatch):
    monkeypatch.setattr(tracker_store, "KEPT", 3)
    senders = [f"patient-{uuid.uuid4().hex[:8]}" for _ in range(5)]
    for sender in senders:
        await started(store, sender)
    assert list(store.kept) == senders[-3:]
