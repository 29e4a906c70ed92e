"""The interview form: which question comes next, how it is asked, and why."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from bot.interview import next_question
from bot.knowledge import question
from bot.messages import render
from bot.tracking import SKIPPED, UNSURE, interview_features


class ValidateInterviewForm(FormValidationAction):
    """Computes the form's required slots: only the next useful question."""

    def name(self) -> Text:
        return "validate_interview_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        answers = slots.answers(tracker)
        following = next_question(
            present=slots.list_slot(tracker, slots.FEATURES_PRESENT),
            absent=slots.list_slot(tracker, slots.FEATURES_ABSENT),
            unanswered=[f for f, v in answers.items() if v in (UNSURE, SKIPPED)],
            asked=slots.list_slot(tracker, slots.QUESTIONS_ASKED),
        )
        return [following] if following else []


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
