"""bot.nlp.fuzzy: one-edit typo correction towards lexicon words."""
import pytest

from bot.nlp.fuzzy import FuzzyNormaliser, within_one_edit


@pytest.mark.parametrize("a,b,want", [
    ("numb", "numb", True),
    ("numbness", "numbnes", True),   # deletion
    ("tingling", "tinglimg", True),  # substitution
    ("swollen", "swolen", True),
    ("knee", "knwe", True),
    ("tingling", "tnigling", True),  # adjacent swap
    ("knee", "kenn", False),
    ("numb", "number", False),
    ("back", "bakc", True),
])
def test_within_one_edit(a, b, want):
    assert within_one_edit(a, b) is want
    assert within_one_edit(b, a) is want


@pytest.fixture()
def fuzzy():
    fuzzy = FuzzyNormaliser()
    fuzzy.configure(targets={"tingling": "tingling", "swollen": "swollen"},
                    known={"tingling", "swollen", "single", "knee"}, min_length=5)
    return fuzzy


def test_typos_are_corrected_to_a_lexicon_word(fuzzy):
    assert fuzzy.correct("tinglinf") == "tingling"
    assert fuzzy.correct("swolen") == "swollen"


def test_known_and_short_words_are_left_alone(fuzzy):
    assert fuzzy.correct("single") == "single"  # a real word, not a typo of "tingling"
    assert fuzzy.correct("sooo") is None
    assert fuzzy.correct("kne") is None  # shorter than min_length


def test_the_component_rewrites_norms_only(fuzzy):
    import spacy

    doc = fuzzy(spacy.blank("en")("tinglinf and single"))
    assert [t.norm_ for t in doc] == ["tingling", "and", "single"]
    assert doc[0].text == "tinglinf"


def test_state_round_trip(fuzzy, tmp_path):
    fuzzy.to_disk(tmp_path)
    loaded = FuzzyNormaliser().from_disk(tmp_path)
    assert loaded.correct("tinglinf") == "tingling"


@pytest.mark.parametrize("text", [
    "I was painting the ceiling and gaining confidence",
    "it's raining and the public transport is senile",
    "my coat holds its folds",
    # neighbours of round-4 lexicon words (stinging, grainy, gravelly, slumped, bloated,
    # formication, zinger, stings, flick, pulsing, pounding)
    "swinging and slinging a stinking rainy brainy gravely stumped singer",
    "the ginger floated and blotted the plumped stumps of singers",
    "pulling weeds, it was sounding fine, a nettle stings",
    "new boots and hints of a lump, singing a pushy ringer on the slough",
    # everyday words the older lexicon words pulled in (lumps->jumps, smell->swell,
    # rains->pains, tissue->issue, weaned->weakned, slashing->sloshing, curing->during)
    "lumps that smell when it rains, tissue, weaned, slashing prices, curing ham",
])
def test_everyday_words_near_new_lexicon_words_are_left_alone(nlp, text):
    doc = nlp(text)
    assert [token.norm_ for token in doc] == [token.lower_ for token in doc]
