"""bot.nlp.lexicon: lexicon.yml parsed, checked and compiled."""
import copy

import pytest
import spacy

from bot.features import DATA_DIR, all_ids
from bot.nlp.constants import LEXICON_FILE
from bot.features import read_yaml
from bot.nlp.lexicon import compile_terms, parse_lexicon, term_closures
from bot.nlp.phrases import make_tokenize


@pytest.fixture(scope="module")
def data():
    return read_yaml(DATA_DIR / LEXICON_FILE)


def test_every_contract_feature_has_rules(data):
    lexicon = parse_lexicon(data)
    assert {rule.feature for rule in lexicon.rules} == set(all_ids())


def test_included_terms_are_in_the_closure(data):
    lexicon = parse_lexicon(data)
    closures = term_closures(lexicon)
    for name, spec in lexicon.terms.items():
        assert name in closures[name]
        assert set(spec.include) <= set(closures[name])


@pytest.mark.parametrize("mutate,message", [
    (lambda data: data["features"].pop("fever"), "missing"),
    (lambda data: data["features"]["fever"].append({"all": ["no_such_term"]}), "unknown terms"),
    (lambda data: data["features"]["fever"].append({"all": ["fever_term"], "not_in_message": ["no_such_term"]}),
     "unknown terms"),
    (lambda data: data["terms"]["knee"]["phrases"].append(True), "not a string"),
    (lambda data: data["terms"]["knee"]["phrases"].append("(knee|knees"), "unclosed"),
])
def test_lexicon_errors_are_reported(data, mutate, message):
    broken = copy.deepcopy(data)
    mutate(broken)
    with pytest.raises(ValueError, match=message):
        compile_terms(parse_lexicon(broken), make_tokenize(spacy.blank("en")))


def test_companion_windows_and_keep_are_validated():
    data = copy.deepcopy(read_yaml(DATA_DIR / LEXICON_FILE))
    data["features"]["fever"].append({"all": ["fever_term", "unwell"], "window": [3, 4]})
    with pytest.raises(ValueError, match="one window per companion"):
        parse_lexicon(data)
    data = copy.deepcopy(read_yaml(DATA_DIR / LEXICON_FILE))
    data["features"]["fever"].append({"all": ["fever_term"], "keep": ["nonsense"]})
    with pytest.raises(ValueError, match="keep"):
        parse_lexicon(data)


def test_not_in_message_is_parsed():
    data = copy.deepcopy(read_yaml(DATA_DIR / LEXICON_FILE))
    data["features"]["fever"].insert(0, {"all": ["fever_term"], "not_in_message": ["unwell"]})
    rule = next(rule for rule in parse_lexicon(data).rules if rule.feature == "fever")
    assert rule.exclude_message == ("unwell",) and rule.exclude == ()

