"""Knowledge questions: the intent `ask_<topic>` answers topic <topic> of bot/data/knowledge.yml."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge import topic, topics
from bot.messages import render

INTENT_PREFIX = "ask_"


class ActionAnswerTopic(Action):
    def name(self) -> Text:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""
        name = intent[len(INTENT_PREFIX):] if intent.startswith(INTENT_PREFIX) else ""
        if name not in topics():
            dispatcher.utter_message(response="utter_default")
            return []
        entry = topic(name)
        dispatcher.utter_message(**render("topic", text=entry["text"], source=entry["source"]))
        return []
