"""The custom actions: what they read from the tracker, utter and return."""
import pytest

from actions.assessment import ActionClinicianSummary, ActionGiveAssessment
from actions.interview import ASK_ACTIONS, ActionExplainWhy
from actions.tracking import ActionTrackFeatures
from bot.knowledge import interview_order, screen_id, screening
from tests.actions.conftest import feature, responses, slot_events

SCREEN = screening()


async def test_tracking_records_present_and_absent(make_tracker, dispatcher, domain):
    tracker = make_tracker(entities=[feature("numbness"), feature("tingling", "absent"), feature("low_back_pain", "historical")])
    events = await ActionTrackFeatures().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["features_present"] == ["numbness"]
    assert slots["features_absent"] == ["tingling"]
    assert slots["triage"] == "routine"
    assert slots["numbness"] == "yes" and slots["tingling"] == "no"
    assert dispatcher.messages == []


async def test_tracking_alerts_once_on_a_new_red_flag(make_tracker, dispatcher, domain):
    tracker = make_tracker(entities=[feature("saddle_numbness")])
    events = await ActionTrackFeatures().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["triage"] == "emergency"
    assert slots["red_flags_announced"] == ["saddle_numbness"]
    assert len(dispatcher.messages) == 1
    assert dispatcher.messages[0]["text"].startswith("Important:")
    assert "emergency department" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["custom"]["data"] == {"type": "red_flag_alert", "triage": "emergency"}

    again = make_tracker(slots=slots, entities=[feature("saddle_numbness")])
    second = type(dispatcher)()
    await ActionTrackFeatures().run(second, again, domain)
    assert second.messages == []


async def test_tracking_answers_the_pending_question(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        slots={"requested_slot": "clicking_catching"}, intent="deny",
        entities=[feature("tingling")], active_loop="interview_form",
    )
    slots = slot_events(await ActionTrackFeatures().run(dispatcher, tracker, domain))
    assert slots["features_absent"] == ["clicking_catching"]
    assert slots["features_present"] == ["tingling"]


def first_empty(slots_after, domain):
    """The slot Rasa's form asks next: the first required slot without a value."""
    return next((s for s in domain["forms"]["interview_form"]["required_slots"] if slots_after.get(s) is None), None)


async def track(make_tracker, dispatcher, domain, **kwargs):
    tracker = make_tracker(**kwargs)
    events = await ActionTrackFeatures().run(dispatcher, tracker, domain)
    return {**tracker.slots, **slot_events(events)}


async def test_form_asks_the_screen_first_then_stops_on_red_flag(make_tracker, dispatcher, domain):
    assert first_empty(await track(make_tracker, dispatcher, domain), domain) == screen_id()
    flagged = await track(make_tracker, dispatcher, domain, entities=[feature("both_legs")])
    assert first_empty(flagged, domain) is None
    assert flagged["bladder_bowel_change"] == "not_asked"


async def test_form_skips_known_and_settled(make_tracker, dispatcher, domain):
    slots = {"features_present": ["radiating_leg_pain", "numbness"], "features_absent": SCREEN, "questions_asked": SCREEN}
    slots.update({f: "no" for f in SCREEN})
    after = await track(make_tracker, dispatcher, domain, slots=slots)
    assert first_empty(after, domain) == "clicking_catching"
    assert after["low_back_pain"] == "not_asked" and after["radiating_leg_pain"] == "yes"


async def test_a_question_marked_not_asked_is_reopened_when_the_plan_comes_back_to_it(make_tracker, dispatcher, domain):
    # low_back_pain was marked not asked while the nerve pattern looked settled;
    # after a correction nothing settles it any more, so it is the next question
    slots = {"features_absent": SCREEN + ["radiating_leg_pain"], "questions_asked": SCREEN + ["radiating_leg_pain"],
             "radiating_leg_pain": "no", "low_back_pain": "not_asked", "buttock_pain": "not_asked"}
    slots.update({f: "no" for f in SCREEN})
    after = await track(make_tracker, dispatcher, domain, slots=slots, intent="correct_answer")
    assert first_empty(after, domain) == "low_back_pain"
    assert after["buttock_pain"] == "not_asked"  # later ones may stay marked: the form asks the first empty


def test_the_form_order_is_the_interview_order(domain):
    assert domain["forms"]["interview_form"]["required_slots"] == [screen_id()] + SCREEN + interview_order()


def test_every_interview_feature_has_an_ask_action_in_the_domain(domain):
    for feature_id in SCREEN + interview_order():
        assert f"action_ask_{feature_id}" in domain["actions"]
        assert feature_id in domain["forms"]["interview_form"]["required_slots"]
        assert ASK_ACTIONS[feature_id]().name() == f"action_ask_{feature_id}"


async def test_ask_action_introduces_once_and_records_the_question(make_tracker, dispatcher, domain):
    action = ASK_ACTIONS["tingling"]()
    events = await action.run(dispatcher, make_tracker(), domain)
    assert len(dispatcher.messages) == 2
    assert "yes-or-no" in dispatcher.messages[0]["text"]
    assert "pins and needles" in dispatcher.messages[1]["text"]
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == ["/affirm", "/deny", "/unsure"]
    assert slot_events(events)["questions_asked"] == ["tingling"]

    later = type(dispatcher)()
    await action.run(later, make_tracker(slots={"questions_asked": ["numbness"]}), domain)
    assert len(later.messages) == 1 and "pins and needles" in later.messages[0]["text"]


async def test_why_explains_the_pending_question_with_its_source(make_tracker, dispatcher, domain):
    tracker = make_tracker(slots={"requested_slot": "clicking_catching"}, active_loop="interview_form")
    await ActionExplainWhy().run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert "joint" in text and "(Source: Sciatica" in text


async def test_why_without_a_question(make_tracker, dispatcher, domain):
    await ActionExplainWhy().run(dispatcher, make_tracker(), domain)
    assert len(dispatcher.messages) == 1 and "each question" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("present, absent, assessment, triage", [
    (["radiating_leg_pain", "numbness", "low_back_pain"], ["clicking_catching"], "nerve_related", "routine"),
    (["clicking_catching", "knee_locking", "knee_swelling"], ["radiating_leg_pain"], "knee_joint", "routine"),
    (["radiating_leg_pain", "bladder_bowel_change"], [], "nerve_related", "emergency"),
    ([], [], "unclear", "routine"),
])
async def test_assessment_sets_slots_and_always_guides(make_tracker, dispatcher, domain, present, absent, assessment, triage):
    tracker = make_tracker(slots={"features_present": present, "features_absent": absent})
    slots = slot_events(await ActionGiveAssessment().run(dispatcher, tracker, domain))
    assert (slots["assessment"], slots["triage"]) == (assessment, triage)
    assert len(dispatcher.messages) == 3
    routine = triage == "routine"
    explanation, guidance = (dispatcher.messages[i]["text"] for i in ((0, 1) if routine else (1, 0)))
    assert "not a diagnosis" in explanation
    assert ("emergency" in guidance) if triage == "emergency" else ("GP" in guidance or "physiotherapist" in guidance)


async def test_clinician_summary_has_text_and_payload(make_tracker, dispatcher, domain):
    tracker = make_tracker(slots={
        "features_present": ["numbness"], "features_absent": SCREEN, "questions_asked": SCREEN,
    })
    await ActionClinicianSummary().run(dispatcher, tracker, domain)
    message = dispatcher.messages[0]
    assert "not a diagnosis" in message["text"]
    custom = message["custom"]["data"]
    assert custom["type"] == "clinician_summary"
    assert custom["reported"] == ["numbness"] and set(custom["screened"]) == set(SCREEN)
    assert all(v == "absent" for v in custom["screened"].values())
