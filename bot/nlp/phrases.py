"""The phrase syntax of the YAML data, compiled to as few spaCy token patterns on NORM as possible.

* words separated by spaces: ``pins and needles``
* ``(a|b|c d)`` a group of alternatives: ``(can't|unable to) feel``
* a trailing ``?`` makes a word or group optional: ``(my|the)? knee``
"""
import itertools
import math
import re
from typing import Any, Dict, Iterable, List, Sequence, Set, Tuple

from spacy.language import Language
from spacy.schemas import validate_token_pattern

from bot.nlp.constants import Pattern, Tokenize
from bot.nlp.text import normalise

#: A phrase may expand to at most this many token patterns (guards typos in the data).
MAX_PATTERNS_PER_PHRASE = 2000

_SYNTAX = re.compile(r"[()|?]|[^\s()|?]+")


def _parse_sequence(tokens: List[str], pos: int, tokenize: Tokenize) -> Tuple[list, int]:
    """Parse words and groups until ")" or "|"; return (items, next position).

    An item is (alternatives, optional) where alternatives is a set of
    tuples of norms, one tuple per way the item can be written.
    """
    items = []
    while pos < len(tokens) and tokens[pos] not in (")", "|"):
        if tokens[pos] == "?":
            raise ValueError("'?' must follow a word or a group")
        if tokens[pos] == "(":
            alternatives, pos = _parse_group(tokens, pos + 1, tokenize)
        else:
            alternatives, pos = {tokenize(tokens[pos])}, pos + 1
        optional = pos < len(tokens) and tokens[pos] == "?"
        items.append((alternatives, optional))
        pos += optional
    return items, pos


def _parse_group(tokens: List[str], pos: int, tokenize: Tokenize) -> Tuple[Set[tuple], int]:
    """Parse "a|b c|(d|e) f" up to the closing ")"; return its expansions."""
    alternatives: Set[tuple] = set()
    while True:
        items, pos = _parse_sequence(tokens, pos, tokenize)
        alternatives |= _expand(items)
        if pos >= len(tokens):
            raise ValueError("unclosed '('")
        pos += 1
        if tokens[pos - 1] == ")":
            return alternatives, pos


def _expand(items: list) -> Set[tuple]:
    """Every token sequence a list of items can produce."""
    choices = [alts | {()} if optional else alts for alts, optional in items]
    if math.prod(len(choice) for choice in choices) > MAX_PATTERNS_PER_PHRASE:
        raise ValueError("group expands to too many alternatives")
    return {tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*choices)}


Slots = Tuple[frozenset, ...]  # one set of norms per token; "" in a set = optional token


def merge_alternatives(sequences: Iterable[Slots]) -> List[Slots]:
    """Merge equally long slot sequences that differ at one position into one
    sequence (their union is then exactly one pattern), until none can merge.
    "can't|won't|doesn't feel" -> [{can, will, does}, {not}, {feel}]."""
    groups = list(dict.fromkeys(sequences))
    changed = True
    while changed:
        changed = False
        for k in range(max(map(len, groups), default=0)):
            buckets: Dict[tuple, List[Slots]] = {}
            for group in groups:
                key = (len(group), group[:k], group[k + 1:]) if len(group) > k else (group,)
                buckets.setdefault(key, []).append(group)
            groups = []
            for key, members in buckets.items():
                if len(members) > 1:
                    groups.append(key[1] + (frozenset().union(*(m[k] for m in members)),) + key[2])
                    changed = True
                else:
                    groups.extend(members)
    return groups


def _to_pattern(slots: Slots) -> Pattern:
    """spaCy token pattern for a slot sequence."""
    pattern = []
    for norms in slots:
        words = sorted(norms - {""})
        slot: Dict[str, Any] = {"NORM": words[0] if len(words) == 1 else {"IN": words}}
        if "" in norms:
            slot["OP"] = "?"
        pattern.append(slot)
    return pattern


def _item_fragments(alternatives: Set[tuple], optional: bool) -> List[Slots]:
    """Slot sequences for one item of a phrase."""
    words = [tuple(frozenset([norm]) for norm in alt) for alt in sorted(alternatives) if alt]
    fragments = merge_alternatives(words)
    if optional or () in alternatives:
        if len(fragments) == 1 and len(fragments[0]) == 1:
            return [(fragments[0][0] | {""},)]
        fragments.append(())
    return fragments


def compile_phrase(phrase: str, tokenize: Tokenize) -> List[Slots]:
    """Compile one phrase of the phrase syntax into slot sequences."""
    tokens = _SYNTAX.findall(phrase)
    items, pos = _parse_sequence(tokens, 0, tokenize)
    if pos != len(tokens) or not items:
        raise ValueError(f"cannot parse phrase {phrase!r}")
    per_item = [_item_fragments(alts, optional) for alts, optional in items]
    if math.prod(len(fragments) for fragments in per_item) > MAX_PATTERNS_PER_PHRASE:
        raise ValueError(f"phrase {phrase!r} compiles to too many patterns")
    sequences = [tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*per_item)]
    sequences = [seq for seq in sequences if seq and not all("" in slot for slot in seq)]
    if not sequences:
        raise ValueError(f"phrase {phrase!r} matches nothing")
    return sequences


def compile_entries(phrases: Sequence[str], patterns: Sequence[Pattern], tokenize: Tokenize) -> List[Pattern]:
    """Compile a list of phrases (merged into as few patterns as possible)
    plus raw spaCy token patterns (validated here: the matchers skip
    spaCy's per-pattern validation, which generated patterns never need)."""
    sequences: List[Slots] = []
    for phrase in phrases:
        if not isinstance(phrase, str):
            raise ValueError(f"phrase {phrase!r} is not a string (quote it in the YAML)")
        try:
            sequences.extend(compile_phrase(phrase, tokenize))
        except ValueError as error:
            raise ValueError(f"bad phrase {phrase!r}: {error}") from None
    for pattern in patterns:
        errors = validate_token_pattern(list(pattern))
        if errors:
            raise ValueError(f"bad token pattern {pattern!r}: {errors}")
    return [_to_pattern(seq) for seq in merge_alternatives(sequences)] + [list(p) for p in patterns]


def pattern_words(patterns: Iterable[Pattern]) -> Set[str]:
    """The alphabetic norms a list of patterns can match (for the fuzzy pass)."""
    words: Set[str] = set()
    for pattern in patterns:
        for slot in pattern:
            norm = slot.get("NORM")
            values = norm.get("IN", []) if isinstance(norm, dict) else [norm] if norm else []
            words.update(value for value in values if value.isalpha())
    return words


def naming_words(compiled: Dict[str, Tuple[List[Pattern], List[Pattern]]],
                 closures: Dict[str, List[str]]) -> Dict[str, str]:
    """Words that name a term on their own ("tingling", "swollen"), each with
    the terms it names: the words the fuzzy pass corrects towards."""
    terms_of: Dict[str, Set[str]] = {}
    for name, members in closures.items():
        for member in members:
            for word in pattern_words(p for p in compiled[member][0] if len(p) == 1):
                terms_of.setdefault(word, set()).add(name)
    return {word: "|".join(sorted(names)) for word, names in terms_of.items()}


def make_tokenize(nlp: Language) -> Tokenize:
    """A function giving the norms of a word or phrase as the pipeline sees them."""
    def tokenize(text: str) -> Tuple[str, ...]:
        return tuple(token.norm_ for token in nlp.tokenizer(normalise(text.lower())) if not token.is_space)
    return tokenize

