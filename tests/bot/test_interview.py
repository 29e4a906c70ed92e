"""bot.interview.next_question: the order and the stopping of the interview."""
from bot.interview import next_question
from bot.knowledge import interview_order, screen_id, screening

SCREEN = screening()


def test_starts_with_the_combined_emergency_screen():
    assert next_question([], []) == screen_id()
    assert next_question([], [SCREEN[0]]) == screen_id()  # three signs still open


def test_a_yes_or_not_sure_to_the_screen_asks_each_open_sign():
    assert next_question([], [], screen_answered=True) == SCREEN[0]
    assert next_question([], [SCREEN[0]], unanswered=[screen_id()]) == SCREEN[1]
    assert next_question([], SCREEN[:3], screen_answered=True) == SCREEN[3]


def test_one_open_sign_is_asked_on_its_own():
    assert next_question([], SCREEN[:3]) == SCREEN[3]


def test_no_assessment_question_before_every_sign_is_known():
    for known in range(len(SCREEN)):
        for answered in (False, True):
            assert next_question([], SCREEN[:known], screen_answered=answered) in [screen_id()] + SCREEN


def test_skips_what_is_already_known():
    assert next_question(["radiating_leg_pain"], SCREEN, asked=SCREEN) != "radiating_leg_pain"


def test_pattern_questions_follow_the_data_order():
    assert next_question([], SCREEN, asked=SCREEN) == interview_order()[0]


def test_red_flag_stops_the_interview():
    assert next_question(["saddle_numbness"], []) is None
    assert next_question(["fever"], []) is None


def test_unsure_answers_are_not_asked_again():
    assert next_question([], SCREEN[1:], unanswered=[SCREEN[0]], asked=SCREEN) == interview_order()[0]


def test_settled_pattern_is_not_asked_about():
    # strong nerve picture: the next question checks the knee side
    q = next_question(["radiating_leg_pain", "numbness"], SCREEN, asked=SCREEN)
    assert q == "clicking_catching"


def test_stops_when_both_patterns_settled_after_minimum():
    present = ["radiating_leg_pain", "numbness", "clicking_catching"]
    asked = SCREEN + ["clicking_catching", "tingling"]
    assert next_question(present, SCREEN + ["tingling"], asked=asked) is None


def test_minimum_questions_even_when_first_message_is_clear():
    present = ["radiating_leg_pain", "numbness", "clicking_catching"]
    assert next_question(present, SCREEN, asked=SCREEN) is not None


def test_budget_caps_pattern_questions():
    asked = SCREEN + interview_order()[:5]
    assert next_question([], SCREEN, unanswered=interview_order()[:5], asked=asked) is None


def test_every_question_sequence_ends():
    present, absent, asked = [], [], []
    for _ in range(40):
        q = next_question(present, absent, asked=asked)
        if q is None:
            break
        asked.append(q)
        absent.extend(SCREEN if q == screen_id() else [q])
    assert q is None and len(asked) <= 1 + 5


# ---------------------------------------------------------------- form_slots
from bot.interview import form_slots  # noqa: E402
from bot.tracking import NOT_ASKED  # noqa: E402

ORDER = ["a", "b", "c", "d"]


def test_form_slots_marks_the_empty_slots_before_the_next_question():
    assert form_slots(ORDER, {"b": "yes"}, "c") == {"a": NOT_ASKED}


def test_form_slots_reopens_the_next_question_if_it_was_marked():
    assert form_slots(ORDER, {"a": "no", "b": NOT_ASKED}, "b") == {"b": None}


def test_form_slots_leaves_later_slots_and_answers_alone():
    assert form_slots(ORDER, {"a": "unsure", "d": NOT_ASKED}, "b") == {}


def test_form_slots_marks_every_empty_slot_when_the_interview_is_done():
    assert form_slots(ORDER, {"c": "skipped"}, None) == {"a": NOT_ASKED, "b": NOT_ASKED, "d": NOT_ASKED}


def test_a_possible_red_flag_is_asked_at_once():
    assert next_question([], [], first=["both_legs"]) == "both_legs"
    assert next_question([], ["both_legs"], first=["both_legs"]) == screen_id()  # already answered
