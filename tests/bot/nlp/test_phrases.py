"""bot.nlp.phrases: the phrase syntax of the YAML data, compiled to token patterns."""
import pytest
import spacy
from spacy.matcher import Matcher

from bot.nlp.phrases import compile_entries, compile_phrase, make_tokenize, merge_alternatives, pattern_words


@pytest.fixture(scope="module")
def tokenize():
    return make_tokenize(spacy.blank("en"))


@pytest.mark.parametrize("text", ["can't feel my foot", "cant feel the foot", "cannot feel foot", "won't feel my foot"])
def test_phrase_syntax_alternatives_and_options(nlp, text):
    matcher = Matcher(nlp.vocab)
    matcher.add("X", compile_entries(["(can't|won't) feel (my|the)? foot"], [], make_tokenize(nlp)))
    doc = nlp.make_doc(text)
    assert [(start, end) for _, start, end in matcher(doc)] == [(0, len(doc))]


@pytest.mark.parametrize("text", ["can't feel my hand", "feel my foot", "can't my foot"])
def test_phrase_does_not_match_other_wording(nlp, text):
    matcher = Matcher(nlp.vocab)
    matcher.add("X", compile_entries(["(can't|won't) feel (my|the)? foot"], [], make_tokenize(nlp)))
    doc = nlp.make_doc(text)
    assert [(start, end) for _, start, end in matcher(doc) if (start, end) == (0, len(doc))] == []


@pytest.mark.parametrize("phrase,message", [
    ("(knee|knees", "unclosed"),
    ("? knee", "'?' must follow"),
    ("knee)", "cannot parse"),
])
def test_malformed_phrases_are_refused(tokenize, phrase, message):
    with pytest.raises(ValueError, match=message):
        compile_phrase(phrase, tokenize)


def test_optional_word_gives_both_readings(tokenize):
    words = pattern_words(compile_entries(["(sore|painful)? knee"], [], tokenize))
    assert {"sore", "painful", "knee"} <= words


def test_alternatives_sharing_a_tail_are_merged():
    merged = merge_alternatives([(("a",), ("x",)), (("b",), ("x",))])
    assert len(merged) == 1
