"""The bot's knowledge data: sources, interview questions, and the YAML loader.

All wording lives in `bot/data/*.yml`, except the FAQ answers, which are
responses in domain.yml where Rasa's retrieval action utter_faq reads them; this module
only reads the data. Every file is parsed once, on first use (nothing happens at
import time). No Rasa import.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List

from bot.features import DATA_DIR, read_yaml


@lru_cache(maxsize=None)
def load(filename: str) -> Dict[str, Any]:
    """Parse `bot/data/<filename>` once. The result is shared: do not mutate it."""
    return read_yaml(DATA_DIR / filename)


def _as_list(value: Any) -> List[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


# ---------------------------------------------------------------- sources


def sources() -> Dict[str, str]:
    """Source id -> full title (e.g. "seed_000" -> "Sciatica and the knee: ...")."""
    return dict(load("knowledge.yml")["sources"])


def source_title(source_ids: Any) -> str:
    """The title(s) of one source id or a list of them, joined by "; "."""
    titles = load("knowledge.yml")["sources"]
    return "; ".join(titles[sid] for sid in _as_list(source_ids))


# ---------------------------------------------------------------- interview


def question(feature_id: str) -> Dict[str, str]:
    """The yes/no question for a feature, or the emergency screen's (`screen_id()`):
    `text`, `rephrase` (the same question in other words), `why`, `source` (id) and
    `source_title`."""
    data = load("questions.yml")
    entry = data["screen"] if feature_id == data["screen"]["id"] else data["questions"][feature_id]
    return {
        "text": entry["text"].strip(),
        "rephrase": entry["rephrase"].strip(),
        "why": entry["why"].strip(),
        "source": entry["source"],
        "source_title": source_title(entry["source"]),
    }


def screen_id() -> str:
    """The id of the one question that asks for the four emergency signs at once."""
    return load("questions.yml")["screen"]["id"]


def interview_order() -> List[str]:
    """Feature ids in the order the interview should ask about them."""
    return list(load("questions.yml")["order"])


def screening() -> List[str]:
    """The emergency red-flag screen, asked before the interview."""
    return list(load("questions.yml")["screening"])
