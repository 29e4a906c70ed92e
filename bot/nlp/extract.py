"""Turn a message into clinical feature mentions.

`extract(nlp, text)` runs the pipeline built by ``bot.nlp.pipeline`` and
composes its term occurrences into features with the rules from
``lexicon.yml``:

1. every term occurrence has a status from ConText (present unless a
   modifier says absent, uncertain, historical, hypothetical or other);
2. a feature rule fires when its head term has each companion term nearby
   (same clause unless the rule's scope is the whole message), no `not`
   term nearby (unless that term is denied: "lost weight without dieting"),
   no `not_in_message` term anywhere in the message
   and no rival term closer than the companions;
3. the mention's status is the strongest status among the head and its
   companions, then the rule's own status ("can still walk" denies
   cannot_bear_weight) and the feature's options (a historical
   cancer_history is still a history of cancer, so present) apply; a rule
   with `keep` yields only the statuses it lists (a bare "not red" denies
   hot_red_knee, a bare "red" asserts nothing);
4. a feature with a `site` keeps a hit that names none of its own places
   only when no symptom term of the hit has a foreign place as the nearest
   place in its clause ("I can't lift my arm and it's getting weaker").

No Rasa import here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from bot.nlp.constants import (
    BREAKS,
    CONTEXT_PIPE,
    DENIED_PLACES_ATTR,
    LOCATORS,
    PRESENT,
    STATUS_ATTR,
    STATUSES,
    TARGETS,
    TERMS_PIPE,
)
from bot.nlp.lexicon import FeatureRule, Site
from bot.nlp.sentencizer import sentences
from bot.nlp.text import normalise

#: Longest text analysed; anything after this many characters is ignored.
MAX_CHARS = 5000

ABSENT = "absent"
HISTORICAL = "historical"
__all__ = ["MAX_CHARS", "STATUSES", "Mention", "extract", "findings"]


@dataclass(frozen=True)
class Mention:
    """One feature found in a message; start/end are character offsets in the
    text given to `extract` and `text` is that slice."""

    feature: str
    status: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Occurrence:
    """One term found in the Doc (token offsets), with its sentence, clause and status.
    `status` is None for locator terms, which ConText never modifies."""

    term: str
    start: int
    end: int
    sent: int
    clause: int
    status: Optional[str]
    #: a locator inside the scope of a denial ("no weakness in my leg")
    denied: bool = False


def gap(a: Occurrence, b: Occurrence) -> int:
    """Tokens strictly between two occurrences (0 when adjacent or overlapping)."""
    return max(0, b.start - a.end, a.start - b.end)


# --------------------------------------------------------------------------
# Doc -> occurrences
# --------------------------------------------------------------------------

def _token_positions(doc: Doc) -> Tuple[List[int], List[int]]:
    """Sentence and clause number of every token (clauses end at sentence
    ends and at the lexicon's clause breaks)."""
    break_starts = {span.start for span in doc.spans.get(BREAKS, [])}
    sents, clauses = [], []
    clause = -1
    for number, (start, end) in enumerate(sentences(doc)):
        for i in range(start, end):
            clause += i == start or i in break_starts
            sents.append(number)
            clauses.append(clause)
    return sents, clauses


def occurrences(doc: Doc) -> List[Occurrence]:
    """All term occurrences of a processed Doc, in text order."""
    sents, clauses = _token_positions(doc)
    statuses: Dict[Tuple[int, int, str], str] = doc._.get(STATUS_ATTR) or {}
    denied_places = doc._.get(DENIED_PLACES_ATTR) or set()
    found = []
    for group, has_context in ((TARGETS, True), (LOCATORS, False)):
        for span in doc.spans.get(group, []):
            key = (span.start, span.end, span.label_)
            status = statuses.get(key, PRESENT) if has_context else None
            found.append(Occurrence(span.label_, span.start, span.end, sents[span.start], clauses[span.start], status,
                                    denied=not has_context and key in denied_places))
    return sorted(found, key=lambda occ: (occ.start, occ.end, occ.term))


# --------------------------------------------------------------------------
# Occurrences -> feature hits
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    """A fired rule: the head, the companions it used and the resulting status."""

    rule: FeatureRule
    head: Occurrence
    parts: Tuple[Occurrence, ...]
    status: str


def _reachable(rule: FeatureRule, a: Occurrence, b: Occurrence, window: Optional[int] = None) -> bool:
    """Whether `b` is close enough to `a` for this rule (within `window`,
    default the rule's window)."""
    if a == b:
        return False
    if rule.scope == "sentence" and (a.sent != b.sent or a.clause != b.clause):
        return False
    if rule.scope == "clauses" and a.sent != b.sent:
        return False
    return gap(a, b) <= (rule.window if window is None else window)


def _nearest(rule: FeatureRule, head: Occurrence, candidates: Iterable[Occurrence],
             window: Optional[int] = None) -> Optional[Occurrence]:
    """The reachable candidate closest to the head (the earlier on a tie)."""
    reachable = [occ for occ in candidates if _reachable(rule, head, occ, window)]
    return min(reachable, key=lambda occ: (gap(head, occ), occ.start), default=None)


def _rivalled(rule: FeatureRule, head: Occurrence, companions: Sequence[Occurrence],
              by_term: Dict[str, List[Occurrence]]) -> bool:
    """True when a rival term sits closer to the head or to a companion than
    the two are to each other ("worse sitting, better walking")."""
    rivals = [occ for term in rule.rivals for occ in by_term.get(term, ())]
    for companion in companions:
        distance = gap(head, companion)
        for rival in rivals:
            for anchor in (head, companion):
                if _reachable(rule, anchor, rival) and gap(anchor, rival) < distance:
                    return True
    return False


def _combined_status(parts: Sequence[Occurrence], rule: FeatureRule, priority: Sequence[str],
                     history_is_present: bool) -> Optional[str]:
    """The strongest context status among the parts, then the rule's own
    wording; None when an inverted rule's term was not denied."""
    found = {occ.status for occ in parts if occ.status}
    status = next((s for s in priority if s in found), PRESENT)
    if rule.invert:
        if status == PRESENT:
            return None
        status = PRESENT if status == ABSENT else status
    elif status == PRESENT:
        status = rule.status
    if status == HISTORICAL and history_is_present:
        status = PRESENT
    return status


def _apply_rule(rule: FeatureRule, head: Occurrence,
                by_term: Dict[str, List[Occurrence]]) -> Optional[Tuple[Occurrence, ...]]:
    """The occurrences (head first) a rule uses at this head, or None if it does not fire."""
    parts = [head]
    for index, term in enumerate(rule.companions):
        companion = _nearest(rule, head, by_term.get(term, ()), rule.window_for(index))
        if companion is None:
            return None
        parts.append(companion)
    # a denied veto term vetoes nothing ("lost weight without dieting"), nor does a place
    # named in a denial ("my knee hurts, the pain doesn't go down my leg")
    vetoes = (occ for term in rule.exclude for occ in by_term.get(term, ()) if occ.status != ABSENT and not occ.denied)
    if any(_reachable(rule, head, occ) for occ in vetoes):
        return None
    # a veto term elsewhere in the message counts only when it is there now (or a place
    # not named in a denial: "no weakness in my leg but it's really stiff"), and not at
    # all when an `unless` term is there too
    def there(terms: Sequence[str]) -> bool:
        return any(occ.status == PRESENT or (occ.status is None and not occ.denied)
                   for term in terms for occ in by_term.get(term, ()))
    if there(rule.exclude_message) and not there(rule.unless_message):
        return None
    if _rivalled(rule, head, parts[1:], by_term):
        return None
    return tuple(parts)


def _overlaps(a: Occurrence, b: Occurrence) -> bool:
    return a.start < b.end and b.start < a.end


_LISTED = 2  # tokens between two places of one list ("legs and hands", "legs, arms and")


def _misplaced(hit: Hit, site: Site, by_term: Dict[str, List[Occurrence]]) -> bool:
    """True when the hit names none of the site's own places and a symptom
    term of it (a part ConText reads) lies nearest a foreign place in its
    clause, or, with no place in its clause, in its sentence ("my wrist got
    twisted and now I can't bend it"); a tie goes to the own place.  A
    foreign place inside the wording of another symptom belongs to that one
    ("no clicking, no back issues").  A foreign place listed with an own one
    ("my legs and hands are getting weaker", "arms, legs") shares the symptom
    with it, so it is no foreign place."""
    own = [occ for term in site.own for occ in by_term.get(term, ())]
    if any(_overlaps(part, place) for part in hit.parts for place in own):
        return False
    foreign = [occ for term in site.foreign for occ in by_term.get(term, ())
               if not any(place.sent == occ.sent and place.clause == occ.clause and gap(place, occ) <= _LISTED
                          for place in own)]
    symptoms = [occ for occs in by_term.values() for occ in occs if occ.status is not None]
    for part in hit.parts:
        if part.status is None:
            continue
        free = [place for place in foreign
                if not any(_overlaps(place, other) and not _overlaps(part, other) for other in symptoms)]
        far, near = _clause_distance(part, free), _clause_distance(part, own)
        if far is not None and (near is None or far < near):
            return True
    return False


def _clause_distance(part: Occurrence, places: Sequence[Occurrence]) -> Optional[Tuple[int, int]]:
    """(0, tokens) to the nearest of `places` in the part's clause, else (1, tokens)
    to the nearest in its sentence, else (2, position) to the first named in the
    sentence before, its topic ("numbness in my left hand. It gets worse when I
    drive"); None if none."""
    def rank(place: Occurrence) -> Tuple[int, int]:
        if place.sent != part.sent:
            return 2, place.start
        return (0 if place.clause == part.clause else 1), gap(part, place)
    return min((rank(place) for place in places
                if place.sent in (part.sent, part.sent - 1) and not _overlaps(part, place)), default=None)


def compose(found: List[Occurrence], rules: Sequence[FeatureRule], priority: Sequence[str],
            history_is_present: Iterable[str] = (), sites: Optional[Dict[str, Site]] = None) -> List[Hit]:
    """Fire every rule at every occurrence of its head term.

    Per (feature, head) the first rule in lexicon order wins; afterwards a
    hit is dropped when a feature it yields to fired at the same head.  A
    hit whose symptom belongs to a foreign place of the feature's site does
    not fire (a later rule may).
    """
    sites = sites or {}
    by_term: Dict[str, List[Occurrence]] = {}
    for occ in found:
        by_term.setdefault(occ.term, []).append(occ)
    history_is_present = set(history_is_present)
    hits: Dict[Tuple[str, Occurrence], Hit] = {}
    for rule in rules:
        for head in by_term.get(rule.head, ()):
            if (rule.feature, head) in hits:
                continue
            parts = _apply_rule(rule, head, by_term)
            if parts is None:
                continue
            status = _combined_status(parts, rule, priority, rule.feature in history_is_present)
            if status and (not rule.keep or status in rule.keep):
                hit = Hit(rule, head, parts, status)
                # a misplaced hit does not count as fired: a later rule may still place it
                if rule.feature in sites and _misplaced(hit, sites[rule.feature], by_term):
                    continue
                hits[(rule.feature, head)] = hit
    return [hit for hit in hits.values()
            if not any((other, hit.head) in hits for other in hit.rule.yield_to)]


# --------------------------------------------------------------------------
# Hits -> mentions
# --------------------------------------------------------------------------

def _char_span(doc: Doc, hit: Hit, offsets: Sequence[int]) -> Tuple[int, int]:
    """Character span (in the text given to `extract`) of the hit's parts that share
    the head's sentence; `offsets` are the characters where the Doc's tokens start."""
    parts = [occ for occ in hit.parts if occ.sent == hit.head.sent]
    start = min(occ.start for occ in parts)
    end = max(occ.end for occ in parts)
    return offsets[start], offsets[end - 1] + len(doc[end - 1].text)


def _to_mentions(doc: Doc, hits: Iterable[Hit], text: str, offsets: Sequence[int]) -> List[Mention]:
    """One Mention per distinct (feature, status, span), in text order."""
    mentions = set()
    for hit in hits:
        start, end = _char_span(doc, hit, offsets)
        mentions.add(Mention(hit.rule.feature, hit.status, start, end, text[start:end]))
    return sorted(mentions, key=lambda m: (m.start, m.end, m.feature, m.status))


def extract(nlp: Language, text: str) -> List[Mention]:
    """Every feature mention in `text` (any string; only the first MAX_CHARS
    characters are read).  Offsets refer to `text` itself."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[:MAX_CHARS]
    if not text.strip():
        return []
    doc, offsets = without_inline_spaces(nlp.make_doc(normalise(text)))
    for _, component in nlp.pipeline:
        doc = component(doc)
    terms = nlp.get_pipe(TERMS_PIPE)
    priority = nlp.get_pipe(CONTEXT_PIPE).priority
    hits = compose(occurrences(doc), terms.rules, priority, terms.history_is_present, terms.sites)
    return _to_mentions(doc, hits, text, offsets)


def without_inline_spaces(doc: Doc) -> Tuple[Doc, List[int]]:
    """The Doc without the whitespace tokens spaCy makes of extra spaces inside a
    line ("no colour,  with back ache"), so that every phrase and modifier matches
    across them; line breaks stay (they end sentences).  Returns the Doc and the
    character offset, in the original text, of each of its tokens."""
    drop = [token.is_space and "\n" not in token.text for token in doc]
    if not any(drop):
        return doc, [token.idx for token in doc]
    kept = [token for token, dropped in zip(doc, drop) if not dropped]
    if not kept:
        return doc, [token.idx for token in doc]
    spaces = [bool(token.whitespace_) or (token.i + 1 < len(doc) and drop[token.i + 1]) for token in kept]
    compact = Doc(doc.vocab, words=[token.text for token in kept], spaces=spaces)
    for new, old in zip(compact, kept):
        new.norm_ = old.norm_
    return compact, [token.idx for token in kept]


def findings(mentions: Iterable[Mention]) -> Tuple[List[str], List[str]]:
    """(present, absent) feature ids in order of first mention, without
    duplicates; a feature both present and absent counts as present only."""
    mentions = list(mentions)
    present = list(dict.fromkeys(m.feature for m in mentions if m.status == PRESENT))
    absent = [f for f in dict.fromkeys(m.feature for m in mentions if m.status == ABSENT) if f not in present]
    return present, absent
