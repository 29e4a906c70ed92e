"""bot.nlp.sentencizer: sentences of chat text."""
import spacy

from bot.nlp.constants import SENTENCIZER_PIPE
from bot.nlp.sentencizer import sentence_bounds, sentences


def _nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe(SENTENCIZER_PIPE)
    return nlp


def _texts(text):
    doc = _nlp()(text)
    return [doc[start:end].text.strip() for start, end in sentences(doc)]


def test_punctuation_and_line_breaks_end_sentences():
    assert _texts("my knee hurts. no numbness\nit clicks!") == ["my knee hurts.", "no numbness", "it clicks!"]


def test_echoed_question_and_its_short_answer_stay_together():
    assert _texts("numbness? no. tingling? maybe") == ["numbness? no.", "tingling? maybe"]


def test_a_statement_that_starts_like_an_answer_is_a_new_sentence():
    assert _texts("could it be sciatica? No numbness though") == ["could it be sciatica?", "No numbness though"]
    assert _texts("what is it? never had back pain") == ["what is it?", "never had back pain"]
    assert _texts("swelling? no, not at all") == ["swelling? no, not at all"]
    assert _texts("any numbness? not really") == ["any numbness? not really"]
    assert _texts("do I have numbness? no I don't") == ["do I have numbness? no I don't"]


def test_a_real_question_ends_its_sentence():
    assert _texts("is it sciatica? it shoots down") == ["is it sciatica?", "it shoots down"]


def test_every_token_gets_its_sentence():
    doc = _nlp()("one two. three")
    assert sentence_bounds(doc) == [(0, 3), (0, 3), (0, 3), (3, 4)]


def test_no_sentence_set_means_one_sentence():
    doc = spacy.blank("en")("one two three")
    assert sentences(doc) == [(0, 3)]
