"""The bot's wording: sources, interview questions, explanations, safety rules.

The FAQ's answers (domain.yml) are checked against the same safety rules in test_faq.py."""
import re

import pytest

from bot import features, knowledge
from bot.assessment import ASSESSMENTS, assess
from bot.explain import clinician_summary, explain
from bot.features import TRIAGE_LEVELS
from bot.knowledge import load

PATTERN_IDS = features.ids_in("nerve") + features.ids_in("knee")
EMERGENCY_IDS = features.ids_in("emergency")
PROFESSIONAL = re.compile(r"\b(GP|physiotherapist|doctor|professional|emergency department|emergency number)\b")
DOSE = re.compile(r"\d+(\.\d+)?\s?(mg|mcg|µg|g|ml|milligrams?|grams?|units?|tablets?|pills?)\b", re.I)
PROMISE = re.compile(r"\b(cure[sd]?|curing|guarantee[sd]?|100 ?%|permanent fix)\b", re.I)
DRUG_NAMES = re.compile(
    r"\b(ibuprofen|naproxen|diclofenac|aspirin|paracetamol|acetaminophen|codeine|tramadol|morphine|"
    r"gabapentin|pregabalin|amitriptyline|duloxetine|prednisolone|cortisone|diazepam|nsaids?)\b",
    re.I,
)
DIAGNOSIS = re.compile(
    r"\byou(?: have| have got|'ve got| are suffering from| suffer from)\s+(?:a |an )?(?:torn |pinched |trapped )?"
    r"(sciatica|meniscus|ligament|osteoarthritis|arthritis|herniated|slipped|disc|nerve|cauda|stenosis|piriformis)",
    re.I,
)


def _strings(node):
    """Every string in a parsed YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _last_sentence(text):
    return re.split(r"(?<=[.!?])\s+", text.strip())[-1]


ALL_WORDING = [
    text
    for name in ("knowledge.yml", "questions.yml", "explanations.yml")
    for text in _strings(load(name))
]


# ---------------------------------------------------------------- sources


def test_sources_have_titles():
    assert {"seed_000", "seed_002", "nice_ng59", "nhs_sciatica", "nhs_cauda_equina"} <= set(knowledge.sources())
    assert "article 000" in knowledge.source_title("seed_000")
    assert "NG59" in knowledge.source_title("nice_ng59")
    assert knowledge.source_title(["seed_000", "nhs_sciatica"]).count("; ") == 1
    assert len(set(knowledge.sources().values())) == len(knowledge.sources())


def test_unknown_source_is_an_error():
    with pytest.raises(KeyError):
        knowledge.source_title("astrology")


# ---------------------------------------------------------------- questions


@pytest.mark.parametrize("feature_id", PATTERN_IDS + EMERGENCY_IDS)
def test_every_question_has_text_why_and_source(feature_id):
    q = knowledge.question(feature_id)
    assert q["text"].endswith("?")
    assert len(q["why"].split()) >= 8
    assert q["source"] in knowledge.sources()
    assert q["source_title"] == knowledge.source_title(q["source"])


def test_questions_cover_exactly_the_pattern_features_and_emergency_flags():
    assert set(load("questions.yml")["questions"]) == set(PATTERN_IDS + EMERGENCY_IDS)


def test_interview_order_covers_every_pattern_feature_once_most_discriminating_first():
    order = knowledge.interview_order()
    assert sorted(order) == sorted(PATTERN_IDS)
    assert order[:6] == ["radiating_leg_pain", "low_back_pain", "buttock_pain",
                         "numbness", "tingling", "worse_with_spine_load"]
    weights = load("assessment.yml")["weights"]
    strong = [f for f in order if weights[f]["weight"] >= 3]
    weak = [f for f in order if weights[f]["weight"] == 1]
    assert max(order.index(f) for f in strong) < min(order.index(f) for f in weak)


def test_screening_is_the_four_emergency_flags():
    assert knowledge.screening() == EMERGENCY_IDS


# ---------------------------------------------------------------- explanations


def test_every_feature_has_an_explanation():
    wording = load("explanations.yml")["features"]
    weights = load("assessment.yml")["weights"]
    assert set(wording) == set(features.all_ids())
    for feature_id in features.all_ids():
        entry = wording[feature_id]
        assert entry["clinical"]
        if feature_id in weights:
            assert entry[weights[feature_id]["pattern"]] and entry["denied"]
        else:
            assert entry["red_flag"]
    for rule in load("assessment.yml")["rules"]:
        assert wording[rule["feature"]][rule["pattern"]]


def test_every_assessment_and_triage_has_wording():
    wording = load("explanations.yml")
    assert set(wording["patterns"]) == set(ASSESSMENTS) == set(wording["checks"])
    assert set(wording["guidance"]) == set(TRIAGE_LEVELS)


PATTERN_FEATURES = {
    "nerve_related": ["radiating_leg_pain", "numbness"],
    "knee_joint": ["clicking_catching", "knee_injury"],
    "mixed": ["radiating_leg_pain", "clicking_catching"],
    "unclear": ["dull_ache"],
}
TRIAGE_FLAGS = {"emergency": ["bladder_bowel_change"], "urgent": ["fever"], "routine": []}


@pytest.mark.parametrize("pattern", ASSESSMENTS)
@pytest.mark.parametrize("triage", TRIAGE_LEVELS)
def test_explain_includes_guidance_for_every_assessment_and_triage(pattern, triage):
    a = assess(PATTERN_FEATURES[pattern] + TRIAGE_FLAGS[triage], ["tingling"])
    assert (a.assessment, a.triage) == (pattern, triage)
    parts = explain(a)
    assert set(parts) == {"pattern", "evidence", "guidance", "checks"}
    assert all(part.strip() and "{" not in part for part in parts.values())
    assert PROFESSIONAL.search(parts["guidance"])
    assert "not a diagnosis" in parts["pattern"]
    if triage == "emergency":
        assert "emergency department now" in parts["guidance"]
        assert "cauda equina" in parts["guidance"]
    if triage == "urgent":
        assert "today" in parts["guidance"]


@pytest.mark.parametrize("flag", features.red_flags())
def test_guidance_gives_the_reason_for_each_red_flag(flag):
    guidance = explain(assess([flag]))["guidance"]
    assert load("explanations.yml")["features"][flag]["red_flag"] in guidance


@pytest.mark.parametrize("feature_id", PATTERN_IDS)
def test_explain_names_each_feature_said_or_denied(feature_id):
    wording = load("explanations.yml")["features"][feature_id]
    said = explain(assess([feature_id]))["evidence"]
    assert wording[features.group_of(feature_id)] in said
    denied = explain(assess([], [feature_id]))["evidence"]
    strong = load("assessment.yml")["weights"][feature_id]["weight"] >= 3
    assert (wording["denied"] in denied) == strong


def test_evidence_when_nothing_is_known():
    assert explain(assess([]))["evidence"] == load("explanations.yml")["evidence"]["nothing"]


def test_nerve_pattern_checks_point_to_the_lumbar_spine():
    checks = explain(assess(["radiating_leg_pain"]))["checks"]
    assert "reflexes" in checks and "lumbar spine" in checks


# ---------------------------------------------------------------- clinician summary


def test_clinician_summary_fields_and_text():
    present = ["radiating_leg_pain", "numbness", "fever"]
    absent = ["clicking_catching", "bladder_bowel_change"]
    a = assess(present, absent)
    summary = clinician_summary(present, absent, EMERGENCY_IDS, a)
    assert summary["reported"] == present
    assert summary["denied"] == absent
    assert summary["screened"] == {
        "bladder_bowel_change": "absent", "saddle_numbness": "unknown",
        "both_legs": "unknown", "progressive_weakness": "unknown",
    }
    assert summary["red_flags"] == ["fever"]
    assert (summary["pattern"], summary["triage"]) == ("nerve_related", "urgent")
    assert summary["reasons_for_nerve"] == ["radiating_leg_pain", "numbness"]
    text = summary["text"]
    assert "leg pain radiating past the knee" in text and "saddle anaesthesia: not answered" in text
    assert "not a diagnosis" in text and "{" not in text


def test_clinician_summary_with_nothing_known():
    summary = clinician_summary([], [], [], assess([]))
    assert summary["screened"] == {} and summary["reported"] == []
    assert "none" in summary["text"]


# ---------------------------------------------------------------- safety


@pytest.mark.parametrize("pattern", [DOSE, PROMISE, DRUG_NAMES, DIAGNOSIS], ids=["dose", "promise", "drug", "diagnosis"])
def test_no_wording_breaks_a_safety_rule(pattern):
    offending = [text for text in ALL_WORDING if pattern.search(text)]
    assert offending == []


def test_safety_patterns_catch_what_they_should():
    assert DOSE.search("take 400 mg") and DOSE.search("2 tablets")
    assert PROMISE.search("this will cure it") and PROMISE.search("guaranteed relief")
    assert DIAGNOSIS.search("You have sciatica") and DIAGNOSIS.search("you've got a meniscus tear")
    assert not DIAGNOSIS.search("Do you have pain in your buttock?")


@pytest.mark.parametrize("pattern", ASSESSMENTS)
@pytest.mark.parametrize("triage", TRIAGE_LEVELS)
def test_no_explanation_diagnoses_or_promises(pattern, triage):
    text = " ".join(explain(assess(PATTERN_FEATURES[pattern] + TRIAGE_FLAGS[triage])).values())
    assert not DIAGNOSIS.search(text) and not PROMISE.search(text) and not DOSE.search(text)
