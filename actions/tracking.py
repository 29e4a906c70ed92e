"""action_validate_slot_mappings: Rasa runs it after EVERY user message.

It folds the message's clinical entities into features_present/absent, sets
triage, fills the interview's answer slots, chooses the interview's next
question (bot.interview: the form asks the first empty answer slot, so the
ones before it are marked not asked; no form validation action, one
action-server call less per turn), acknowledges corrections, and raises a
red-flag alert the moment a new red flag appears, whatever the conversation
was doing. (Rasa 3.6 passes bot messages on from this action,
not from custom slot-mapping actions, so this is where the alert must live.)
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from bot.assessment import assess
from bot.explain import explain
from bot import features
from bot.messages import phrase, render
from bot.interview import form_slots, next_question
from bot.knowledge import screen_id
from bot.tracking import SKIPPED, UNSURE, YES, fold_turn, interview_features


class ActionTrackFeatures(Action):
    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        announced = slots.list_slot(tracker, slots.RED_FLAGS_ANNOUNCED)
        asked = slots.list_slot(tracker, slots.QUESTIONS_ASKED)
        requested = slots.pending_question(tracker)
        result = fold_turn(
            present=slots.list_slot(tracker, slots.FEATURES_PRESENT),
            absent=slots.list_slot(tracker, slots.FEATURES_ABSENT),
            answers=slots.answers(tracker),
            mentions=features.mentions(message.get("entities")),
            intent=(message.get("intent") or {}).get("name"),
            requested=requested,
            announced=announced,
            text=message.get("text") or "",
            reasked=asked.count(requested) >= 2 if requested else False,
        )
        # The interview's next question (or none): the form asks the first empty
        # answer slot, so the slots before it are marked as not asked.
        following = next_question(
            present=result.present,
            absent=result.absent,
            unanswered=[f for f, v in result.answers.items() if v in (UNSURE, SKIPPED)],
            asked=asked,
            screen_answered=result.answers.get(screen_id()) in (YES, UNSURE, SKIPPED),
            first=result.possible_flags,
        )
        # Only the slots that change: every event is stored, replayed on each
        # read of the conversation and sent with every action call.
        changed = {
            slots.FEATURES_PRESENT: result.present,
            slots.FEATURES_ABSENT: result.absent,
            slots.TRIAGE: result.triage,
            **result.answers,
            **form_slots(interview_features(), result.answers, following),
        }
        unclear = requested if result.unclear and following == requested else None
        changed[slots.UNCLEAR_ANSWER] = unclear
        events = [SlotSet(name, value) for name, value in changed.items() if tracker.get_slot(name) != value]
        if unclear and not any(event["name"] == unclear for event in events):
            # The form asks the question again (in other words, actions/interview.py):
            # an event for its slot keeps Rasa's form from rejecting the turn.
            events.append(SlotSet(unclear, None))
        if result.flipped:
            items = [
                phrase("corrected_item", "present" if f in result.present else "absent", label=features.label(f))
                for f in result.flipped
            ]
            dispatcher.utter_message(**render("corrected", items="; ".join(items)))
        if result.new_red_flags:
            guidance = explain(assess(result.present, result.absent))["guidance"]
            dispatcher.utter_message(
                **render("red_flag_alert", guidance=guidance),
                json_message={"data": {"type": "red_flag_alert", "triage": result.triage}},
            )
            events.append(SlotSet(slots.RED_FLAGS_ANNOUNCED, announced + result.new_red_flags))
        return events
