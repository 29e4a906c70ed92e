"""action_match_question: after every question (intent `faq`), whether the FAQ answers it.

Sets `faq_match` to "found" or "not_found" (bot.faq decides); the FAQ rules
(data/rules.yml, data/interview_rules.yml) then utter `utter_faq` (Rasa's
retrieval action: the response of the question the FAQ ranker chose) or
`utter_cannot_answer`, and during the interview ask the pending question again.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.faq import answerable, match

# The slot the FAQ rules branch on, and its values (domain.yml).
FAQ_MATCH = "faq_match"
FOUND, NOT_FOUND = "found", "not_found"


class ActionMatchQuestion(Action):
    def name(self) -> Text:
        return "action_match_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        found = answerable(match(tracker.latest_message or {}))
        return [SlotSet(FAQ_MATCH, FOUND if found else NOT_FOUND)]
