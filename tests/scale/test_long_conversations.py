"""Long conversations (issue 15): a conversation session holds at most
adapters.patches.SESSION_MESSAGES user messages, then the next message starts a new
session (patch 5). The person must not notice, and nothing they said may be lost.

Live, in process: the trained model, a real action server and the project's SQLite
tracker store (adapters.stores.tracker_store), which reads only the current session.

- Every conversation test story (tests/test_*.yml) played as Rasa runs it (one
  session, every event sent to the action server, every message read from the
  database), then with a new session before every message and before every third
  one, the turn's events only and the store's kept trackers: the same intents,
  actions, form changes, bot messages and slots, turn by turn.
- One conversation of 120 messages: the store reads a bounded session, while the
  export, the full tracker and the clinician summary still hold the whole
  conversation, and forget deletes every session.
"""
import random

import numpy as np
import pytest

from adapters import patches
from adapters.stores import tracker_store
from tests.conversations.runner import load_stories, turn_events
from tests.servers import MODEL, require_model

STORIES = load_stories()


@pytest.fixture(scope="module")
def bot(action_server_url, event_loop_for_agent, tmp_path_factory):
    """An agent on the trained model with the SQLite tracker store `make run` uses."""
    require_model()
    from rasa.core.agent import Agent
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    from adapters.stores.tracker_store import KneeSQLTrackerStore

    patches.apply()
    agent = Agent.load(str(MODEL), action_endpoint=EndpointConfig(action_server_url))
    db = tmp_path_factory.mktemp("long") / "tracker.db"
    store = KneeSQLTrackerStore(domain=agent.domain or Domain.empty(), dialect="sqlite", db=str(db))
    agent.tracker_store = store
    agent.processor.tracker_store = store
    return agent


@pytest.fixture
def session_messages(monkeypatch):
    """Set the session length for one test (patch 5 reads it on every message); 0 also
    sends the action server every event of the session, as Rasa does (patch 7)."""
    def set_to(n):
        monkeypatch.setattr(patches, "SESSION_MESSAGES", n)
        monkeypatch.setattr(patches, "TURN_EVENTS_ONLY", n > 0)
        monkeypatch.setattr(tracker_store, "KEPT", tracker_store.KEPT if n > 0 else 0)
    return set_to


async def _play(agent, sender, texts):
    """Per message: intent, actions and loop changes, bot texts, every slot value."""
    turns = []
    random.seed(7)  # response variations are drawn at random: the same draws in both runs
    np.random.seed(7)
    for text in texts:
        await agent.handle_text(text, sender_id=sender)
        # all sessions, replayed (a read of the current session would take the tracker
        # the store keeps for the next message)
        full = await agent.tracker_store.retrieve_full_tracker(sender)
        if full is None:  # the person had the conversation deleted
            turns.append(("deleted",))
            continue
        turns.append((*turn_events(full), full.current_slot_values(), full.active_loop_name))
    return turns


@pytest.mark.parametrize("name", sorted(STORIES))
def test_new_sessions_change_nothing(name, bot, event_loop_for_agent, session_messages):
    """Each story as Rasa runs it (one session, every event to the action server), then
    with a new session before every message and before every third one, the action
    server getting the turn's events only."""
    texts = [turn.text for turn in STORIES[name]]
    session_messages(0)
    plain = event_loop_for_agent.run_until_complete(_play(bot, f"plain-{name}", texts))
    assert len(plain) == len(texts)
    for every in (1, 3):
        session_messages(every)
        rolled = event_loop_for_agent.run_until_complete(_play(bot, f"every-{every}-{name}", texts))
        for number, (a, b) in enumerate(zip(plain, rolled), 1):
            assert a == b, f"turn {number} ({texts[number - 1]!r}) differs with a new session every {every}"
        assert len(rolled) == len(texts)


LONG = [
    "hi",
    "my knee hurts and the pain shoots down my leg into my foot, my lower back is sore too",
]
FOLLOW_UPS = ["what is sciatica?", "why do you ask?", "what should I tell my doctor?", "thanks",
              "how can my back make my knee hurt?", "what can I do at home?", "hello", "ok thank you"]


async def _long_conversation(agent, sender, messages):
    """The interview answered as asked ("no" to everything), then follow-ups, cycling."""
    sent, loaded, reply = [], [], []
    follow = 0
    while len(sent) < messages:
        if len(sent) < len(LONG):
            text = LONG[len(sent)]
        elif any(m.get("buttons") for m in reply):
            text = "no"
        else:
            text, follow = FOLLOW_UPS[follow % len(FOLLOW_UPS)], follow + 1
        reply = await agent.handle_text(text, sender_id=sender) or []
        sent.append(text)
        loaded.append(len((await agent.tracker_store.retrieve(sender)).events))
    return sent, loaded


def test_a_long_conversation_reads_one_session_and_keeps_everything(bot, event_loop_for_agent, session_messages):
    session_messages(20)
    run = event_loop_for_agent.run_until_complete
    sent, loaded = run(_long_conversation(bot, "long-1", 120))
    store = bot.tracker_store

    # The store reads the current session only: what it loads does not grow.
    assert max(loaded[100:]) <= max(loaded[:25]), loaded
    # Everything is stored, once, in order: what `make export` writes ...
    exported = store.export("long-1")
    assert [e["text"] for e in exported if e["event"] == "user"] == sent
    assert sum(e["event"] == "session_started" for e in exported) == 120 // 20
    # ... and what the HTTP API's /tracker returns (all sessions; the copies of the last
    # turn each new session starts with are marked and have no text).
    full = run(store.retrieve_full_tracker("long-1"))
    assert [e.text for e in full.events if e.type_name == "user" and not e.metadata.get(patches.CARRIED_OVER)] == sent
    assert all(e.text is None for e in full.events if e.type_name == "user" and e.metadata.get(patches.CARRIED_OVER))

    # The clinician summary after 120 messages still has what was said in message 2.
    current = run(store.retrieve("long-1"))
    assert "radiating_leg_pain" in current.get_slot("features_present")
    replies = run(bot.handle_text("what should I tell my doctor?", sender_id="long-1"))
    summary = next(m for m in replies if (m.get("custom") or {}).get("data", {}).get("type") == "clinician_summary")
    assert "radiating_leg_pain" in str(summary["custom"]["data"])

    # Forget deletes every session.
    stored = len(run(store.retrieve_full_tracker("long-1")).events)
    assert store.forget("long-1") == stored
    assert store.export("long-1") == []
    assert run(store.retrieve_full_tracker("long-1")) is None
