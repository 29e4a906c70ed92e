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


def _is_sentence_end(token) -> bool:
    """. ! ? ... and line breaks end a sentence, except a "?" followed by a
    short answer ("numbness? no")."""
    if token.is_space:
        return "\n" in token.text
    if not _SENTENCE_END.match(token.text):
        return False
    following = token.doc[token.i + 1].norm_ if token.i + 1 < len(token.doc) else ""
    return not (token.text == "?" and following in _SHORT_ANSWERS)


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

