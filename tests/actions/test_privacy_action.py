"""action_forget_conversation: confirms, and marks the conversation for deletion."""
from actions.privacy import ActionForgetConversation
from actions import slots
from tests.actions.conftest import slot_events


async def test_forget_confirms_and_sets_the_slot_the_store_acts_on(make_tracker, dispatcher, domain):
    events = await ActionForgetConversation().run(dispatcher, make_tracker(intent="affirm"), domain)
    assert slot_events(events) == {slots.FORGET_CONVERSATION: True}
    [message] = dispatcher.messages
    assert "deleted this conversation" in message["text"]
    assert message["custom"] == {"data": {"type": "conversation_deleted"}}
    # the slot is declared, so Rasa keeps the event for the store to see
    assert slots.FORGET_CONVERSATION in domain["slots"]


def test_the_action_and_the_store_speak_of_the_same_slot():
    from adapters.stores.tracker_store import FORGET_SLOT

    assert slots.FORGET_CONVERSATION == FORGET_SLOT
