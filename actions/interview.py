"""The interview form: how each question is asked, and why.

Which question comes next is chosen every turn by action_validate_slot_mappings
(actions/tracking.py, bot.interview); Rasa's form then asks it.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from bot.knowledge import question
from bot.messages import render
from bot.tracking import interview_features


class ActionAskFeature(Action, ABC):
    """Asks the interview question for one feature (wording: bot/data/questions.yml).

    Abstract, so the SDK registers only the concrete per-feature subclasses below.
    """

    @property
    @abstractmethod
    def feature_id(self) -> Text:
        """The feature this action asks about."""

    def name(self) -> Text:
        return f"action_ask_{self.feature_id}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        asked = slots.list_slot(tracker, slots.QUESTIONS_ASKED)
        if not asked:
            dispatcher.utter_message(**render("start_interview"))
        dispatcher.utter_message(**render("question", question=question(self.feature_id)["text"]))
        if self.feature_id in asked:
            return []
        return [SlotSet(slots.QUESTIONS_ASKED, asked + [self.feature_id])]


# One ask action per interview question; the SDK registers Action subclasses.
ASK_ACTIONS = {
    feature_id: type(f"ActionAsk_{feature_id}", (ActionAskFeature,), {"feature_id": feature_id})
    for feature_id in interview_features()
}


class ActionExplainWhy(Action):
    """Answers "why do you ask?" with the pending question's reason and source."""

    def name(self) -> Text:
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        pending = slots.pending_question(tracker)
        asked = slots.list_slot(tracker, slots.QUESTIONS_ASKED)
        feature_id = pending or (asked[-1] if asked else None)
        if not feature_id:
            dispatcher.utter_message(**render("no_question_pending"))
            return []
        entry = question(feature_id)
        dispatcher.utter_message(**render("why", why=entry["why"], source=entry["source_title"]))
        return []
