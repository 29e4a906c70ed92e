"""The lexicon (bot/data/lexicon.yml): term classes, feature rules, clause breaks and fuzzy settings, parsed and checked."""
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from bot.features import all_ids
from bot.nlp.constants import PRESENT, STATUSES, Pattern, Tokenize
from bot.nlp.phrases import compile_entries

EXCEPT_SUFFIX = "!except"
BREAK_KEY = "!break"


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
    same clause (anywhere in the same sentence when `scope` is "clauses", anywhere
    in the message when it is "message"; rivals are sought in the same reach).
    `exclude` terms in that window veto the rule (unless denied), and so do
    `exclude_message` terms anywhere in the message when there now (a bare
    "stiff" is not the knee's when the message is about the hands; a flu
    someone else had vetoes nothing) unless an `unless_message` term is
    there too (a plain "back" is the mid back in a message that names only
    the mid back, not when it names the lower back as well); a `rivals` term that is
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
    exclude_message: Tuple[str, ...] = ()
    unless_message: Tuple[str, ...] = ()
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


@dataclass(frozen=True)
class Site:
    """Where a feature's symptom may be: a hit that names none of the `own` places is
    dropped when the place named nearest one of its symptom terms, in that term's
    clause, is a `foreign` one ("my elbow is hot, red and swollen": not the knee)."""

    own: Tuple[str, ...]
    foreign: Tuple[str, ...]


@dataclass
class Lexicon:
    """The parsed contents of lexicon.yml."""

    terms: Dict[str, TermSpec]
    rules: List[FeatureRule]
    history_is_present: Set[str]
    clause_breaks: Tuple[str, ...]
    fuzzy_min_length: int
    fuzzy_protected: Tuple[str, ...]
    sites: Dict[str, Site] = field(default_factory=dict)
    raw: Dict[str, Any] = field(repr=False, default_factory=dict)


def as_tuple(value: Any) -> tuple:
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
        phrases=as_tuple(spec.get("phrases")),
        patterns=as_tuple(spec.get("patterns")),
        excepts=as_tuple(spec.get("except")),
        include=as_tuple(spec.get("include")),
        context=bool(spec.get("context", True)),
    )


def _parse_rule(feature: str, spec: Dict[str, Any], default_window: int) -> FeatureRule:
    unknown = set(spec) - {"all", "window", "scope", "not", "not_in_message", "unless_in_message", "rivals", "yield_to", "status", "invert", "keep"}
    if unknown:
        raise ValueError(f"feature {feature}: unknown rule keys {sorted(unknown)}")
    terms = as_tuple(spec["all"])
    window = spec.get("window", default_window)
    windows: Tuple[int, ...] = ()
    if isinstance(window, (list, tuple)):
        windows = tuple(int(w) for w in window)
        if len(windows) != len(terms) - 1:
            raise ValueError(f"feature {feature}: window list needs one window per companion of {terms}")
        window = max(windows)
    keep = as_tuple(spec.get("keep"))
    if set(keep) - set(STATUSES):
        raise ValueError(f"feature {feature}: keep must list statuses among {STATUSES}")
    return FeatureRule(
        feature=feature,
        terms=terms,
        window=int(window),
        scope=spec.get("scope", "sentence"),
        exclude=as_tuple(spec.get("not")),
        exclude_message=as_tuple(spec.get("not_in_message")),
        unless_message=as_tuple(spec.get("unless_in_message")),
        rivals=as_tuple(spec.get("rivals")),
        yield_to=as_tuple(spec.get("yield_to")),
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
    sites = {feature: Site(own=as_tuple(spec.get("own")), foreign=as_tuple(spec.get("foreign")))
             for feature, spec in (data.get("sites") or {}).items()}
    lexicon = Lexicon(
        terms=terms,
        rules=rules,
        history_is_present=history,
        clause_breaks=as_tuple(data.get("clause_breaks")),
        fuzzy_min_length=int(fuzzy.get("min_length", 5)),
        fuzzy_protected=tuple(str(word) for word in as_tuple(fuzzy.get("protected"))),
        sites=sites,
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
        referenced = rule.terms + rule.exclude + rule.exclude_message + rule.unless_message + rule.rivals
        absent = [term for term in referenced if term not in lexicon.terms]
        if absent or set(rule.yield_to) - features:
            raise ValueError(f"rule for {rule.feature}: unknown terms {absent} or yield_to {rule.yield_to}")
        if rule.scope not in ("sentence", "clauses", "message"):
            raise ValueError(f"rule for {rule.feature}: scope must be sentence, clauses or message")
    for feature, site in lexicon.sites.items():
        absent = [term for term in site.own + site.foreign if term not in lexicon.terms]
        if feature not in features or absent or not site.own or not site.foreign:
            raise ValueError(f"sites: {feature} needs a known feature and own and foreign terms (unknown {absent})")
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

