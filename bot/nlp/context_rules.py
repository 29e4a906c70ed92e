"""The ConText rules (bot/data/context_rules.yml): negation, hedges, history, hypotheticals, other experiencers, terminations."""
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

from bot.nlp.constants import CONTEXT_STATUSES, Pattern, Tokenize
from bot.nlp.lexicon import as_tuple
from bot.nlp.phrases import compile_entries

_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"}
_MODIFYING_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL"}


@dataclass(frozen=True)
class ModifierRule:
    """One ConText rule, with medspaCy's meaning of each field.

    FORWARD/BACKWARD/BIDIRECTIONAL rules modify targets in their scope (the
    sentence, cut to `max_scope` tokens each way); TERMINATE rules end other
    rules' scopes; PSEUDO rules only hide the shorter modifiers they contain,
    or, when another rule lists their category in `terminated_by`, end its
    scope (CLAUSE, PRESENT_TIME).  A `through_lists` rule's forward scope
    runs on past `max_scope` along a list of terms ("no numbness, tingling,
    weakness or problems with my bladder"; see `ListGlue`).  A rule's
    `backward_stops_at` tokens cut its backward scope only.
    """

    category: str
    direction: str
    max_scope: Optional[int] = None
    terminated_by: FrozenSet[str] = frozenset()
    allowed_types: Optional[FrozenSet[str]] = None
    excluded_types: Optional[FrozenSet[str]] = None
    through_lists: bool = False
    #: tokens (e.g. ",") that end the part of the scope before the modifier: "both my
    #: legs are numb, haven't had a fever" denies the fever, not the numb legs
    backward_stops_at: FrozenSet[str] = frozenset()

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


@dataclass(frozen=True)
class ListGlue:
    """What may join two terms of one list (context_rules.yml `lists`).

    Between the last term a scope reaches and the next term there may be
    only `words` and locator terms (body parts), at most `max_gap` words,
    and at least one of them a `connector` ("," "or" "nor" ...).
    """

    words: FrozenSet[str] = frozenset()
    connectors: FrozenSet[str] = frozenset()
    max_gap: int = 0


@dataclass
class ContextData:
    """The parsed contents of context_rules.yml."""

    priority: List[Tuple[str, str]]  # (category, Mention status), strongest first
    rules: List[ContextRuleSpec]
    raw: Dict[str, Any] = field(repr=False, default_factory=dict)
    lists: ListGlue = field(default_factory=ListGlue)


_CONTEXT_KEYS = {"category", "direction", "phrases", "patterns", "max_scope", "terminated_by",
                 "sentence_start", "allowed_types", "excluded_types", "through_lists", "backward_stops_at"}


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
        through_lists=bool(spec.get("through_lists", False)),
        backward_stops_at=frozenset(str(token) for token in spec.get("backward_stops_at", [])),
    )
    return ContextRuleSpec(rule, as_tuple(spec.get("phrases")), as_tuple(spec.get("patterns")),
                           bool(spec.get("sentence_start")))


def parse_context(data: Dict[str, Any]) -> ContextData:
    """Parse context_rules.yml: statuses in priority order plus the rules."""
    priority = [(category.upper(), status) for category, status in data["statuses"].items()]
    if {status for _, status in priority} - set(CONTEXT_STATUSES):
        raise ValueError(f"context statuses must be among {CONTEXT_STATUSES}")
    default_terminators = [t.upper() for t in data.get("defaults", {}).get("terminated_by", [])]
    rules = [_parse_context_rule(spec, default_terminators) for spec in data["rules"]]
    lists = data.get("lists") or {}
    connectors = frozenset(str(word) for word in as_tuple(lists.get("connectors")))
    glue = ListGlue(words=frozenset(str(word) for word in as_tuple(lists.get("words"))) | connectors,
                    connectors=connectors, max_gap=int(lists.get("max_gap", 0)))
    return ContextData(priority=priority, rules=rules, raw=data, lists=glue)


def compile_context_rules(context: ContextData, tokenize: Tokenize) -> List[Tuple[ModifierRule, List[Pattern]]]:
    """Each context rule with its compiled token patterns."""
    compiled = []
    for spec in context.rules:
        patterns = compile_entries(spec.phrases, spec.patterns, tokenize)
        if spec.sentence_start:
            patterns = [[{**pattern[0], "IS_SENT_START": True}] + pattern[1:] for pattern in patterns]
        compiled.append((spec.rule, patterns))
    return compiled

