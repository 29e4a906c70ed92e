"""bot.nlp.tokenizer: chat shorthand and glued words."""
import pytest
import spacy

from bot.nlp.tokenizer import customise_tokenizer


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    customise_tokenizer(nlp)
    return nlp


@pytest.mark.parametrize("text,norms", [
    ("numb&tingly", ["numb", "and", "tingly"]),
    ("knee+back", ["knee", "and", "back"]),
    ("worse w/ sitting", ["worse", "with", "sitting"]),
    ("Cuz it hurts", ["because", "it", "hurts"]),
    ("ive got pain", ["i", "have", "got", "pain"]),
    ("im numb", ["i", "am", "numb"]),
    ("knee dosent lock", ["knee", "does", "not", "lock"]),
    ("Dosnt click", ["does", "not", "click"]),
    ("nt numb", ["not", "numb"]),
    ("jus achy", ["just", "achy"]),
    ("i dnt have", ["i", "do", "not", "have"]),
    ("it hasent swollen", ["it", "has", "not", "swollen"]),
])
def test_shorthand_and_infixes(nlp, text, norms):
    assert [token.norm_ for token in nlp(text)] == norms


def test_ordinary_words_untouched(nlp):
    assert [token.text for token in nlp("my knee is swollen")] == ["my", "knee", "is", "swollen"]


@pytest.mark.parametrize("text,norms", [
    ("I CANT WALK", ["i", "can", "not", "walk"]),
    ("I DON'T HAVE IT", ["i", "do", "not", "have", "it"]),
    ("LEGS ARENT WEAK", ["legs", "are", "not", "weak"]),
    ("IVE GOT PAIN", ["i", "have", "got", "pain"]),
    ("I can't walk", ["i", "can", "not", "walk"]),
])
def test_shouted_contractions_split_like_lower_case(nlp, text, norms):
    # spaCy's contraction exceptions are case-sensitive: "CANT" stayed one token and
    # "I DONT HAVE ANY BLADDER PROBLEMS" lost its negation (an emergency)
    assert [token.norm_ for token in nlp(text)] == norms
    assert "".join(token.text_with_ws for token in nlp(text)) == text
