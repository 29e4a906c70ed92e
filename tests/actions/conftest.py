"""Fixtures for action tests: a fresh tracker, dispatcher and domain per test."""
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    with open("domain.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker():
    def make(
        slots: Optional[Dict[str, Any]] = None,
        intent: str = "describe_symptoms",
        entities: Optional[List[Dict[str, Any]]] = None,
        text: str = "",
        active_loop: Optional[str] = None,
    ) -> Tracker:
        return Tracker(
            sender_id="test",
            slots=dict(slots or {}),
            latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
            events=[],
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name="action_listen",
        )

    return make


def feature(value: str, role: str = "present") -> Dict[str, Any]:
    return {"entity": "clinical_feature", "value": value, "role": role}


def slot_events(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(dispatcher: CollectingDispatcher) -> List[str]:
    return [m.get("response") for m in dispatcher.messages]
