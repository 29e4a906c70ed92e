"""The clinical feature vocabulary, read from `bot/data/features.yml`.

This is the contract every layer speaks (see ../shared/clinical-features.md).
No Rasa import here.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

NERVE = "nerve"
KNEE = "knee"
EMERGENCY = "emergency"
URGENT = "urgent"
ROUTINE = "routine"

TRIAGE_LEVELS = (EMERGENCY, URGENT, ROUTINE)

# The NLU entity that carries a feature id (value) and what was said of it (role).
ENTITY = "clinical_feature"


def mentions(entities: Optional[Iterable[Dict[str, Any]]]) -> List[Tuple[Any, Any]]:
    """(feature id, role) of each clinical entity of a parsed message."""
    return [(e.get("value"), e.get("role")) for e in entities or [] if e.get("entity") == ENTITY]


@lru_cache(maxsize=None)
def _features() -> Dict[str, Dict[str, str]]:
    with open(DATA_DIR / "features.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["features"]


def all_ids() -> List[str]:
    """Every feature id, in the contract's order."""
    return list(_features())


def ids_in(group: str) -> List[str]:
    return [fid for fid, spec in _features().items() if spec["group"] == group]


def group_of(feature_id: str) -> str:
    return _features()[feature_id]["group"]


def label(feature_id: str) -> str:
    return _features()[feature_id]["label"]


def red_flags() -> List[str]:
    return ids_in(EMERGENCY) + ids_in(URGENT)


def triage(present: Iterable[str]) -> str:
    """The contract's rule: emergency > urgent > routine (always a professional)."""
    present = set(present)
    if present & set(ids_in(EMERGENCY)):
        return EMERGENCY
    if present & set(ids_in(URGENT)):
        return URGENT
    return ROUTINE


def merge(
    present: Iterable[str],
    absent: Iterable[str],
    new_present: Iterable[str],
    new_absent: Iterable[str],
) -> Tuple[List[str], List[str]]:
    """Fold one message's findings into what the conversation already knows.

    The latest statement wins: a later denial moves a feature from present to
    absent, a later confirmation moves it back. A feature both affirmed and
    denied in the same message counts as present (the safer reading).
    Order of first mention is kept so summaries read naturally.
    """
    new_present = list(dict.fromkeys(new_present))
    new_absent = [f for f in dict.fromkeys(new_absent) if f not in new_present]
    out_present = [f for f in present if f not in new_absent]
    out_absent = [f for f in absent if f not in new_present]
    out_present += [f for f in new_present if f not in out_present]
    out_absent += [f for f in new_absent if f not in out_absent]
    return out_present, out_absent
