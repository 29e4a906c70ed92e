"""action_match_question: whether the FAQ answers the question just asked."""
import pytest
from rasa_sdk import Tracker

from actions.faq import FAQ_MATCH, FOUND, NOT_FOUND, ActionMatchQuestion
from bot import faq
from tests.actions.conftest import slot_events


def tracker_for(key="how_long", confidences=(0.9, 0.05), active_loop=None):
    ranking = [{"confidence": c, "intent_response_key": f"faq/other{i}"} for i, c in enumerate(confidences)]
    message = {
        "text": "how long does it last",
        "intent": {"name": "faq", "confidence": 0.95},
        "entities": [],
        "response_selector": {
            "faq": {"response": {"intent_response_key": f"faq/{key}", "confidence": confidences[0]}, "ranking": ranking}
        },
    }
    return Tracker("test", {}, message, [], False, None, {"name": active_loop} if active_loop else {}, "action_listen")


async def test_a_question_the_faq_is_sure_of_is_found(dispatcher, domain):
    events = await ActionMatchQuestion().run(dispatcher, tracker_for(), domain)
    assert slot_events(events) == {FAQ_MATCH: FOUND}
    assert dispatcher.messages == []  # the rules utter the answer (utter_faq)


async def test_an_unsure_question_is_not_found(dispatcher, domain):
    low = max(faq.thresholds()["min_confidence"] - 0.1, 0.0)
    events = await ActionMatchQuestion().run(dispatcher, tracker_for(confidences=(low, low)), domain)
    assert slot_events(events) == {FAQ_MATCH: NOT_FOUND}


async def test_a_message_without_a_selection_is_not_found(dispatcher, domain):
    tracker = Tracker("test", {}, {"text": "hm", "intent": {"name": "faq"}}, [], False, None, {}, "action_listen")
    events = await ActionMatchQuestion().run(dispatcher, tracker, domain)
    assert slot_events(events) == {FAQ_MATCH: NOT_FOUND}


async def test_the_same_during_the_interview(dispatcher, domain):
    events = await ActionMatchQuestion().run(dispatcher, tracker_for(active_loop="interview_form"), domain)
    assert slot_events(events) == {FAQ_MATCH: FOUND}


def test_domain_declares_the_action_the_slot_and_its_values(domain):
    assert "action_match_question" in domain["actions"]
    assert domain["slots"][FAQ_MATCH]["values"] == [FOUND, NOT_FOUND]
    assert domain["slots"][FAQ_MATCH]["influence_conversation"] is True
    assert "faq" in domain["intents"]
    assert "utter_cannot_answer" in domain["responses"]


@pytest.mark.parametrize("rules_file", ["data/rules.yml", "data/interview_rules.yml"])
def test_rules_answer_or_decline_after_the_match(rules_file):
    import yaml

    rules = yaml.safe_load(open(rules_file, encoding="utf-8"))["rules"]
    faq_rules = [r for r in rules if r["steps"][0] == {"intent": "faq"}]
    outcomes = {r["steps"][2]["slot_was_set"][0][FAQ_MATCH]: r["steps"][3]["action"] for r in faq_rules}
    assert outcomes == {FOUND: "utter_faq", NOT_FOUND: "utter_cannot_answer"}
    assert all(r["steps"][1] == {"action": "action_match_question"} for r in faq_rules)
