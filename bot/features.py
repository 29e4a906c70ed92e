"""The clinical feature vocabulary, read from `bot/data/features.yml`, and `read_yaml`,
the reader of every bot/data file (it refuses a key given twice).

This is the contract every layer speaks (see ../shared/clinical-features.md).
No Rasa import here.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple, Union

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


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping: plain YAML keeps the
    last silently, and a merge of two edits to one rule can leave both
    ("terminated_by: [A]" ... "terminated_by: [B]" drops A)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Dict[Any, Any]:
        seen: Set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ValueError(f"{key_node.start_mark.name}, line {key_node.start_mark.line + 1}: "
                                 f"the key {key!r} is given twice in one mapping")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Union[str, Path]) -> Any:
    """Load one YAML data file of bot/data; a key given twice in one mapping is an error."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)


@lru_cache(maxsize=None)
def _features() -> Dict[str, Dict[str, str]]:
    return read_yaml(DATA_DIR / "features.yml")["features"]


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
