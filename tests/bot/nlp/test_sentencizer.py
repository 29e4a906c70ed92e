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


def test_a_real_question_ends_its_sentence():
    assert _texts("is it sciatica? it shoots down") == ["is it sciatica?", "it shoots down"]


def test_every_token_gets_its_sentence():
    doc = _nlp()("one two. three")
    assert sentence_bounds(doc) == [(0, 3), (0, 3), (0, 3), (3, 4)]


def test_no_sentence_set_means_one_sentence():
    doc = spacy.blank("en")("one two three")
    assert sentences(doc) == [(0, 3)]
