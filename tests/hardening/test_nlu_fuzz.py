"""Bad input straight into the NLU, in process (no server, so many more examples):
the input guard (adapters/pipeline/input_guard.py), the clinical extractor (bot.nlp.extract and
the Rasa component around it), and the channels' request checks
(adapters/channels/validation.py)."""
from __future__ import annotations

import json
import time

import pytest
import yaml
from hypothesis import example, given, strategies as st

from adapters.channels import validation
from bot.features import ENTITY
from adapters.pipeline.input_guard import InputGuard, UNSAFE_CHARACTERS, clean_text
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from tests.hardening.harness import CORPUS, TALLY, fuzz_settings
from tests.servers import ROOT

# Every code point, lone surrogates and controls included.
ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=3000)
MESSAGES = [json.loads(line) for line in (CORPUS / "messages.jsonl").read_text(encoding="utf-8").splitlines()]


def configured_max_characters() -> int:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    guards = [c for c in config["pipeline"] if c["name"] == "adapters.pipeline.input_guard.InputGuard"]
    assert guards, "adapters.pipeline.input_guard.InputGuard is not in config.yml's pipeline"
    return guards[0]["max_characters"]


MAX = configured_max_characters()


@pytest.fixture(scope="module")
def guard():
    return InputGuard({"max_characters": MAX})


@pytest.fixture(scope="module")
def nlp():
    from bot.nlp import build_nlp, load_nlp

    prebuilt = ROOT / ".build" / "knee_nlp"
    return load_nlp(prebuilt) if (prebuilt / "config.cfg").is_file() else build_nlp()


@pytest.fixture(scope="module")
def extractor(nlp):
    from adapters.pipeline.clinical_features import ClinicalFeatureExtractor

    return ClinicalFeatureExtractor({}, None, None, nlp)


@pytest.fixture(scope="module")
def feature_ids():
    from bot.features import all_ids

    return set(all_ids())


# ---------------------------------------------------------------- the guard
def test_the_guard_runs_first_in_the_pipeline():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert config["pipeline"][0]["name"] == "adapters.pipeline.input_guard.InputGuard"
    assert isinstance(MAX, int) and 200 <= MAX <= 10_000


@fuzz_settings(max_examples=1500)
@given(text=ANY_TEXT)
@example(text="\x00" * 5000)
@example(text="\ud800knee\udfff")
def test_guard_output_is_short_clean_and_keeps_offsets(guard, text):
    message = Message({TEXT: text})
    guard.process([message])
    cleaned = message.get(TEXT)
    TALLY.record("nlu_guard", "ok")
    assert len(cleaned) == min(len(text), MAX)  # replaced, never removed: offsets hold
    assert not UNSAFE_CHARACTERS.search(cleaned)
    cleaned.encode("utf-8")  # no lone surrogate left
    for original, kept in zip(text, cleaned):
        assert kept == original or kept == " "
    assert clean_text(cleaned, MAX) == cleaned  # idempotent


@pytest.mark.parametrize("value", [None, 5, 3.5, ["a"], {"a": 1}, b"bytes"])
def test_guard_never_passes_on_a_non_string(guard, value):
    message = Message({TEXT: value}) if value is not None else Message({})
    guard.process([message])
    TALLY.record("nlu_guard", "ok")
    assert message.get(TEXT) in (None, "")


def test_guard_cleans_training_data_too(guard):
    data = TrainingData([Message({TEXT: "knee\x00pain", "intent": "describe_symptoms"})])
    guard.process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "knee pain"


@pytest.mark.parametrize("bad", [0, -1, "2000", None, True, 2.5])
def test_guard_refuses_a_bad_max_characters(bad):
    with pytest.raises(ValueError):
        InputGuard({"max_characters": bad})


# ---------------------------------------------------------------- the extractor
def _check_mentions(mentions, text, feature_ids):
    from bot.nlp import STATUSES

    for m in mentions:
        assert 0 <= m.start < m.end <= len(text), m
        assert m.feature in feature_ids and m.status in STATUSES, m


@fuzz_settings(max_examples=400)
@given(text=ANY_TEXT)
@example(text="my knee\x00 hurts \ud800 and my back")
def test_extractor_on_any_text(nlp, feature_ids, text):
    from bot.nlp import extract

    mentions = extract(nlp, text)  # raw text, as /model/parse without the guard would give it
    TALLY.record("nlu_extract", "ok")
    _check_mentions(mentions, text, feature_ids)
    cleaned = clean_text(text, MAX)
    _check_mentions(extract(nlp, cleaned), cleaned, feature_ids)


@pytest.mark.parametrize("case", MESSAGES, ids=lambda c: c["name"])
def test_extractor_on_the_corpus(guard, extractor, case):
    text = case["text"]
    message = Message({TEXT: text})
    guard.process([message])
    extractor.process([message])
    TALLY.record("nlu_component", "ok")
    for entity in message.get(ENTITIES, []):
        assert entity["entity"] == ENTITY
        assert 0 <= entity["start"] < entity["end"] <= len(text)


def test_symptoms_survive_the_guard(guard, extractor):
    """Offsets are kept, so a feature found in the cleaned text points at the
    person's own words."""
    text = "my knee\x00 hurts and the pain shoots down my leg"
    message = Message({TEXT: text})
    guard.process([message])
    extractor.process([message])
    entities = message.get(ENTITIES)
    assert entities, "no clinical feature found"
    for entity in entities:
        assert text[entity["start"]:entity["end"]].replace("\x00", " ") == message.get(TEXT)[entity["start"]:entity["end"]]


def test_20000_words_cost_no_more_than_max_characters(guard, extractor):
    short = " ".join(["knee", "pain", "shooting", "down", "my", "leg"] * 400)[:MAX]
    huge = " ".join(["knee", "pain", "shooting", "down", "my", "leg"] * 3334)  # 20,004 words

    def timed(text):
        message = Message({TEXT: text})
        started = time.perf_counter()
        guard.process([message])
        extractor.process([message])
        return time.perf_counter() - started, message

    timed(short)  # warm up
    t_short, _ = timed(short)
    t_huge, message = timed(huge)
    TALLY.record("nlu_component", "ok")
    assert len(message.get(TEXT)) == MAX
    assert t_huge < max(1.0, 5 * t_short), (t_short, t_huge)


# ---------------------------------------------------------------- the request checks
JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(st.characters(blacklist_categories=()))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=5)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=5), max_leaves=15)
SOME_TEXT = st.text(st.characters(blacklist_categories=()), max_size=150)


@fuzz_settings(max_examples=600)
@given(body=st.one_of(JSON_VALUES, st.fixed_dictionaries({}, optional={
    "sender": st.one_of(SOME_TEXT, JSON_VALUES), "message": st.one_of(SOME_TEXT, JSON_VALUES),
    "metadata": st.one_of(st.none(), st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=4), JSON_VALUES),
    "input_channel": st.one_of(st.none(), SOME_TEXT, JSON_VALUES)})))
def test_rest_checks_accept_only_well_formed_bodies(body):
    try:
        fields = validation.rest_request(body, "rest")
    except validation.InvalidRequest as error:
        TALLY.record("rest_checks", "refused")
        assert str(error)
        return
    TALLY.record("rest_checks", "accepted")
    sender = fields["sender"]
    assert isinstance(sender, str) and sender.strip() and len(sender) <= validation.MAX_SENDER_ID_LENGTH
    sender.encode("utf-8")  # storable: no lone surrogate
    assert isinstance(fields["message"], str)
    assert fields["metadata"] is None or isinstance(fields["metadata"], dict)
    json.dumps(fields["metadata"])  # and storable


@fuzz_settings(max_examples=800)
@given(body=st.binary(max_size=3000))
@example(body=b"[" * 100_000)
@example(body=b"\xef\xbb\xbf{}")
def test_any_bytes_parse_or_raise_invalid_request(body):
    try:
        validation.parse_json_body(body)
    except validation.InvalidRequest:
        pass


PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))


@fuzz_settings(max_examples=300)
@given(sender=st.text(PRINTABLE, min_size=1, max_size=validation.MAX_SENDER_ID_LENGTH).filter(str.strip),
       message=st.text(st.characters(blacklist_categories=()), max_size=300),
       metadata=st.one_of(st.none(), st.dictionaries(st.text(max_size=10), JSON_LEAVES, max_size=4)))
def test_rest_checks_accept_every_well_formed_body(sender, message, metadata):
    fields = validation.rest_request({"sender": sender, "message": message, "metadata": metadata}, "rest")
    TALLY.record("rest_checks", "accepted")
    assert fields == {"sender": sender, "message": message, "input_channel": "rest", "metadata": metadata}
