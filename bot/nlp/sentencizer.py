"""Sentence splitting for chat: punctuation and line breaks end a sentence, except an echoed question and its short answer."""
import re
from typing import Callable, List, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from bot.nlp.constants import SENTENCIZER_PIPE

_SENTENCE_END = re.compile(r"^[.!?\u2026]+$")
#: A "?" followed by one of these is an echoed question and its denial or hedge
#: ("tingling? not really"), kept in one sentence so the answer reaches the term.
_SHORT_ANSWERS = {"no", "nope", "nah", "not", "none", "never", "maybe", "perhaps", "possibly"}
#: Words that may follow a short answer and keep it an answer ("no, not at all", "not really",
#: "no I don't", "not that I know of"); any other word makes it the start of a new sentence
#: ("Could it be sciatica? No numbness though", "what is it? never had back pain").
_ANSWER_GOES_ON = {"really", "at", "all", "not", "never", "no", "nope", "that", "i", "i'm", "im", "it", "its", "it's",
                   "idea", "clue", "sure", "way", "thanks", "thank", "much", "quite", "ever", "as", "just", "so",
                   "none", "definitely", "certainly", "actually", "honestly", "though", "tho", "either", "neither",
                   "sadly", "thankfully", "luckily", "unfortunately", "fortunately", "but", "and", "or", "to", "of",
                   "in", "on", "with", "there", "there's", "theres", "yet", "anymore"}


def _is_sentence_end(token) -> bool:
    """. ! ? ... and line breaks end a sentence, except a "?" followed by a
    short answer ("numbness? no", "numbness? not really"), not by a new
    statement that starts with one ("sciatica? No numbness though")."""
    if token.is_space:
        return "\n" in token.text
    if not _SENTENCE_END.match(token.text):
        return False
    doc = token.doc
    following = doc[token.i + 1].norm_ if token.i + 1 < len(doc) else ""
    if not (token.text == "?" and following in _SHORT_ANSWERS):
        return True
    after = doc[token.i + 2] if token.i + 2 < len(doc) else None
    return not (after is None or after.is_punct or after.is_space or after.norm_ in _ANSWER_GOES_ON)


@Language.factory(SENTENCIZER_PIPE)
def make_sentencizer(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Sentence splitting for chat (see `_is_sentence_end`)."""
    def sentencize(doc: Doc) -> Doc:
        for i, token in enumerate(doc):
            token.is_sent_start = i == 0 or _is_sentence_end(doc[i - 1])
        return doc
    return sentencize


def sentences(doc: Doc) -> List[Tuple[int, int]]:
    """(start, end) token offsets of the Doc's sentences (one if none are set)."""
    starts = [i for i, token in enumerate(doc) if i == 0 or token.is_sent_start] + [len(doc)]
    return list(zip(starts, starts[1:]))


def sentence_bounds(doc: Doc) -> List[Tuple[int, int]]:
    """(start, end) of the sentence of every token."""
    return [bounds for bounds in sentences(doc) for _ in range(*bounds)]

