"""Replays a conversation test story (tests/test_*.yml) against a live agent.

Unlike `rasa test core`, which replays the story's own events, this sends each
`user:` text through NLU, the policies AND the action server, then compares
what really happened with the story: the intent, the actions and form
(de)activations in order, and every `slot_was_set` value after that turn.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

IGNORED_ACTIONS = {"action_listen", "action_extract_slots", "action_session_start"}
# Every assessment must send the person to a professional (safety rule).
GUIDANCE_MARKERS = ("GP or a physiotherapist", "see a doctor today", "emergency department")


@dataclass
class Turn:
    text: str
    intent: str
    expected: List[Tuple[str, Any]] = field(default_factory=list)  # ("action"|"active_loop", name)
    slots: Dict[str, Any] = field(default_factory=dict)


def load_stories(pattern: str = "test_*.yml") -> Dict[str, List[Turn]]:
    stories = {}
    for path in sorted(Path(__file__).resolve().parents[1].glob(pattern)):
        for story in yaml.safe_load(path.read_text())["stories"]:
            turns: List[Turn] = []
            for step in story["steps"]:
                if "user" in step:
                    turns.append(Turn(step["user"].strip(), step["intent"]))
                elif "action" in step:
                    turns[-1].expected.append(("action", step["action"]))
                elif "active_loop" in step:
                    turns[-1].expected.append(("active_loop", step["active_loop"]))
                elif "slot_was_set" in step:
                    for item in step["slot_was_set"]:
                        turns[-1].slots.update(item if isinstance(item, dict) else {item: True})
            stories[f"{path.name}::{story['story']}"] = turns
    return stories


def expected_changes(expected: List[Tuple[str, Any]], loop_before: Any) -> List[Tuple[str, Any]]:
    """The story's steps, minus `active_loop` steps that restate the active loop.

    Rasa stories repeat `active_loop: <form>` after a form resumes; a live
    tracker only records an ActiveLoop event when the loop really changes.
    """
    changes, loop = [], loop_before
    for kind, name in expected:
        if kind == "active_loop":
            if name == loop:
                continue
            loop = name
        changes.append((kind, name))
    return changes


def turn_events(tracker) -> Tuple[str, List[Tuple[str, Any]], List[str]]:
    """The last user turn's intent, its actions / loop changes in order, and the bot's texts."""
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, UserUttered

    events = list(tracker.events)
    last_user = max(i for i, e in enumerate(events) if isinstance(e, UserUttered))
    # a retrieval intent as the story names it: faq/how_long, not faq
    intent = events[last_user].full_retrieval_intent_name or events[last_user].intent.get("name")
    happened: List[Tuple[str, Any]] = []
    said: List[str] = []
    for event in events[last_user + 1:]:
        if isinstance(event, ActionExecuted) and event.action_name not in IGNORED_ACTIONS:
            happened.append(("action", event.action_name))
        elif isinstance(event, ActiveLoop):
            happened.append(("active_loop", event.name))
        elif isinstance(event, BotUttered):
            said.append(event.text or "")
    return intent, happened, said


async def replay(agent, sender: str, turns: List[Turn], questions: Dict[str, int] = None) -> List[str]:
    """Run the story; returns a list of mismatches (empty when it passed).

    questions: when given, receives (keyed by sender) the number of interview
    questions asked before the story's first assessment, its triage, and
    whether the person stopped the interview.
    """
    problems = []
    for number, turn in enumerate(turns, 1):
        before = await agent.tracker_store.retrieve(sender)
        loop_before = before.active_loop_name if before else None
        await agent.handle_text(turn.text, sender_id=sender)
        tracker = await agent.tracker_store.retrieve_full_tracker(sender)
        intent, happened, said = turn_events(tracker)
        expected = expected_changes(turn.expected, loop_before)
        where = f"turn {number} ({turn.text[:60]!r})"
        # a story naming only the retrieval intent (faq) accepts any of its questions
        if intent != turn.intent and intent.split("/", 1)[0] != turn.intent:
            problems.append(f"{where}: intent {intent!r}, expected {turn.intent!r}")
        if happened != expected:
            problems.append(f"{where}: got {happened}, expected {expected}")
        if ("action", "action_give_assessment") in happened and not any(
            marker in text for marker in GUIDANCE_MARKERS for text in said
        ):
            problems.append(f"{where}: an assessment without professional guidance: {said}")
        for slot, value in turn.slots.items():
            actual = tracker.get_slot(slot)
            if isinstance(value, list) and isinstance(actual, list):
                ok = sorted(actual) == sorted(value)
            else:
                ok = actual == value
            if not ok:
                problems.append(f"{where}: slot {slot}={actual!r}, expected {value!r}")
        if questions is not None and sender not in questions and ("action", "action_give_assessment") in happened:
            questions[sender] = {
                "questions": len(tracker.get_slot("questions_asked") or []),
                "triage": tracker.get_slot("triage"),
                "stopped": ("action", "action_deactivate_loop") in happened,
            }
        if problems:
            break
    return problems
