"""bot.nlp.text: normalisation keeps every offset."""
import pytest

from bot.nlp.text import normalise


@pytest.mark.parametrize("text,want", [
    ("can\u2019t", "can't"),
    ("\u201cnumb\u201d", '"numb"'),
    ("knee\u2014back", "knee back"),  # the dash becomes "-", then a space between letters
    ("pins-and-needles", "pins and needles"),
    ("L4-5", "L4-5"),  # a hyphen next to a digit stays
    ("a\x00b\u200bc", "a b c"),
    ("lone \ud800 surrogate", "lone   surrogate"),
])
def test_normalise(text, want):
    assert normalise(text) == want


@pytest.mark.parametrize("text", ["", "\u201cmy knee\u201d \u2013 it\u2019s numb\x07", "\U0001F600 knee"])
def test_same_length_so_offsets_survive(text):
    assert len(normalise(text)) == len(text)


@pytest.mark.parametrize("text,want", [
    ("she can,t walk", "she can't walk"),
    ("I don,t know", "I don't know"),
    ("knee, then back", "knee, then back"),
    ("man,tea", "man,tea"),
])
def test_comma_for_the_apostrophe_of_a_negation(text, want):
    assert normalise(text) == want
