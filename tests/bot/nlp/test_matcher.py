"""bot.nlp.matcher: the gated matcher and the term-matching component."""
import spacy
from spacy.matcher import Matcher

from bot.nlp import extract, findings
from bot.nlp.matcher import GatedMatcher, clip_to_targets, leading_variants, longest_non_overlapping


def test_leading_variants_start_with_one_required_word():
    pattern = [{"NORM": {"IN": ["my", "the"]}, "OP": "?"}, {"NORM": "knee"}]
    assert leading_variants(pattern) == [
        ("my", [{"NORM": "my"}, {"NORM": "knee"}]),
        ("the", [{"NORM": "the"}, {"NORM": "knee"}]),
        ("knee", [{"NORM": "knee"}]),
    ]
    assert leading_variants([{"NORM": {"NOT_IN": ["x"]}}]) == [(None, [{"NORM": {"NOT_IN": ["x"]}}])]


def test_gated_matcher_finds_what_a_plain_matcher_finds():
    nlp = spacy.blank("en")
    patterns = [[{"NORM": "pins"}, {"NORM": "and"}, {"NORM": "needles"}], [{"NORM": {"IN": ["my", "the"]}, "OP": "?"}, {"NORM": "knee"}]]
    gated, plain = GatedMatcher(nlp.vocab), Matcher(nlp.vocab)
    gated.add("T", patterns)
    plain.add("T", patterns)
    doc = nlp("pins and needles in my knee and the knee again")
    want = {(start, end) for _, start, end in plain(doc)}
    assert {(start, end) for _, start, end in gated(doc)} == want


def test_longest_non_overlapping_keeps_the_longest_then_earliest():
    items = [(0, 2, 1), (1, 4, 1), (4, 5, 1), (3, 5, 0)]
    assert longest_non_overlapping(items) == [(1, 4, 1), (4, 5, 1)]


def test_modifiers_inside_a_term_are_dropped_and_touching_ones_clipped():
    targets = [(2, 4)]
    assert clip_to_targets([(2, 3, 0)], targets) == []  # "n't" inside "can't feel"
    assert clip_to_targets([(0, 3, 1)], targets) == [(0, 2, 1)]  # runs into the term
    assert clip_to_targets([(5, 6, 2)], targets) == [(5, 6, 2)]


def test_long_messages_match_the_same_in_windows(nlp, monkeypatch):
    """In a long message each bucket runs only where its word starts; the
    matches must be exactly those of running it over the whole message."""
    text = " ".join(["I've lost about 20 pounds without trying and my lower back has been bad for weeks.",
                     "No pain when I twist, but it shoots from my bum down to my foot whenever I sit.",
                     "Before you ask - no bowel or bladder issues. My knee isn't hot or red.",
                     "Both legs? No, just the right. Numbness? maybe."] * 4)
    windowed = extract(nlp, text)
    monkeypatch.setattr(GatedMatcher, "WINDOWED_FROM", 10 ** 9)
    assert extract(nlp, text) == windowed
    assert {"weight_loss", "low_back_pain", "radiating_leg_pain"} <= set(findings(windowed)[0])
