"""ConText over the term targets (medspaCy's rule format and semantics)."""
import bisect
import itertools
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.nlp.constants import ABSENT, CONTEXT_PIPE, DENIED_PLACES_ATTR, LOCATORS, PRESENT, STATUS_ATTR, TARGETS, Pattern
from bot.nlp.context_rules import ContextData, ListGlue, ModifierRule, compile_context_rules, parse_context
from bot.nlp.matcher import GatedMatcher, clip_to_targets, longest_non_overlapping
from bot.nlp.phrases import make_tokenize
from bot.nlp.sentencizer import sentence_bounds
from bot.nlp.state import JsonState


#: Words that make a term's own wording negative ("can't feel", "no feeling", "unable to walk").
NEGATIVE_WORDS = frozenset({"not", "no", "never", "cannot", "unable", "without", "nothing", "none"})


@dataclass
class Modifier:
    """A matched context modifier and the token range it may modify."""

    rule: ModifierRule
    start: int
    end: int
    scope_start: int
    scope_end: int

    @classmethod
    def in_sentence(cls, rule: ModifierRule, start: int, end: int, sentence: Tuple[int, int],
                    doc: Optional[Doc] = None) -> "Modifier":
        """A modifier whose scope follows its direction, within its sentence and max_scope
        (and, backwards, after the last of the rule's `backward_stops_at` tokens)."""
        low, high = sentence
        if rule.direction == "FORWARD":
            low = end
        elif rule.direction == "BACKWARD":
            high = start
        if rule.max_scope:
            low, high = max(low, start - rule.max_scope), min(high, end + rule.max_scope)
        if rule.backward_stops_at and doc is not None:
            for i in range(start - 1, low - 1, -1):
                if doc[i].text in rule.backward_stops_at:
                    low = i + 1
                    break
        return cls(rule, start, end, low, high)

    def extend_through_list(self, doc: Doc, targets: Sequence[Tuple[int, int]], locator_tokens: Set[int],
                            glue: ListGlue, sentence_end: int) -> None:
        """Run a `through_lists` scope on past its max_scope along a list of terms:
        "no numbness, tingling, weakness or problems with my bladder" denies them all.

        `targets` are the (start, end) of the term targets in text order.  From the
        last target the scope reaches, the next target joins the scope while only
        list glue (a few glue words, at least one connector, and body parts) lies
        between them; terminations cut the scope afterwards as usual (`limit_by`).
        """
        if not (self.rule.through_lists and self.rule.max_scope and glue.max_gap) or self.rule.direction == "BACKWARD":
            return
        reached: Optional[int] = None
        for start, end in targets[bisect.bisect_left(targets, (self.end, -1)):]:
            if start < self.scope_end or (reached is not None and start < reached):
                reached = end if reached is None else max(reached, end)
                continue
            if reached is None or start >= sentence_end or not self._glued(doc, reached, start, locator_tokens, glue):
                break
            reached = end
            self.scope_end = min(sentence_end, end)

    @staticmethod
    def _glued(doc: Doc, start: int, end: int, locator_tokens: Set[int], glue: ListGlue) -> bool:
        """Whether tokens start..end join two items of a list (adjacent items are one item)."""
        if end <= start:
            return True
        count, connected = 0, False
        for i in range(start, end):
            if i in locator_tokens:
                continue
            word = doc[i].norm_
            count += 1
            if count > glue.max_gap or word not in glue.words:
                return False
            connected = connected or word in glue.connectors
        return connected

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
    unmodified targets are left out (status "present"), and
    ``doc._.knee_denied_places`` holds (start, end, term) of each locator
    (body part) inside the scope of a denial ("no weakness in my LEG"): such a
    place is not where the writer has a complaint.
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
        if not Doc.has_extension(DENIED_PLACES_ATTR):
            Doc.set_extension(DENIED_PLACES_ATTR, default=None)

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
        spans = sorted((t.start, t.end) for t in targets)
        glue = self.data.lists if self.data else ListGlue()
        locator_tokens: Optional[Set[int]] = None
        for start, end, rule in clip_to_targets(found, spans):
            modifier = Modifier.in_sentence(self.rules[rule], start, end, bounds[start], doc)
            if modifier.rule.through_lists:
                if locator_tokens is None:
                    locator_tokens = {i for span in doc.spans.get(LOCATORS, []) for i in range(span.start, span.end)}
                modifier.extend_through_list(doc, spans, locator_tokens, glue, bounds[start][1])
            by_sentence.setdefault(bounds[start], []).append(modifier)
        for modifiers in by_sentence.values():
            for modifier, other in itertools.permutations(modifiers, 2):
                modifier.limit_by(other)
        return by_sentence

    def __call__(self, doc: Doc) -> Doc:
        targets = list(doc.spans.get(TARGETS, []))
        statuses: Dict[Tuple[int, int, str], str] = {}
        denied_places: Set[Tuple[int, int, str]] = set()
        if targets:
            by_sentence = self.modifiers(doc, targets)
            bounds = sentence_bounds(doc)
            for target in targets:
                modifiers = by_sentence.get(bounds[target.start], ())
                # a term whose own wording is negative ("can't put weight on it") is not
                # denied again from outside: such a double negative is nearly always a scope
                # run on from an earlier denial ("haven't fallen and can't put weight on it")
                negative = any(token.norm_ in NEGATIVE_WORDS for token in target)
                categories = {m.rule.category for m in modifiers if m.modifies(target)
                              and not (negative and self.status_of({m.rule.category}) == ABSENT)}
                if categories:
                    statuses[(target.start, target.end, target.label_)] = self.status_of(categories)
            for place in doc.spans.get(LOCATORS, []):
                modifiers = by_sentence.get(bounds[place.start], ())
                if any(m.modifies(place) and self.status_of({m.rule.category}) == ABSENT for m in modifiers):
                    denied_places.add((place.start, place.end, place.label_))
        doc._.set(STATUS_ATTR, statuses)
        doc._.set(DENIED_PLACES_ATTR, denied_places)
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

