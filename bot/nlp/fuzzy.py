"""Typo correction: rewrites token.norm_ to a lexicon word within one edit, so every matcher sees the correction."""
import re
from typing import Any, Dict, Iterable, List, Optional, Set

from spacy.language import Language
from spacy.tokens import Doc

from bot.nlp.constants import FUZZY_PIPE
from bot.nlp.state import JsonState


def _deletes(word: str) -> Set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """True when `a` and `b` differ by at most one insertion, deletion,
    substitution or swap of adjacent letters."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diffs) == 1 or (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


_ELONGATION = re.compile(r"(\w)\1{2,}")


class FuzzyNormaliser(JsonState):
    """Corrects one-edit typos of lexicon words by rewriting ``token.norm_``.

    The correction index (every word of `min_length` letters or more that
    names a term on its own, and each of its one-letter deletions) is
    computed once at build time and saved with the pipeline, so a message
    costs a few dictionary look-ups per unknown word.  Known words (lexicon
    words, context words, stop words and the lexicon's protected list) are
    never changed.  Letters repeated three or more times ("numbbb", "sooo")
    are squeezed first.  When several words are one edit away, the typo is
    corrected only if they all name the same terms ("tinglling": "tingling"
    or the listed variant "tingleing").
    """

    filename = "fuzzy.json"

    def __init__(self) -> None:
        self.min_length = 5
        self.known: Set[str] = set()
        self.index: Dict[str, List[str]] = {}
        self.terms_of: Dict[str, str] = {}

    def configure(self, targets: Dict[str, str], known: Iterable[str], min_length: int) -> None:
        """Precompute the correction index for `targets` (word -> the terms it names)."""
        self.min_length = min_length
        self.terms_of = {word: terms for word, terms in targets.items() if len(word) >= min_length}
        self.known = set(known) | set(targets)
        index: Dict[str, Set[str]] = {}
        for word in self.terms_of:
            for key in _deletes(word) | {word}:
                index.setdefault(key, set()).add(word)
        self.index = {key: sorted(words) for key, words in index.items()}

    def correct(self, word: str) -> Optional[str]:
        """The lexicon word one edit away from `word`, if the choice is unambiguous."""
        for squeezed in (_ELONGATION.sub(r"\1\1", word), _ELONGATION.sub(r"\1", word)):
            if squeezed in self.known:
                return squeezed
        word = _ELONGATION.sub(r"\1\1", word)
        if len(word) < self.min_length - 1:
            return None
        candidates = set(self.index.get(word, ()))
        for key in _deletes(word):
            candidates.update(self.index.get(key, ()))
        matches = sorted(c for c in candidates if within_one_edit(word, c))
        if matches and len({self.terms_of[match] for match in matches}) == 1:
            return matches[0]
        return None

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            norm = token.norm_
            if token.is_alpha and norm not in self.known and len(norm) >= 3:
                corrected = self.correct(norm)
                if corrected and corrected != norm:
                    token.norm_ = corrected
        return doc

    def state(self) -> Dict[str, Any]:
        return {"min_length": self.min_length, "known": sorted(self.known),
                "index": self.index, "terms_of": self.terms_of}

    def load_state(self, data: Dict[str, Any]) -> None:
        self.min_length, self.known = data["min_length"], set(data["known"])
        self.index, self.terms_of = data["index"], data["terms_of"]


@Language.factory(FUZZY_PIPE)
def make_fuzzy(nlp: Language, name: str) -> FuzzyNormaliser:
    """Factory for the typo-correcting component."""
    return FuzzyNormaliser()

