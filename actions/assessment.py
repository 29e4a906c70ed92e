"""The assessment, its explanation and guidance, and the clinician summary."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from bot.assessment import assess
from bot.explain import clinician_summary, explain
from bot.features import ROUTINE
from bot.knowledge import screening
from bot.messages import render


def _assess(tracker: Tracker):
    return assess(
        slots.list_slot(tracker, slots.FEATURES_PRESENT),
        slots.list_slot(tracker, slots.FEATURES_ABSENT),
    )


class ActionGiveAssessment(Action):
    """Explains which pattern the answers fit and always gives guidance."""

    def name(self) -> Text:
        return "action_give_assessment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        result = _assess(tracker)
        parts = explain(result)
        assessment = render("assessment", pattern=parts["pattern"], evidence=parts["evidence"])
        if _alerted_this_turn(tracker):
            # the red-flag alert just gave this advice: say only what will be checked
            guidance = render("guidance_after_alert", checks=parts["checks"])
        else:
            guidance = render("guidance", guidance=parts["guidance"], checks=parts["checks"])
        # With a red flag the advice comes first; otherwise the explanation leads to it.
        first, second = (guidance, assessment) if result.triage != ROUTINE else (assessment, guidance)
        dispatcher.utter_message(**first)
        dispatcher.utter_message(**second)
        dispatcher.utter_message(**render("anything_else"))
        return [
            SlotSet(slots.TRIAGE, result.triage),
            SlotSet(slots.ASSESSMENT, result.assessment),
        ]


def _alerted_this_turn(tracker: Tracker) -> bool:
    """Whether a red-flag alert was sent since the person's last message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            custom = ((event.get("data") or {}).get("custom") or {})
            if (custom.get("data") or {}).get("type") == "red_flag_alert":
                return True
    return False


class ActionClinicianSummary(Action):
    """A summary to show a GP or physiotherapist: plain text, plus a structured payload."""

    def name(self) -> Text:
        return "action_clinician_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        result = _assess(tracker)
        asked = slots.list_slot(tracker, slots.QUESTIONS_ASKED)
        present = slots.list_slot(tracker, slots.FEATURES_PRESENT)
        absent = slots.list_slot(tracker, slots.FEATURES_ABSENT)
        screened = [f for f in screening() if f in asked or f in present or f in absent]
        summary = clinician_summary(present, absent, screened, result)
        dispatcher.utter_message(
            **render("summary", text=summary["text"]),
            # Under "data": Rasa's socket.io channel passes the payload's keys to emit().
            json_message={"data": {"type": "clinician_summary", **{k: v for k, v in summary.items() if k != "text"}}},
        )
        return []
