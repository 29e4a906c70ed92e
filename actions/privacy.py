"""action_forget_conversation: the person confirmed "delete my data"."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from bot.messages import render


class ActionForgetConversation(Action):
    """Confirms, then marks the conversation for deletion.

    The reply is sent before Rasa saves the turn; the tracker store
    (adapters.stores.tracker_store) sees forget_conversation=True and deletes every stored event of
    this sender instead of saving, so the next message starts a new conversation.
    """

    def name(self) -> Text:
        return "action_forget_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            **render("forgotten"), json_message={"data": {"type": "conversation_deleted"}}
        )
        return [SlotSet(slots.FORGET_CONVERSATION, True)]
