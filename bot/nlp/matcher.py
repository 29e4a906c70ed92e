"""Matching lexicon terms: a matcher gated by each pattern's first word, and the term-matching component."""
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from bot.nlp.constants import BREAKS, LOCATORS, TARGETS, TERMS_PIPE, Pattern
from bot.nlp.lexicon import (
    BREAK_KEY,
    EXCEPT_SUFFIX,
    FeatureRule,
    Lexicon,
    Site,
    compile_terms,
    parse_lexicon,
    term_closures,
)
from bot.nlp.phrases import compile_entries, make_tokenize, naming_words, pattern_words
from bot.nlp.state import JsonState


def leading_variants(pattern: Pattern) -> List[Tuple[Optional[str], Pattern]]:
    """Equivalent patterns that each start with one required word, paired with
    that word ("(my|the)? knee" -> my knee / the knee / knee); (None, pattern)
    when the first token is not a NORM word or set (e.g. NOT_IN)."""
    first, rest = pattern[0], pattern[1:]
    norm = first.get("NORM")
    if isinstance(norm, dict) and set(norm) != {"IN"} or norm is None:
        return [(None, pattern)]
    extra = {key: value for key, value in first.items() if key not in ("NORM", "OP")}
    words = norm["IN"] if isinstance(norm, dict) else [norm]
    variants = [(word, [{**extra, "NORM": word}] + rest) for word in words]
    if first.get("OP") == "?" and rest:
        variants += leading_variants(rest)
    return variants


class GatedMatcher:
    """spaCy Matchers bucketed by the first word of their patterns; a bucket
    runs only when the Doc holds its word.

    spaCy's Matcher starts every pattern at every token and evaluates set
    (IN) predicates in Python, so one big Matcher costs time in proportion to
    the whole lexicon.  Starting each pattern with one plain word and running
    only the buckets of words in the message keeps the cost in proportion to
    what the message can actually match.  In a long message a bucket whose
    patterns have a bounded length runs only on the stretches that start at
    its word (every match of the bucket starts there), so its cost does not
    grow with the rest of the message.
    """

    #: Docs of at most this many tokens run every bucket over the whole Doc.
    WINDOWED_FROM = 48

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab
        self._buckets: Dict[Optional[str], Matcher] = {}
        self._reach: Dict[Optional[str], Optional[int]] = {}  # longest pattern; None = unbounded

    def add(self, key: str, patterns: List[Pattern]) -> None:
        """Add patterns under `key` (several calls with one key accumulate)."""
        by_word: Dict[Optional[str], List[Pattern]] = {}
        for word, pattern in (variant for p in patterns for variant in leading_variants(p)):
            by_word.setdefault(word, []).append(pattern)
        for word, word_patterns in by_word.items():
            if word not in self._buckets:
                self._buckets[word] = Matcher(self.vocab, validate=False)
                self._reach[word] = 0
            self._buckets[word].add(key, word_patterns)
            for pattern in word_patterns:
                unbounded = any(slot.get("OP") in ("*", "+") for slot in pattern)
                reach = self._reach[word]
                self._reach[word] = None if unbounded or reach is None else max(reach, len(pattern))

    def _stretches(self, doc: Doc, norms: List[str], word: Optional[str]) -> List[Tuple[int, int]]:
        """(start, end) token ranges a bucket must run on: the whole Doc, or
        in a long Doc the merged ranges starting at each of its word's tokens."""
        reach = self._reach.get(word)
        if word is None or reach is None or len(doc) <= self.WINDOWED_FROM:
            return [(0, len(doc))]
        stretches: List[Tuple[int, int]] = []
        for i, norm in enumerate(norms):
            if norm == word:
                end = min(len(doc), i + reach)
                if stretches and i <= stretches[-1][1]:
                    stretches[-1] = (stretches[-1][0], max(stretches[-1][1], end))
                else:
                    stretches.append((i, end))
        return stretches

    def __call__(self, doc: Doc) -> List[Tuple[str, int, int]]:
        """Distinct (key, start, end) matches."""
        norms = [token.norm_ for token in doc]
        found = set()
        for word in set(norms) | {None}:
            matcher = self._buckets.get(word)
            if matcher is None:
                continue
            for low, high in self._stretches(doc, norms, word):
                doclike = doc if (low, high) == (0, len(doc)) else doc[low:high]
                found.update((self.vocab.strings[match_id], low + start, low + end)
                             for match_id, start, end in matcher(doclike))
        return sorted(found, key=lambda match: (match[1], match[2], match[0]))


def longest_non_overlapping(items: Iterable[Tuple[int, int, int]]) -> List[Tuple[int, int, int]]:
    """Greedy longest-match selection over (start, end, rank) items; among
    equally long overlapping items the lower rank (e.g. earlier rule), then
    the earlier, wins."""
    taken: Set[int] = set()
    chosen = []
    for start, end, rank in sorted(set(items), key=lambda item: (item[0] - item[1], item[2], item[0])):
        if taken.isdisjoint(range(start, end)):
            taken.update(range(start, end))
            chosen.append((start, end, rank))
    return sorted(chosen)


def _longest_first(candidates: Iterable[Tuple[int, int, bool]]) -> List[Tuple[int, int]]:
    """Term matches that survive longest-match selection against the term's
    except phrases (an except phrase wins a tie)."""
    ranked = ((start, end, 0 if is_except else 1) for start, end, is_except in candidates)
    return [(start, end) for start, end, rank in longest_non_overlapping(ranked) if rank]


class TermMatcher(JsonState):
    """Finds term occurrences and clause breaks with a gated matcher.

    Holds the lexicon: its raw data is saved with the pipeline and
    recompiled on load; `rules` and `history_is_present` are what
    ``bot.nlp.extract`` composes features from.
    """

    filename = "lexicon.json"

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.lexicon: Optional[Lexicon] = None
        self.matcher = GatedMatcher(nlp.vocab)
        self.context_terms: Set[str] = set()
        self.closures: Dict[str, List[str]] = {}

    @property
    def rules(self) -> List[FeatureRule]:
        return self.lexicon.rules if self.lexicon else []

    @property
    def history_is_present(self) -> Set[str]:
        return self.lexicon.history_is_present if self.lexicon else set()

    @property
    def sites(self) -> Dict[str, Site]:
        return self.lexicon.sites if self.lexicon else {}

    def configure(self, data: Dict[str, Any]) -> Tuple[Dict[str, str], Set[str]]:
        """Compile lexicon data; return (words naming a term -> their terms,
        every word of the lexicon) for the fuzzy pass."""
        tokenize = make_tokenize(self.nlp)
        self.lexicon = parse_lexicon(data)
        self.matcher = GatedMatcher(self.nlp.vocab)
        self.context_terms = {name for name, spec in self.lexicon.terms.items() if spec.context}
        self.closures = term_closures(self.lexicon)
        compiled = compile_terms(self.lexicon, tokenize)
        breaks = compile_entries(self.lexicon.clause_breaks, [], tokenize)
        if breaks:
            self.matcher.add(BREAK_KEY, breaks)
        for name, (patterns, excepts) in compiled.items():
            self.matcher.add(name, patterns)
            if excepts:
                self.matcher.add(name + EXCEPT_SUFFIX, excepts)
        everything = breaks + [p for patterns, excepts in compiled.values() for p in patterns + excepts]
        return naming_words(compiled, self.closures), pattern_words(everything)

    def _raw_matches(self, doc: Doc) -> Dict[str, List[Tuple[int, int, bool]]]:
        """(start, end, is_except) of every match, by the term that owns the pattern."""
        found: Dict[str, List[Tuple[int, int, bool]]] = {}
        for key, start, end in self.matcher(doc):
            is_except = key.endswith(EXCEPT_SUFFIX)
            term = key[: -len(EXCEPT_SUFFIX)] if is_except else key
            found.setdefault(term, []).append((start, end, is_except))
        return found

    def __call__(self, doc: Doc) -> Doc:
        raw = self._raw_matches(doc)
        groups: Dict[str, List[Span]] = {TARGETS: [], LOCATORS: [], BREAKS: []}
        groups[BREAKS] = [Span(doc, s, e, label=BREAK_KEY) for s, e in _longest_first(raw.pop(BREAK_KEY, []))]
        for term, members in self.closures.items():
            candidates = [match for member in members for match in raw.get(member, ())]
            if candidates:
                group = TARGETS if term in self.context_terms else LOCATORS
                groups[group] += [Span(doc, s, e, label=term) for s, e in _longest_first(candidates)]
        for name, spans in groups.items():
            doc.spans[name] = sorted(spans, key=lambda span: (span.start, span.end))
        return doc

    def state(self) -> Dict[str, Any]:
        return self.lexicon.raw if self.lexicon else {}

    def load_state(self, data: Dict[str, Any]) -> None:
        if data:
            self.configure(data)


@Language.factory(TERMS_PIPE)
def make_terms(nlp: Language, name: str) -> TermMatcher:
    """Factory for the lexicon term matcher."""
    return TermMatcher(nlp)


def clip_to_targets(matches: Iterable[Tuple[int, int, int]],
                    targets: Sequence[Tuple[int, int]]) -> List[Tuple[int, int, int]]:
    """Keep modifier matches (start, end, rule) off the target terms.

    A modifier wholly inside a term is part of that term ("n't" in the
    numbness term "can't feel", "no" in "no feeling") and is dropped; one
    that runs into a term is cut at the term's edge ("if my leg gets" +
    "gets weaker" -> "if my leg"), so it can still modify that term.
    """
    clipped = []
    for start, end, rule in matches:
        for t_start, t_end in targets:
            if t_start <= start < t_end:
                start = t_end
            if t_start < end <= t_end:
                end = t_start
        if start < end:
            clipped.append((start, end, rule))
    return clipped


