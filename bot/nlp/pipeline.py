"""Build and load the spaCy pipeline that finds clinical terms and their context.

Everything the pipeline knows about wording comes from two YAML files:

* ``bot/data/lexicon.yml``: term classes (phrases people use), feature rules
  (which terms make a feature), composition clause breaks and fuzzy settings;
* ``bot/data/context_rules.yml``: ConText modifiers (negation, hedges,
  history, hypotheticals, other experiencers, terminations).

Both use one small *phrase syntax* so wording stays data, never Python:

* words separated by spaces: ``pins and needles``
* ``(a|b|c d)`` a group of alternatives (alternatives may hold several words
  and nested groups): ``(can't|unable to) feel``
* a trailing ``?`` makes a word or group optional: ``(my|the)? knee``

Phrases compile to as few spaCy token patterns on ``NORM`` as possible, so
"can't", "cant", "cannot" and "can not" match alike, and the fuzzy
component's typo corrections (which rewrite ``token.norm_``) are seen by
every matcher.  Patterns are bucketed by their first word and a bucket runs
only when the message contains that word (`GatedMatcher`).

The pipeline (blank English with chat tokenizer tweaks) is::

    knee_sentencizer -> knee_fuzzy -> knee_terms -> knee_context

and leaves on each Doc: span groups ``knee_targets`` (terms ConText may
modify), ``knee_locators`` (body parts and directions, never modified),
``knee_breaks`` (clause breaks for composition) and ``doc._.knee_status``
(status of each modified target).  ``knee_context`` implements ConText with
medspaCy's rule format and semantics (see `KneeContext` for why not
medspaCy's own component).  Turning all this into features is
``bot.nlp.extract``'s job.  Everything is compiled once when the pipeline is
built or loaded; `nlp.to_disk` saves the YAML data (and the fuzzy index) with
the pipeline.  No Rasa import here.
"""

import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple, Union

import spacy
import srsly
import yaml
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex

from bot.features import DATA_DIR, all_ids

LEXICON_FILE = "lexicon.yml"
CONTEXT_FILE = "context_rules.yml"

SENTENCIZER_PIPE = "knee_sentencizer"
FUZZY_PIPE = "knee_fuzzy"
TERMS_PIPE = "knee_terms"
CONTEXT_PIPE = "knee_context"

TARGETS = "knee_targets"
LOCATORS = "knee_locators"
BREAKS = "knee_breaks"
STATUS_ATTR = "knee_status"

PRESENT = "present"
#: Statuses a context rule category may map to (a mention without modifiers is present).
CONTEXT_STATUSES = ("absent", "uncertain", "historical", "hypothetical", "other")
STATUSES = (PRESENT,) + CONTEXT_STATUSES
_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"}
#: A phrase may expand to at most this many token patterns (guards typos in the data).
MAX_PATTERNS_PER_PHRASE = 2000
_EXCEPT_SUFFIX = "!except"
_BREAK_KEY = "!break"
_MODIFYING_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL"}
_SENTENCE_END = re.compile(r"^[.!?\u2026]+$")
#: A "?" followed by one of these is an echoed question and its denial or hedge
#: ("tingling? not really"), kept in one sentence so the answer reaches the term.
_SHORT_ANSWERS = {"no", "nope", "nah", "not", "none", "never", "maybe", "perhaps", "possibly"}

Pattern = List[Dict[str, Any]]
Tokenize = Callable[[str], Tuple[str, ...]]


# --------------------------------------------------------------------------
# Text normalisation (one character in, one character out)
# --------------------------------------------------------------------------

_CHAR_MAP = {
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u00b4`"},
    **{c: '"' for c in "\u201c\u201d\u201e\u2033"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
    **{c: " " for c in "\u00a0\u200b\u200c\u200d\u2060\ufeff"},
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def normalise(text: str) -> str:
    """Return `text` with the same length, cleaned for matching.

    Curly quotes become straight, dashes become "-", control characters,
    NUL bytes and lone surrogates become spaces, and a hyphen between two
    letters becomes a space ("pins-and-needles", "sciatic-y").  Because every
    character maps to exactly one character, offsets into the result are
    offsets into the original text.
    """
    text = "".join(_CHAR_MAP.get(char, char) for char in text)
    text = _CONTROL.sub(" ", text)
    return _WORD_HYPHEN.sub(" ", text)


# --------------------------------------------------------------------------
# Phrase syntax -> spaCy token patterns
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# Lexicon data
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class TermSpec:
    """One term class: the phrases that name it and the longer phrases that cancel it."""

    name: str
    phrases: Tuple[str, ...] = ()
    patterns: Tuple[Any, ...] = ()
    excepts: Tuple[str, ...] = ()
    include: Tuple[str, ...] = ()
    context: bool = True


@dataclass(frozen=True)
class FeatureRule:
    """How terms combine into a feature.

    The first term of `terms` is the head (the mention is anchored there);
    every other term must occur within `window` tokens of the head, in the
    same clause (or anywhere in the message when `scope` is "message").
    `exclude` terms in that window veto the rule (unless denied); a `rivals` term that is
    nearer to the head or to a companion than they are to each other vetoes
    it too ("worse sitting, better walking").  `yield_to` drops the mention
    when one of those features was found with the same head.  `status`
    is the status the wording itself implies (e.g. "can still walk" denies
    cannot_bear_weight).  An `invert` rule makes the feature present when
    its terms are denied ("it doesn't spread" -> pain stays in the knee) and
    fires on nothing else.  `windows` gives each companion its own window
    (the link word of "pain ... when I sit" must sit right by the trigger,
    the symptom may be further off); `window` is then the largest, used for
    `exclude` and `rivals`.  `keep` lists the only statuses the rule may
    yield ("not red" denies a hot red knee, a bare "red" asserts nothing).
    """

    feature: str
    terms: Tuple[str, ...]
    window: int
    scope: str = "sentence"
    exclude: Tuple[str, ...] = ()
    rivals: Tuple[str, ...] = ()
    yield_to: Tuple[str, ...] = ()
    status: str = PRESENT
    invert: bool = False
    windows: Tuple[int, ...] = ()
    keep: Tuple[str, ...] = ()

    def window_for(self, index: int) -> int:
        """The window of the companion at `index` (0 = first companion)."""
        return self.windows[index] if self.windows else self.window

    @property
    def head(self) -> str:
        return self.terms[0]

    @property
    def companions(self) -> Tuple[str, ...]:
        return self.terms[1:]


@dataclass
class Lexicon:
    """The parsed contents of lexicon.yml."""

    terms: Dict[str, TermSpec]
    rules: List[FeatureRule]
    history_is_present: Set[str]
    clause_breaks: Tuple[str, ...]
    fuzzy_min_length: int
    fuzzy_protected: Tuple[str, ...]
    raw: Dict[str, Any] = field(repr=False, default_factory=dict)


def read_yaml(path: Union[str, Path]) -> Dict[str, Any]:
    """Load one YAML data file."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _parse_term(name: str, spec: Any) -> TermSpec:
    """A term is either a list of phrases or a mapping with options."""
    if isinstance(spec, list):
        return TermSpec(name=name, phrases=tuple(spec))
    unknown = set(spec) - {"phrases", "patterns", "except", "include", "context"}
    if unknown:
        raise ValueError(f"term {name}: unknown keys {sorted(unknown)}")
    return TermSpec(
        name=name,
        phrases=_as_tuple(spec.get("phrases")),
        patterns=_as_tuple(spec.get("patterns")),
        excepts=_as_tuple(spec.get("except")),
        include=_as_tuple(spec.get("include")),
        context=bool(spec.get("context", True)),
    )


def _parse_rule(feature: str, spec: Dict[str, Any], default_window: int) -> FeatureRule:
    unknown = set(spec) - {"all", "window", "scope", "not", "rivals", "yield_to", "status", "invert", "keep"}
    if unknown:
        raise ValueError(f"feature {feature}: unknown rule keys {sorted(unknown)}")
    terms = _as_tuple(spec["all"])
    window = spec.get("window", default_window)
    windows: Tuple[int, ...] = ()
    if isinstance(window, (list, tuple)):
        windows = tuple(int(w) for w in window)
        if len(windows) != len(terms) - 1:
            raise ValueError(f"feature {feature}: window list needs one window per companion of {terms}")
        window = max(windows)
    keep = _as_tuple(spec.get("keep"))
    if set(keep) - set(STATUSES):
        raise ValueError(f"feature {feature}: keep must list statuses among {STATUSES}")
    return FeatureRule(
        feature=feature,
        terms=terms,
        window=int(window),
        scope=spec.get("scope", "sentence"),
        exclude=_as_tuple(spec.get("not")),
        rivals=_as_tuple(spec.get("rivals")),
        yield_to=_as_tuple(spec.get("yield_to")),
        status=spec.get("status", PRESENT),
        invert=bool(spec.get("invert", False)),
        windows=windows,
        keep=keep,
    )


def parse_lexicon(data: Dict[str, Any]) -> Lexicon:
    """Parse and validate lexicon.yml data against the feature contract."""
    terms = {name: _parse_term(name, spec) for name, spec in data["terms"].items()}
    window = int(data.get("defaults", {}).get("window", 6))
    rules, history = [], set()
    for feature, spec in data["features"].items():
        spec = {"rules": spec} if isinstance(spec, list) else spec
        if spec.get("history_is_present"):
            history.add(feature)
        rules.extend(_parse_rule(feature, rule, window) for rule in spec["rules"])
    fuzzy = data.get("fuzzy", {})
    lexicon = Lexicon(
        terms=terms,
        rules=rules,
        history_is_present=history,
        clause_breaks=_as_tuple(data.get("clause_breaks")),
        fuzzy_min_length=int(fuzzy.get("min_length", 5)),
        fuzzy_protected=tuple(str(word) for word in _as_tuple(fuzzy.get("protected"))),
        raw=data,
    )
    _validate_lexicon(lexicon)
    return lexicon


def _validate_lexicon(lexicon: Lexicon) -> None:
    """Every contract feature has rules; every referenced term exists."""
    features = {rule.feature for rule in lexicon.rules}
    missing, unknown = set(all_ids()) - features, features - set(all_ids())
    if missing or unknown:
        raise ValueError(f"lexicon features: missing {sorted(missing)}, unknown {sorted(unknown)}")
    for rule in lexicon.rules:
        referenced = rule.terms + rule.exclude + rule.rivals
        absent = [term for term in referenced if term not in lexicon.terms]
        if absent or set(rule.yield_to) - features:
            raise ValueError(f"rule for {rule.feature}: unknown terms {absent} or yield_to {rule.yield_to}")
        if rule.scope not in ("sentence", "message"):
            raise ValueError(f"rule for {rule.feature}: scope must be sentence or message")
    for spec in lexicon.terms.values():
        if set(spec.include) - set(lexicon.terms):
            raise ValueError(f"term {spec.name}: unknown include {spec.include}")


def _term_closure(terms: Dict[str, TermSpec], name: str, seen: Optional[Set[str]] = None) -> List[TermSpec]:
    """The term and every term it includes, recursively."""
    seen = set() if seen is None else seen
    if name in seen:
        return []
    seen.add(name)
    closure = [terms[name]]
    for included in terms[name].include:
        closure += _term_closure(terms, included, seen)
    return closure


def term_closures(lexicon: Lexicon) -> Dict[str, List[str]]:
    """For each term, the names of the terms whose matches count as its own."""
    return {name: [spec.name for spec in _term_closure(lexicon.terms, name)] for name in lexicon.terms}


def compile_terms(lexicon: Lexicon, tokenize: Tokenize) -> Dict[str, Tuple[List[Pattern], List[Pattern]]]:
    """For each term, its own (patterns that name it, patterns that cancel it);
    included terms are resolved at match time (see `term_closures`)."""
    return {
        name: (compile_entries(spec.phrases, spec.patterns, tokenize), compile_entries(spec.excepts, [], tokenize))
        for name, spec in lexicon.terms.items()
    }


# --------------------------------------------------------------------------
# Context rules data
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class ModifierRule:
    """One ConText rule, with medspaCy's meaning of each field.

    FORWARD/BACKWARD/BIDIRECTIONAL rules modify targets in their scope (the
    sentence, cut to `max_scope` tokens each way); TERMINATE rules end other
    rules' scopes; PSEUDO rules only hide the shorter modifiers they contain,
    or, when another rule lists their category in `terminated_by`, end its
    scope (CLAUSE, PRESENT_TIME).
    """

    category: str
    direction: str
    max_scope: Optional[int] = None
    terminated_by: FrozenSet[str] = frozenset()
    allowed_types: Optional[FrozenSet[str]] = None
    excluded_types: Optional[FrozenSet[str]] = None

    def modifies(self, label: str) -> bool:
        """Whether this rule may modify a target with this term label."""
        if self.direction not in _MODIFYING_DIRECTIONS:
            return False
        if self.allowed_types is not None:
            return label in self.allowed_types
        return self.excluded_types is None or label not in self.excluded_types

    def is_ended_by(self, other: "ModifierRule") -> bool:
        """Whether a modifier of rule `other` ends this rule's scope."""
        same_kind = other.category == self.category and (other.allowed_types, other.excluded_types) == (
            self.allowed_types, self.excluded_types)
        return other.direction == "TERMINATE" or same_kind or other.category in self.terminated_by


@dataclass(frozen=True)
class ContextRuleSpec:
    """A context rule and the wording that triggers it."""

    rule: ModifierRule
    phrases: Tuple[str, ...]
    patterns: Tuple[Any, ...]
    sentence_start: bool = False

    @property
    def term_types(self) -> FrozenSet[str]:
        """The term names the rule's allowed/excluded types refer to."""
        return (self.rule.allowed_types or frozenset()) | (self.rule.excluded_types or frozenset())


@dataclass
class ContextData:
    """The parsed contents of context_rules.yml."""

    priority: List[Tuple[str, str]]  # (category, Mention status), strongest first
    rules: List[ContextRuleSpec]
    raw: Dict[str, Any] = field(repr=False, default_factory=dict)


_CONTEXT_KEYS = {"category", "direction", "phrases", "patterns", "max_scope", "terminated_by",
                 "sentence_start", "allowed_types", "excluded_types"}


def _type_set(values: Any) -> Optional[FrozenSet[str]]:
    return None if values is None else frozenset(values)


def _parse_context_rule(spec: Dict[str, Any], default_terminators: List[str]) -> ContextRuleSpec:
    unknown = set(spec) - _CONTEXT_KEYS
    direction = spec.get("direction", "BIDIRECTIONAL").upper()
    if unknown or direction not in _DIRECTIONS:
        raise ValueError(f"context rule {spec.get('category')}: unknown keys {sorted(unknown)} "
                         f"or direction {direction}")
    terminators = [t.upper() for t in spec.get("terminated_by", [])]
    if direction in _MODIFYING_DIRECTIONS:
        terminators += default_terminators
    rule = ModifierRule(
        category=spec["category"].upper(),
        direction=direction,
        max_scope=spec.get("max_scope"),
        terminated_by=frozenset(terminators),
        allowed_types=_type_set(spec.get("allowed_types")),
        excluded_types=_type_set(spec.get("excluded_types")),
    )
    return ContextRuleSpec(rule, _as_tuple(spec.get("phrases")), _as_tuple(spec.get("patterns")),
                           bool(spec.get("sentence_start")))


def parse_context(data: Dict[str, Any]) -> ContextData:
    """Parse context_rules.yml: statuses in priority order plus the rules."""
    priority = [(category.upper(), status) for category, status in data["statuses"].items()]
    if {status for _, status in priority} - set(CONTEXT_STATUSES):
        raise ValueError(f"context statuses must be among {CONTEXT_STATUSES}")
    default_terminators = [t.upper() for t in data.get("defaults", {}).get("terminated_by", [])]
    rules = [_parse_context_rule(spec, default_terminators) for spec in data["rules"]]
    return ContextData(priority=priority, rules=rules, raw=data)


def compile_context_rules(context: ContextData, tokenize: Tokenize) -> List[Tuple[ModifierRule, List[Pattern]]]:
    """Each context rule with its compiled token patterns."""
    compiled = []
    for spec in context.rules:
        patterns = compile_entries(spec.phrases, spec.patterns, tokenize)
        if spec.sentence_start:
            patterns = [[{**pattern[0], "IS_SENT_START": True}] + pattern[1:] for pattern in patterns]
        compiled.append((spec.rule, patterns))
    return compiled


# --------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------

#: Extra infixes: split "numb&tingly", "knee+back", "pain~numb", "leg|foot".
_EXTRA_INFIXES = [r"(?<=[^\W\d_])[&+~*=_|\\](?=[^\W\d_])", r"(?<=[0-9])/(?=[^\W\d_])"]
#: Chat shorthand that should read as the full word.
_SPECIAL_CASES = {
    "cuz": [{"ORTH": "cuz", "NORM": "because"}],
    "coz": [{"ORTH": "coz", "NORM": "because"}],
    "cos": [{"ORTH": "cos", "NORM": "because"}],
    "bc": [{"ORTH": "bc", "NORM": "because"}],
    "w/": [{"ORTH": "w/", "NORM": "with"}],
    "w/o": [{"ORTH": "w/o", "NORM": "without"}],
    "b/c": [{"ORTH": "b/c", "NORM": "because"}],
    "thru": [{"ORTH": "thru", "NORM": "through"}],
    "tho": [{"ORTH": "tho", "NORM": "though"}],
    "altho": [{"ORTH": "altho", "NORM": "although"}],
    "n": [{"ORTH": "n", "NORM": "and"}],
    "&": [{"ORTH": "&", "NORM": "and"}],
    "+": [{"ORTH": "+", "NORM": "and"}],
    "im": [{"ORTH": "i", "NORM": "i"}, {"ORTH": "m", "NORM": "am"}],
    "ive": [{"ORTH": "i", "NORM": "i"}, {"ORTH": "ve", "NORM": "have"}],
}


def customise_tokenizer(nlp: Language) -> None:
    """Tokenizer tweaks for chat text: extra infixes and shorthand norms."""
    infixes = list(nlp.Defaults.infixes) + _EXTRA_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for text, tokens in _SPECIAL_CASES.items():
        nlp.tokenizer.add_special_case(text, tokens)
        if text.isalpha():
            capitalised = [{**tokens[0], "ORTH": tokens[0]["ORTH"].capitalize()}] + tokens[1:]
            nlp.tokenizer.add_special_case(text.capitalize(), capitalised)


# --------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------

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


class JsonState:
    """spaCy serialisation for a component whose state is one JSON document:
    subclasses name the file and implement `state` and `load_state`."""

    filename = "state.json"

    def state(self) -> Any:
        raise NotImplementedError

    def load_state(self, data: Any) -> None:
        raise NotImplementedError

    def to_disk(self, path: Union[str, Path], exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / self.filename, self.state())

    def from_disk(self, path: Union[str, Path], exclude: Iterable[str] = ()) -> "JsonState":
        self.load_state(srsly.read_json(Path(path) / self.filename))
        return self


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


def sentences(doc: Doc) -> List[Tuple[int, int]]:
    """(start, end) token offsets of the Doc's sentences (one if none are set)."""
    starts = [i for i, token in enumerate(doc) if i == 0 or token.is_sent_start] + [len(doc)]
    return list(zip(starts, starts[1:]))


def sentence_bounds(doc: Doc) -> List[Tuple[int, int]]:
    """(start, end) of the sentence of every token."""
    return [bounds for bounds in sentences(doc) for _ in range(*bounds)]


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
            self.matcher.add(_BREAK_KEY, breaks)
        for name, (patterns, excepts) in compiled.items():
            self.matcher.add(name, patterns)
            if excepts:
                self.matcher.add(name + _EXCEPT_SUFFIX, excepts)
        everything = breaks + [p for patterns, excepts in compiled.values() for p in patterns + excepts]
        return naming_words(compiled, self.closures), pattern_words(everything)

    def _raw_matches(self, doc: Doc) -> Dict[str, List[Tuple[int, int, bool]]]:
        """(start, end, is_except) of every match, by the term that owns the pattern."""
        found: Dict[str, List[Tuple[int, int, bool]]] = {}
        for key, start, end in self.matcher(doc):
            is_except = key.endswith(_EXCEPT_SUFFIX)
            term = key[: -len(_EXCEPT_SUFFIX)] if is_except else key
            found.setdefault(term, []).append((start, end, is_except))
        return found

    def __call__(self, doc: Doc) -> Doc:
        raw = self._raw_matches(doc)
        groups: Dict[str, List[Span]] = {TARGETS: [], LOCATORS: [], BREAKS: []}
        groups[BREAKS] = [Span(doc, s, e, label=_BREAK_KEY) for s, e in _longest_first(raw.pop(_BREAK_KEY, []))]
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


@dataclass
class Modifier:
    """A matched context modifier and the token range it may modify."""

    rule: ModifierRule
    start: int
    end: int
    scope_start: int
    scope_end: int

    @classmethod
    def in_sentence(cls, rule: ModifierRule, start: int, end: int, sentence: Tuple[int, int]) -> "Modifier":
        """A modifier whose scope follows its direction, within its sentence and max_scope."""
        low, high = sentence
        if rule.direction == "FORWARD":
            low = end
        elif rule.direction == "BACKWARD":
            high = start
        if rule.max_scope:
            low, high = max(low, start - rule.max_scope), min(high, end + rule.max_scope)
        return cls(rule, start, end, low, high)

    def limit_by(self, other: "Modifier") -> None:
        """Cut this scope where `other` ends it ("no numbness BUT ...")."""
        if not self.rule.is_ended_by(other.rule):
            return
        if other.start >= self.end:
            self.scope_end = min(self.scope_end, other.start)
        elif other.end <= self.start:
            self.scope_start = max(self.scope_start, other.end)

    def modifies(self, target: Span) -> bool:
        """Whether this modifier reaches `target` (and may modify its term)."""
        inside_scope = target.start < self.scope_end and target.end > self.scope_start
        touches_self = target.start < self.end and target.end > self.start
        return inside_scope and not touches_self and self.rule.modifies(target.label_)


class KneeContext(JsonState):
    """ConText for the term targets, with rules from context_rules.yml.

    An implementation of the ConText algorithm with medspaCy's rule format
    and semantics (directions, max_scope, terminated_by, allowed_types and
    excluded_types, longest-match pruning of modifiers), measured better on
    patients' text than medspaCy 1.1.6's ConText, which (a) leaves a
    max_scope-limited scope uncut by a termination inside the sentence and
    (b) can only drop, not clip, a modifier touching a target.  Modifiers are
    matched with the same gated matcher as the terms.

    After it runs, ``doc._.knee_status`` maps (start, end, term) of each
    modified target to the strongest status in the data's priority order;
    unmodified targets are left out (status "present").
    """

    filename = "context_rules.json"

    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp = nlp
        self.name = name
        self.data: Optional[ContextData] = None
        self.rules: List[ModifierRule] = []
        self.matcher = GatedMatcher(nlp.vocab)
        if not Doc.has_extension(STATUS_ATTR):
            Doc.set_extension(STATUS_ATTR, default=None)

    def configure(self, data: Dict[str, Any]) -> List[Pattern]:
        """Compile context data; return its patterns (for the fuzzy vocabulary)."""
        self.data = parse_context(data)
        self.matcher = GatedMatcher(self.nlp.vocab)
        compiled = compile_context_rules(self.data, make_tokenize(self.nlp))
        self.rules = [rule for rule, _ in compiled]
        for index, (_, patterns) in enumerate(compiled):
            self.matcher.add(str(index), patterns)
        return [pattern for _, patterns in compiled for pattern in patterns]

    @property
    def priority(self) -> List[str]:
        """Mention statuses from strongest to weakest (present is weakest)."""
        return [status for _, status in self.data.priority] if self.data else []

    def status_of(self, categories: Set[str]) -> str:
        """The strongest status among ConText categories (present when none applies)."""
        for category, status in self.data.priority if self.data else ():
            if category in categories:
                return status
        return PRESENT

    def modifiers(self, doc: Doc, targets: Sequence[Span]) -> Dict[Tuple[int, int], List[Modifier]]:
        """Matched modifiers by sentence: pruned, clipped to the targets, scopes limited."""
        found = longest_non_overlapping((start, end, int(key)) for key, start, end in self.matcher(doc))
        bounds = sentence_bounds(doc)
        by_sentence: Dict[Tuple[int, int], List[Modifier]] = {}
        for start, end, rule in clip_to_targets(found, [(t.start, t.end) for t in targets]):
            modifier = Modifier.in_sentence(self.rules[rule], start, end, bounds[start])
            by_sentence.setdefault(bounds[start], []).append(modifier)
        for modifiers in by_sentence.values():
            for modifier, other in itertools.permutations(modifiers, 2):
                modifier.limit_by(other)
        return by_sentence

    def __call__(self, doc: Doc) -> Doc:
        targets = list(doc.spans.get(TARGETS, []))
        statuses: Dict[Tuple[int, int, str], str] = {}
        if targets:
            by_sentence = self.modifiers(doc, targets)
            bounds = sentence_bounds(doc)
            for target in targets:
                modifiers = by_sentence.get(bounds[target.start], ())
                categories = {m.rule.category for m in modifiers if m.modifies(target)}
                if categories:
                    statuses[(target.start, target.end, target.label_)] = self.status_of(categories)
        doc._.set(STATUS_ATTR, statuses)
        return doc

    def state(self) -> Dict[str, Any]:
        return self.data.raw if self.data else {}

    def load_state(self, data: Dict[str, Any]) -> None:
        if data:
            self.configure(data)


@Language.factory(CONTEXT_PIPE)
def make_context(nlp: Language, name: str) -> KneeContext:
    """Factory for the ConText component."""
    return KneeContext(nlp, name)


# --------------------------------------------------------------------------
# Build / load
# --------------------------------------------------------------------------

def _stop_words(nlp: Language) -> Set[str]:
    return {word.lower() for word in nlp.Defaults.stop_words}


def _check_context_types(context: ContextData, lexicon: Lexicon) -> None:
    """Context rules may only restrict themselves to terms the lexicon defines."""
    for spec in context.rules:
        unknown = spec.term_types - set(lexicon.terms)
        if unknown:
            raise ValueError(f"context rule {spec.rule.category}: unknown term types {sorted(unknown)}")


def build_nlp(data_dir: Union[str, Path, None] = None) -> Language:
    """Build the pipeline from lexicon.yml and context_rules.yml in `data_dir`
    (default ``bot/data``)."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    nlp = spacy.blank("en")
    customise_tokenizer(nlp)
    nlp.add_pipe(SENTENCIZER_PIPE)
    fuzzy = nlp.add_pipe(FUZZY_PIPE)
    terms = nlp.add_pipe(TERMS_PIPE)
    context = nlp.add_pipe(CONTEXT_PIPE)
    targets, lexicon_words = terms.configure(read_yaml(data_dir / LEXICON_FILE))
    context_words = pattern_words(context.configure(read_yaml(data_dir / CONTEXT_FILE)))
    _check_context_types(context.data, terms.lexicon)
    protected = {word.lower() for word in terms.lexicon.fuzzy_protected}
    fuzzy.configure(
        targets=targets,
        known=lexicon_words | context_words | protected | _stop_words(nlp),
        min_length=terms.lexicon.fuzzy_min_length,
    )
    return nlp


def load_nlp(path: Union[str, Path]) -> Language:
    """Load a pipeline saved with ``nlp.to_disk`` (works in a fresh process:
    importing ``bot.nlp`` registers the factories)."""
    return spacy.load(Path(path))
