"""Weigh what the person said: which pattern their knee pain fits, and how urgent it is.

A pure function over feature ids (see bot/data/features.yml); no Rasa import.
The weights, contextual rules and thresholds are data, in bot/data/assessment.yml,
so clinicians can review and tune them without reading code.

The result never names a diagnosis: `assessment` is a *pattern* the answers fit.
Red flags set the triage level (bot.features.triage) and the pattern is still
assessed from the other features.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Set, Tuple

from bot import features
from bot.features import KNEE, NERVE
from bot.knowledge import load

NERVE_RELATED = "nerve_related"
KNEE_JOINT = "knee_joint"
MIXED = "mixed"
UNCLEAR = "unclear"
ASSESSMENTS = (NERVE_RELATED, KNEE_JOINT, MIXED, UNCLEAR)

_PATTERN_NAMES = {NERVE: NERVE_RELATED, KNEE: KNEE_JOINT}


@dataclass(frozen=True)
class Assessment:
    triage: str  # emergency | urgent | routine
    assessment: str  # nerve_related | knee_joint | mixed | unclear
    reasons_for_nerve: Tuple[str, ...]  # present features counted toward the nerve pattern, strongest first
    reasons_for_knee: Tuple[str, ...]  # present features counted toward the knee pattern, strongest first
    reasons_against_nerve: Tuple[str, ...]  # denied strong nerve features
    reasons_against_knee: Tuple[str, ...]  # denied strong knee features
    red_flags: Tuple[str, ...]  # present red flags, in the contract's order


def _config() -> Dict[str, Any]:
    return load("assessment.yml")


def _checked(ids: Iterable[str]) -> List[str]:
    """De-duplicated ids in first-mention order; an unknown id is a caller bug."""
    ids = list(dict.fromkeys(ids))
    unknown = set(ids) - set(features.all_ids())
    if unknown:
        raise ValueError(f"unknown feature ids: {sorted(unknown)}")
    return ids


def counts_toward(feature_id: str, present: Set[str]) -> Tuple[str, float]:
    """(pattern, weight) a present feature adds, after the contextual rules.

    The first rule for this feature whose `when_any` meets `present` wins;
    otherwise the feature's default weight applies.
    """
    config = _config()
    for rule in config["rules"]:
        if rule["feature"] == feature_id and present.intersection(rule["when_any"]):
            return rule["pattern"], rule["weight"]
    spec = config["weights"][feature_id]
    return spec["pattern"], spec["weight"]


def assess(present: Iterable[str], absent: Iterable[str] = ()) -> Assessment:
    """Weigh present and denied features into a triage level and a pattern.

    `present`: feature ids the person has now; `absent`: ids they denied.
    An id in both counts as present (the safer reading, as in features.merge).
    Raises ValueError for an id that is not in the feature vocabulary.
    """
    present = _checked(present)
    present_set = set(present)
    absent = [f for f in _checked(absent) if f not in present_set]
    config = _config()
    weights = config["weights"]

    scores = {NERVE: 0.0, KNEE: 0.0}
    support: Dict[str, List[Tuple[float, str]]] = {NERVE: [], KNEE: []}
    for feature_id in present:
        if feature_id in weights:  # red flags carry no pattern weight
            pattern, weight = counts_toward(feature_id, present_set)
            scores[pattern] += weight
            support[pattern].append((weight, feature_id))

    against: Dict[str, List[str]] = {NERVE: [], KNEE: []}
    denial = config["denial"]
    for feature_id in absent:
        spec = weights.get(feature_id)
        if spec and spec["weight"] >= denial["min_weight"]:
            scores[spec["pattern"]] -= denial["penalty"]
            against[spec["pattern"]].append(feature_id)

    enough = config["thresholds"]["enough"]
    supported = [p for p in (NERVE, KNEE) if scores[p] >= enough]
    if len(supported) == 2:
        pattern = MIXED
    elif supported:
        pattern = _PATTERN_NAMES[supported[0]]
    else:
        pattern = UNCLEAR

    def strongest_first(pairs: List[Tuple[float, str]]) -> Tuple[str, ...]:
        # sorted() is stable: equal weights keep the order the person gave them
        return tuple(f for _, f in sorted(pairs, key=lambda pair: -pair[0]))

    return Assessment(
        triage=features.triage(present_set),
        assessment=pattern,
        reasons_for_nerve=strongest_first(support[NERVE]),
        reasons_for_knee=strongest_first(support[KNEE]),
        reasons_against_nerve=tuple(against[NERVE]),
        reasons_against_knee=tuple(against[KNEE]),
        red_flags=tuple(f for f in features.red_flags() if f in present_set),
    )
