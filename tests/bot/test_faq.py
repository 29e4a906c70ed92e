"""The FAQ: its answers (domain.yml), its training questions (data/nlu.yml), the
evaluation sets (tests/faq_eval/), and the decision to answer (bot.faq)."""
import re
from pathlib import Path

import pytest
import yaml

from bot import faq, knowledge
from bot.eval_faq import Report, format_report, load_question_set, score
from tests.bot.test_knowledge import DIAGNOSIS, DOSE, DRUG_NAMES, PROMISE

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
NLU = yaml.safe_load((ROOT / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
PREFIX = "utter_faq/"
ANSWERS = {name[len(PREFIX):]: DOMAIN["responses"][name][0]["text"] for name in DOMAIN["responses"] if name.startswith(PREFIX)}
TRAINING = {
    item["intent"].split("/", 1)[1]: [line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")]
    for item in NLU
    if item.get("intent", "").startswith("faq/")
}
SOURCE = re.compile(r"\s*\(Source: (?P<titles>.+)\)$", re.S)
PROFESSIONAL = re.compile(
    r"\b(GP|physiotherapist|doctor|pharmacist|specialist|podiatrist|occupational health adviser|"
    r"emergency department|emergency number)\b"
)
HELD_OUT = load_question_set(ROOT / "tests" / "faq_eval" / "heldout.yml")
DEV = load_question_set(ROOT / "tests" / "faq_eval" / "dev.yml")

# What the issue asks the FAQ to cover, each by the key that answers it.
REQUIRED = [
    "how_long", "ice_or_heat", "exercises", "nerve_glides", "painkillers", "keep_active", "running_sport",
    "work", "sitting_posture", "sleep_position", "scan_needed", "scan_back_not_knee", "injections",
    "surgery", "physio_checks", "l4_nerve", "l5_nerve", "peroneal_nerve", "radicular_pain",
    "disc_herniation", "stenosis", "piriformis", "meniscus", "osteoarthritis", "ligament",
    "cauda_equina", "emergency", "prevention", "weight", "orthotics", "is_it_serious",
]


def _answer_and_sources(text):
    found = SOURCE.search(text)
    assert found, f"no (Source: ...) at the end of {text[:60]!r}"
    return text[: found.start()].strip(), found.group("titles").split("; ")


def _sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _normal(text):
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


# ---------------------------------------------------------------- answers


def test_at_least_forty_questions_covering_the_issue():
    assert len(ANSWERS) >= 40
    assert set(REQUIRED) <= set(ANSWERS)


def test_every_faq_key_has_an_answer_and_training_questions():
    assert set(ANSWERS) == set(TRAINING)
    thin = {key: len(examples) for key, examples in TRAINING.items() if len(examples) < 10}
    assert thin == {}


@pytest.mark.parametrize("key", sorted(ANSWERS))
def test_answer_is_short_sourced_and_points_to_a_professional(key):
    answer, titles = _answer_and_sources(ANSWERS[key])
    assert set(titles) <= set(knowledge.sources().values()), titles
    assert 2 <= len(_sentences(answer)) <= 4, _sentences(answer)
    assert len(answer.split()) <= 110
    assert PROFESSIONAL.search(answer)


@pytest.mark.parametrize("key", sorted(ANSWERS))
def test_answer_gives_no_dose_no_drug_name_no_promise_no_diagnosis(key):
    text = ANSWERS[key]
    for pattern in (DOSE, DRUG_NAMES, PROMISE, DIAGNOSIS):
        assert not pattern.search(text), (pattern.pattern[:30], text)


def test_medicine_answers_send_to_a_pharmacist_or_gp_and_give_no_dose():
    answer, _ = _answer_and_sources(ANSWERS["painkillers"])
    assert "pharmacist or GP" in answer and "doses" in answer
    assert not re.search(r"\d+ ?mg", answer, re.I)


def test_emergency_answers_send_to_the_emergency_department():
    for key in ("emergency", "cauda_equina", "numbness_tingling", "is_it_serious"):
        assert "emergency department" in ANSWERS[key]


def test_the_honest_answer_points_to_a_professional():
    for name in ("utter_cannot_answer", "utter_out_of_scope"):
        text = DOMAIN["responses"][name][0]["text"]
        assert "can't answer" in text and PROFESSIONAL.search(text)


def test_every_source_of_the_registry_is_used():
    used = {title for text in ANSWERS.values() for title in _answer_and_sources(text)[1]}
    questions = {knowledge.source_title(q["source"]) for q in knowledge.load("questions.yml")["questions"].values()}
    assert set(knowledge.sources().values()) <= used | questions


# ---------------------------------------------------------------- evaluation sets


def test_held_out_set_is_large_and_covers_every_key():
    assert len(HELD_OUT.questions) >= 120
    assert len(HELD_OUT.out_of_scope) >= 40
    keys = [key for _, key in HELD_OUT.questions]
    assert set(keys) == set(ANSWERS)
    assert min(keys.count(key) for key in ANSWERS) >= 2


def test_dev_set_names_only_known_keys():
    assert {key for _, key in DEV.questions} <= set(ANSWERS)


@pytest.mark.parametrize("question_set", [HELD_OUT, DEV], ids=["heldout", "dev"])
def test_evaluation_questions_are_never_training_questions(question_set):
    out_of_scope = [
        line[2:].strip() for item in NLU if item.get("intent") == "out_of_scope"
        for line in item["examples"].splitlines() if line.startswith("- ")
    ]
    trained = {_normal(t) for examples in TRAINING.values() for t in examples} | {_normal(t) for t in out_of_scope}
    texts = [t for t, _ in question_set.questions] + question_set.out_of_scope
    assert [t for t in texts if _normal(t) in trained] == []
    assert len({_normal(t) for t in texts}) == len(texts)


def test_held_out_and_dev_do_not_overlap():
    held = {_normal(t) for t, _ in HELD_OUT.questions} | {_normal(t) for t in HELD_OUT.out_of_scope}
    dev = {_normal(t) for t, _ in DEV.questions} | {_normal(t) for t in DEV.out_of_scope}
    assert held & dev == set()


# ---------------------------------------------------------------- the decision


def _parse(intent="faq", key="how_long", confidences=(0.8, 0.1)):
    ranking = [{"confidence": c, "intent_response_key": f"faq/k{i}"} for i, c in enumerate(confidences)]
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "response_selector": {
            "faq": {"response": {"intent_response_key": f"faq/{key}", "confidence": confidences[0]}, "ranking": ranking}
        },
    }


def test_match_reads_the_selected_key_confidence_and_margin():
    found = faq.match(_parse(confidences=(0.7, 0.2, 0.1)))
    assert found.key == "how_long"
    assert found.confidence == pytest.approx(0.7) and found.margin == pytest.approx(0.5)


def test_match_without_a_selection():
    assert faq.match({}).key is None
    assert not faq.answerable(faq.match({}))


def test_a_sure_selection_is_answered_and_an_unsure_one_is_not():
    limits = faq.thresholds()
    assert faq.outcome(_parse(confidences=(0.95, 0.01))) == "faq/how_long"
    unsure = max(limits["min_confidence"] - 0.05, 0.0)
    assert faq.outcome(_parse(confidences=(unsure, unsure))) == faq.CANNOT_ANSWER


def test_thresholds_are_probabilities():
    assert all(0.0 <= value <= 1.0 for value in faq.thresholds().values())


@pytest.mark.parametrize("intent", faq.DECLINING_INTENTS)
def test_out_of_scope_and_fallback_are_declined(intent):
    assert faq.outcome(_parse(intent=intent)) == faq.CANNOT_ANSWER


def test_other_intents_are_reported_as_such():
    assert faq.outcome(_parse(intent="describe_symptoms")) == "intent:describe_symptoms"


def test_score_and_report():
    question_set = load_question_set(ROOT / "tests" / "faq_eval" / "dev.yml")
    outcomes = {t: f"faq/{k}" for t, k in question_set.questions} | {t: faq.CANNOT_ANSWER for t in question_set.out_of_scope}
    first, expected = question_set.questions[0]
    outcomes[first] = "faq/surgery" if expected != "surgery" else "faq/how_long"
    report = score(question_set, outcomes)
    assert isinstance(report, Report)
    assert report.top1 == pytest.approx(1 - 1 / len(question_set.questions))
    assert report.honest_rate == 1.0
    assert report.summary()["wrong_topic"] == 1
    text = format_report(report, targets=True)
    assert "top-1 accuracy" in text and "confusions" in text and first in text


# ---------------------------------------------------------------- in the interview


@pytest.mark.parametrize("intent", ["faq", "out_of_scope"])
def test_a_question_in_the_interview_is_not_an_unclear_answer(intent):
    from bot.tracking import fold_turn

    result = fold_turn([], [], {}, [], intent, "radiating_leg_pain", text="how long does sciatica last?")
    assert not result.unclear and "radiating_leg_pain" not in result.answers


def test_an_unreadable_answer_is_still_unclear():
    from bot.tracking import fold_turn

    assert fold_turn([], [], {}, [], "nlu_fallback", "radiating_leg_pain", text="hmm what").unclear


@pytest.mark.parametrize("text", [
    "how long does sciatica last",
    "is it my back?",
    "Can I still run",
    "my knee hurts, could it be my back",
    "L4 nerve meaning",
    "tell me about injections",
    "wondering whether ice helps",
    "whats a nerve glide",
])
def test_questions_are_shaped_as_questions(text):
    assert faq.asks_question(text)


@pytest.mark.parametrize("text", [
    "knee and back pain",
    "my knee clicks when I squat",
    "pain down the back of my leg since Tuesday",
    "sciatica in my left leg for 3 weeks",
    "",
])
def test_statements_are_not_questions(text):
    assert not faq.asks_question(text)
