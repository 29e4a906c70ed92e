"""bot.offline: what the bot says when its action server cannot answer."""
from bot import features
from bot.offline import KIND, service_unavailable
from bot.messages import phrase

APOLOGY = phrase(KIND, "apology")


def test_routine_turn_apologises_first_then_recommends_a_professional():
    message = service_unavailable(["radiating_leg_pain"], [], [("clicking_catching", "present")])
    assert message["data"] == {"type": KIND, "triage": features.ROUTINE}
    assert message["text"].startswith(APOLOGY)
    assert "GP or a physiotherapist" in message["text"]
    # the routine advice still says when to go to an emergency department
    assert "emergency department" in message["text"]


def test_red_flag_in_this_turn_puts_emergency_advice_first():
    message = service_unavailable([], [], [("saddle_numbness", "present")])
    assert message["data"]["triage"] == features.EMERGENCY
    assert message["text"].startswith("Please go to an emergency department")
    assert message["text"].endswith(APOLOGY)


def test_red_flag_known_from_earlier_turns_counts():
    message = service_unavailable(["fever"], [], [])
    assert message["data"]["triage"] == features.URGENT
    assert message["text"].startswith("Please see a doctor today")


def test_a_denied_or_hedged_red_flag_does_not_escalate():
    for role in ("absent", "uncertain", "historical", "hypothetical", "other"):
        message = service_unavailable([], [], [("bladder_bowel_change", role)])
        assert message["data"]["triage"] == features.ROUTINE, role


def test_a_denial_this_turn_overrides_an_earlier_red_flag():
    message = service_unavailable(["both_legs"], [], [("both_legs", "absent")])
    assert message["data"]["triage"] == features.ROUTINE


def test_unknown_feature_ids_are_ignored():
    message = service_unavailable([], [], [("not_a_feature", "present"), (None, "present")])
    assert message["data"]["triage"] == features.ROUTINE
