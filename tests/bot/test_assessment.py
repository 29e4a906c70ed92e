"""The assessment: triage level and pattern for feature combinations, and its reasons.

Weights (bot/data/assessment.yml): strong 3, moderate 2, weak 1; a pattern is
supported at 2.5; denying a strong feature subtracts 0.5 from its pattern.
"""
import dataclasses
import itertools

import pytest

from bot import features
from bot.assessment import ASSESSMENTS, Assessment, assess, counts_toward
from bot.knowledge import load

# (present, absent, expected triage, expected assessment)
CASES = [
    # --- every red flag sets triage; the pattern is still assessed
    (["bladder_bowel_change"], [], "emergency", "unclear"),
    (["saddle_numbness"], [], "emergency", "unclear"),
    (["both_legs", "radiating_leg_pain", "numbness"], [], "emergency", "nerve_related"),
    (["progressive_weakness", "leg_weakness", "low_back_pain"], [], "emergency", "nerve_related"),
    (["fever"], [], "urgent", "unclear"),
    (["cancer_history", "low_back_pain", "radiating_leg_pain"], [], "urgent", "nerve_related"),
    (["weight_loss"], [], "urgent", "unclear"),
    (["major_trauma", "knee_injury", "knee_swelling"], [], "urgent", "knee_joint"),
    (["cannot_bear_weight", "knee_injury", "knee_giving_way"], [], "urgent", "knee_joint"),
    (["hot_red_knee", "knee_swelling"], [], "urgent", "unclear"),
    (["saddle_numbness", "fever"], [], "emergency", "unclear"),  # emergency outranks urgent
    (["fever", "dull_ache"], [], "urgent", "unclear"),  # red flags carry no pattern weight
    (["both_legs", "radiating_leg_pain", "numbness", "tingling", "worse_with_spine_load",
      "low_back_pain", "buttock_pain"], [], "emergency", "nerve_related"),
    (["cannot_bear_weight", "hot_red_knee"], [], "urgent", "unclear"),
    # --- empty input and too little known
    ([], [], "routine", "unclear"),
    (["dull_ache"], [], "routine", "unclear"),
    (["knee_stiffness"], [], "routine", "unclear"),
    (["knee_giving_way"], [], "routine", "unclear"),
    (["low_back_pain"], [], "routine", "unclear"),
    (["localized_knee_pain"], [], "routine", "unclear"),
    (["eased_by_position"], [], "routine", "unclear"),
    (["knee_injury"], [], "routine", "unclear"),
    (["knee_swelling"], [], "routine", "unclear"),
    (["dull_ache", "knee_stiffness"], [], "routine", "unclear"),  # two weak clues
    (["low_back_pain", "dull_ache"], [], "routine", "unclear"),  # 2 vs 1: neither enough
    ([], ["numbness", "tingling"], "routine", "unclear"),  # denials alone
    # --- nerve-related
    (["radiating_leg_pain"], [], "routine", "nerve_related"),
    (["numbness"], [], "routine", "nerve_related"),
    (["tingling", "low_back_pain"], [], "routine", "nerve_related"),
    (["worse_with_spine_load", "eased_by_position"], [], "routine", "nerve_related"),
    (["low_back_pain", "buttock_pain"], [], "routine", "nerve_related"),
    (["shooting_pain", "knee_giving_way"], [], "routine", "nerve_related"),
    (["radiating_leg_pain", "numbness", "dull_ache"], [], "routine", "nerve_related"),
    (["knee_giving_way", "leg_weakness"], [], "routine", "nerve_related"),  # buckling from weakness
    # --- knee joint
    (["clicking_catching"], [], "routine", "knee_joint"),
    (["knee_locking", "knee_swelling"], [], "routine", "knee_joint"),
    (["worse_weight_bearing", "dull_ache"], [], "routine", "knee_joint"),
    (["localized_knee_pain", "worse_twisting"], [], "routine", "knee_joint"),
    (["knee_injury", "knee_swelling"], [], "routine", "knee_joint"),
    (["clicking_catching", "worse_weight_bearing", "knee_giving_way"], [], "routine", "knee_joint"),
    # --- the twisting-injury buckling case: giving way counts toward the knee
    (["knee_injury", "worse_twisting", "knee_swelling", "knee_giving_way"], [], "routine", "knee_joint"),
    (["knee_giving_way", "worse_twisting"], [], "routine", "knee_joint"),
    (["knee_giving_way", "knee_swelling"], [], "routine", "knee_joint"),
    (["knee_giving_way", "knee_injury", "leg_weakness"], [], "routine", "knee_joint"),  # first rule wins
    # --- mixed: both patterns strongly supported
    (["radiating_leg_pain", "clicking_catching"], [], "routine", "mixed"),
    (["numbness", "tingling", "knee_locking"], [], "routine", "mixed"),
    (["low_back_pain", "buttock_pain", "worse_weight_bearing", "knee_swelling"], [], "routine", "mixed"),
    (["radiating_leg_pain", "numbness", "clicking_catching"], ["knee_locking"], "routine", "mixed"),
    (features.ids_in("nerve") + features.ids_in("knee"), [], "routine", "mixed"),
    # --- denials count a little against their pattern
    (["radiating_leg_pain"], ["numbness"], "routine", "nerve_related"),  # 3 - 0.5 still enough
    (["radiating_leg_pain"], ["numbness", "tingling"], "routine", "unclear"),  # 3 - 1 not enough
    (["clicking_catching"], ["knee_locking"], "routine", "knee_joint"),
    (["localized_knee_pain", "dull_ache"], ["clicking_catching"], "routine", "knee_joint"),
    (["localized_knee_pain", "dull_ache"], ["clicking_catching", "knee_locking"], "routine", "unclear"),
    (["radiating_leg_pain", "localized_knee_pain", "dull_ache"], ["clicking_catching", "knee_locking"],
     "routine", "nerve_related"),  # denials turn mixed into nerve-related
    (["worse_weight_bearing", "dull_ache"], ["knee_stiffness", "buttock_pain"], "routine", "knee_joint"),
    (["numbness"], ["numbness"], "routine", "nerve_related"),  # both said: present wins
]


def _case_id(case):
    present, absent, triage, pattern = case
    shown = "+".join(present) if len(present) < 8 else "everything"
    denied = "-no-" + "+".join(absent) if absent else ""
    return f"{shown or 'nothing'}{denied}->{triage}/{pattern}"


def test_table_is_large_enough():
    assert len(CASES) >= 45


@pytest.mark.parametrize("present,absent,triage,pattern", CASES, ids=[_case_id(c) for c in CASES])
def test_combination(present, absent, triage, pattern):
    result = assess(present, absent)
    assert (result.triage, result.assessment) == (triage, pattern)


@pytest.mark.parametrize("flag", features.red_flags())
def test_every_red_flag_alone_sets_its_triage_level(flag):
    result = assess([flag])
    assert result.triage == features.group_of(flag)
    assert result.red_flags == (flag,)
    assert result.assessment == "unclear"


# ---------------------------------------------------------------- reasons


def test_reasons_are_strongest_first_then_in_mention_order():
    result = assess(["low_back_pain", "buttock_pain", "radiating_leg_pain", "dull_ache", "clicking_catching"])
    assert result.reasons_for_nerve == ("radiating_leg_pain", "low_back_pain", "buttock_pain")
    assert result.reasons_for_knee == ("clicking_catching", "dull_ache")


def test_buckling_after_twisting_injury_is_knee_evidence_not_nerve():
    result = assess(["knee_injury", "worse_twisting", "knee_swelling", "knee_giving_way"])
    assert "knee_giving_way" in result.reasons_for_knee
    assert result.reasons_for_nerve == ()


def test_buckling_without_context_is_weak_nerve_evidence():
    assert assess(["knee_giving_way"]).reasons_for_nerve == ("knee_giving_way",)
    assert counts_toward("knee_giving_way", {"knee_giving_way"}) == ("nerve", 1)


def test_swelling_after_injury_is_strong():
    assert counts_toward("knee_swelling", {"knee_swelling"}) == ("knee", 2)
    assert counts_toward("knee_swelling", {"knee_swelling", "knee_injury"}) == ("knee", 3)


def test_only_strong_denials_are_reasons_against():
    result = assess(["clicking_catching"], ["dull_ache", "numbness", "knee_locking", "low_back_pain"])
    assert result.reasons_against_nerve == ("numbness",)
    assert result.reasons_against_knee == ("knee_locking",)


def test_a_feature_both_present_and_denied_is_not_a_reason_against():
    result = assess(["numbness"], ["numbness"])
    assert result.reasons_for_nerve == ("numbness",)
    assert result.reasons_against_nerve == ()


def test_red_flags_are_listed_in_contract_order_and_never_as_pattern_reasons():
    result = assess(["fever", "radiating_leg_pain", "bladder_bowel_change"])
    assert result.red_flags == ("bladder_bowel_change", "fever")
    assert result.reasons_for_nerve == ("radiating_leg_pain",)
    assert result.reasons_for_knee == ()


def test_empty_input_has_no_reasons():
    assert assess([]) == Assessment("routine", "unclear", (), (), (), (), ())


# ---------------------------------------------------------------- behaviour


def test_order_and_duplicates_of_input_do_not_change_the_assessment():
    present = ["radiating_leg_pain", "knee_swelling", "knee_injury", "knee_giving_way"]
    results = {
        (a.triage, a.assessment, frozenset(a.reasons_for_knee))
        for a in (assess(p) for p in itertools.permutations(present))
    }
    assert len(results) == 1
    assert assess(present + present) == assess(present)


def test_accepts_any_iterable():
    assert assess(iter(["numbness"]), (f for f in ["tingling"])).assessment == "nerve_related"


def test_unknown_feature_id_is_a_caller_error():
    with pytest.raises(ValueError):
        assess(["sore_knee"])
    with pytest.raises(ValueError):
        assess([], ["sore_knee"])


def test_assessment_is_immutable():
    result = assess(["numbness"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.triage = "urgent"  # type: ignore[misc]


def test_assessment_values_are_known():
    assert set(ASSESSMENTS) == {"nerve_related", "knee_joint", "mixed", "unclear"}


# ---------------------------------------------------------------- the data


def test_every_pattern_feature_has_exactly_one_weight_and_red_flags_none():
    weights = load("assessment.yml")["weights"]
    assert set(weights) == set(features.ids_in("nerve") + features.ids_in("knee"))
    for feature_id, spec in weights.items():
        assert spec["pattern"] == features.group_of(feature_id)
        assert spec["weight"] > 0


def test_rules_refer_to_known_features_and_patterns():
    config = load("assessment.yml")
    for rule in config["rules"]:
        assert rule["feature"] in config["weights"]
        assert set(rule["when_any"]) <= set(features.all_ids())
        assert rule["pattern"] in ("nerve", "knee")
        assert rule["weight"] > 0


def test_yaml_is_read_once():
    assert load("assessment.yml") is load("assessment.yml")


# ---------------------------------------------------------------- issue 12: follow the evidence
def test_plain_knee_pain_worse_walking_with_nerve_signs_denied_fits_the_knee():
    result = assess(["localized_knee_pain", "worse_weight_bearing"], ["low_back_pain", "numbness", "tingling"])
    assert result.assessment == "knee_joint"


def test_old_sciatica_and_a_knee_that_swells_after_running_fits_the_knee():
    # "I had sciatica years ago" is history, not a present feature
    assert assess(["knee_swelling", "worse_weight_bearing", "localized_knee_pain"]).assessment == "knee_joint"


def test_knee_pain_with_pain_past_the_knee_and_nerve_signs_fits_a_nerve():
    present = ["tingling", "dull_ache", "localized_knee_pain", "radiating_leg_pain", "low_back_pain"]
    assert assess(present).assessment == "nerve_related"
