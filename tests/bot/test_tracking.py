"""bot.tracking.fold_turn: how one message updates what the conversation knows."""
import pytest

from bot.tracking import NO, SKIPPED, UNSURE, YES, fold_turn, leading_answer


def fold(mentions=(), intent="describe_symptoms", requested=None, present=(), absent=(), answers=None, announced=(), text=""):
    return fold_turn(list(present), list(absent), answers or {}, list(mentions), intent, requested, announced, text)


def test_first_message_sets_features_and_triage():
    r = fold([("numbness", "present"), ("clicking_catching", "absent")])
    assert r.present == ["numbness"]
    assert r.absent == ["clicking_catching"]
    assert r.triage == "routine"
    assert r.answers["numbness"] == YES and r.answers["clicking_catching"] == NO


def test_nothing_clinical_leaves_triage_unset():
    r = fold([], intent="greet")
    assert (r.present, r.absent, r.triage) == ([], [], None)


@pytest.mark.parametrize("status", ["uncertain", "historical", "hypothetical", "other"])
def test_hedged_or_past_mentions_are_neither_present_nor_absent(status):
    r = fold([("low_back_pain", status)])
    assert r.present == [] and r.absent == []


def test_red_flag_on_first_turn_sets_emergency_and_is_new():
    r = fold([("bladder_bowel_change", "present")])
    assert r.triage == "emergency"
    assert r.new_red_flags == ["bladder_bowel_change"]


def test_announced_red_flag_is_not_new_again():
    r = fold([("fever", "present")], announced=["fever"])
    assert r.triage == "urgent" and r.new_red_flags == []


def test_later_denial_moves_feature_to_absent_and_back():
    r1 = fold([("clicking_catching", "present")])
    r2 = fold([("clicking_catching", "absent")], intent="correct_answer", present=r1.present, absent=r1.absent)
    assert r2.present == [] and r2.absent == ["clicking_catching"]
    r3 = fold([("clicking_catching", "present")], present=r2.present, absent=r2.absent)
    assert r3.present == ["clicking_catching"] and r3.absent == []


@pytest.mark.parametrize("intent, present, absent, answer", [
    ("affirm", ["tingling"], [], YES),
    ("deny", [], ["tingling"], NO),
    ("unsure", [], [], UNSURE),
    ("skip_question", [], [], SKIPPED),
])
def test_short_answer_applies_to_the_pending_question(intent, present, absent, answer):
    r = fold([], intent=intent, requested="tingling")
    assert (r.present, r.absent, r.answers.get("tingling")) == (present, absent, answer)


def test_no_but_free_text_records_both():
    r = fold([("numbness", "present")], intent="deny", requested="clicking_catching")
    assert r.present == ["numbness"] and r.absent == ["clicking_catching"]


def test_explicit_mention_of_the_pending_feature_beats_the_intent():
    # "yes, well no, it doesn't click" - the entity is more specific than the intent
    r = fold([("clicking_catching", "absent")], intent="affirm", requested="clicking_catching")
    assert r.absent == ["clicking_catching"] and r.present == []


def test_yes_to_a_screening_question_is_a_new_red_flag():
    r = fold([], intent="affirm", requested="saddle_numbness")
    assert r.triage == "emergency" and r.new_red_flags == ["saddle_numbness"]


def test_unknown_feature_ids_from_nlu_are_ignored():
    r = fold([("not_a_feature", "present")])
    assert r.present == []


@pytest.mark.parametrize("text, answer", [
    ("no, but my foot tingles", NO),
    ("Nope. it aches though", NO),
    ("yes and it clicks too", YES),
    ("Yeah, sometimes", YES),
    ("not sure, maybe a little", UNSURE),
    ("notably it swells", None),
    ("nothing else", None),
    ("my knee clicks", None),
    ("", None),
])
def test_leading_answer_words(text, answer):
    assert leading_answer(text) == answer


def test_no_but_free_text_answers_even_when_classified_as_symptoms():
    r = fold([("tingling", "present")], intent="describe_symptoms", requested="bladder_bowel_change",
             text="no, but my foot tingles")
    assert r.absent == ["bladder_bowel_change"] and r.present == ["tingling"]


def test_leading_word_is_ignored_without_a_pending_question():
    r = fold([], intent="describe_symptoms", text="no idea why my knee hurts")
    assert r.present == [] and r.absent == []


def test_flipped_lists_corrections_both_ways():
    r = fold([("clicking_catching", "absent"), ("numbness", "present")],
             present=["clicking_catching"], absent=["numbness"])
    assert sorted(r.flipped) == ["clicking_catching", "numbness"]
    assert fold([("numbness", "present")], present=["numbness"]).flipped == []


def test_an_uncertain_emergency_sign_is_possible_not_present():
    from bot.tracking import fold_turn

    result = fold_turn([], [], {}, [("both_legs", "uncertain"), ("tingling", "present")], "describe_symptoms", None)
    assert result.possible_flags == ["both_legs"]
    assert "both_legs" not in result.present and result.triage == "routine"
