"""bot.answers and bot.tracking: answers read in the context of the pending question."""
import pytest

from bot.answers import NO, UNSURE, YES, read_answer
from bot.knowledge import screen_id, screening
from bot.tracking import fold_turn


@pytest.mark.parametrize("question,text,intent,want", [
    ("both_legs", "only my right leg", "affirm", NO),          # the false emergency
    ("both_legs", "just my left leg", "nlu_fallback", NO),
    ("both_legs", "both sides, yes", "affirm", YES),
    ("radiating_leg_pain", "doesn't go past the knee", None, NO),
    ("worse_with_spine_load", "my desk chair makes it worse", None, YES),
    ("eased_by_position", "better flat on my back", None, YES),
    ("bladder_bowel_change", "waterworks are fine", None, NO),
    ("worse_with_spine_load", "no, sitting is actually fine", "deny", NO),  # a topic word does not beat "no"
    ("numbness", "yes", "affirm", YES),
    ("numbness", "not sure", "unsure", UNSURE),
])
def test_answers_in_own_words(question, text, intent, want):
    assert read_answer(question, text, [], intent).answer == want


def test_what_the_answer_says_about_its_own_feature_beats_a_leading_word():
    reading = read_answer("radiating_leg_pain", "no, but it does shoot down to my foot",
                          [("radiating_leg_pain", "present")], "deny")
    assert (reading.answer, reading.source) == (YES, "mention")


def test_an_unclear_answer_is_unclear_then_not_sure_after_asking_again():
    first = fold_turn([], [], {}, [], "nlu_fallback", "tingling", text="hmm what")
    assert first.unclear and "tingling" not in first.answers
    second = fold_turn([], [], {}, [], "nlu_fallback", "tingling", text="banana", reasked=True)
    assert not second.unclear and second.answers["tingling"] == UNSURE


def test_other_words_in_an_answer_are_still_folded_in():
    result = fold_turn([], [], {}, [("tingling", "present")], "deny", "numbness", text="no, but my foot tingles")
    assert result.absent == ["numbness"] and result.present == ["tingling"]


def test_a_clear_no_to_the_screen_rules_out_all_four_signs():
    result = fold_turn([], [], {}, [], "deny", screen_id(), text="none of those")
    assert set(screening()) <= set(result.absent) and result.triage == "routine"


def test_a_yes_to_the_screen_asks_each_sign_and_raises_no_alarm_yet():
    result = fold_turn([], [], {}, [], "affirm", screen_id(), text="yes")
    assert result.answers[screen_id()] == YES and not result.present and not result.new_red_flags


def test_a_sign_named_in_the_screen_answer_counts():
    result = fold_turn([], [], {}, [("both_legs", "present")], "affirm", screen_id(), text="yes, both legs")
    assert result.present == ["both_legs"] and result.triage == "emergency"


@pytest.mark.parametrize("intent", ["ask_why_question", "faq", "out_of_scope", "stop_interview", "start_over", "delete_my_data"])
def test_a_message_not_meant_as_an_answer_is_never_unclear(intent):
    assert not fold_turn([], [], {}, [], intent, "tingling", text="why do you ask that?").unclear
