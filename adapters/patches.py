"""Small, tested changes to Rasa 3.6, applied in the Rasa server process.

1. Speed, behaviour-preserving: the action-server response schema is checked once,
   and each event only against the part of the schema for its own type.
2. Speed, behaviour-preserving: Event.resolve_by_type is a dictionary lookup.
3. Safety: when the action server is down or fails, the person still gets safe
   professional guidance (bot/offline.py) instead of silence.
4. Safety, `rasa shell` only: a question's buttons are listed as numbered text and the
   person types the answer. Rasa's shell turned them into an arrow-key menu whose
   highlighted default ("Yes") answered the question when someone typed their own
   words and pressed Enter; the typed words were lost. A typed number picks that
   button; anything else is sent as typed. Display hints are not printed.

Applied by `adapters.server` (`python -m adapters.server run ...`), through which
every Rasa server of this project starts: scripts/run.sh, shell.sh,
test_conversations.sh, tests/servers.py and bench/. Idempotent.

1. Rasa validates every action-server response with `jsonschema.validate(result,
schema)`. That call first checks the *schema itself* against the JSON-Schema
metaschema, every time: ~35 ms per call on our 2-core machines, ~3 calls per
user message, over half of a message's time (bench/profile_turn.py,
BENCHMARKS.md). Here the schema is checked and its validator built once; every
response is still validated against the same schema, and an invalid response
raises the same ValidationError (best match, same message suffix).

2. Event.resolve_by_type walks every Event subclass (recursively, with an
`inspect.isabstract` test each) for every event Rasa deserialises: each tracker
store read, each action-server response. That was ~65% of a SQLite retrieve.
Here the walk's result is kept in a dictionary (first match wins, as in the
walk) and rebuilt when a name is missing, so classes defined later still resolve.

3. RemoteAction.run raises when the action server cannot be reached, times out
or answers with an error; Rasa then logs it and the person hears nothing. Here
such a failure yields one message per user turn, built by bot.offline from what
the person said: an apology, and the triage level's professional guidance
(emergency or same-day advice first when there is a red flag). A deliberate
rejection (ActionExecutionRejection, used by forms) is passed on unchanged.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional

logger = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def _validator(action_class: type) -> Any:
    import jsonschema

    spec = action_class.action_response_format_spec()
    cls = jsonschema.validators.validator_for(spec)
    cls.check_schema(spec)
    return cls(spec)


@lru_cache(maxsize=None)
def _fast_validators(action_class: type) -> Any:
    """The same schema, split so that each event meets only its own subschema.

    Rasa's event schema is a `oneOf` of 23 subschemas, each fixing `event` to a
    different constant, so an event is valid exactly when it passes the common
    part and the one subschema of its name (any other fails on the constant).
    Checking just that one is equivalent and ~20 times cheaper.
    """
    spec = action_class.action_response_format_spec()
    cls = _validator(action_class).__class__
    event = spec["properties"]["events"]["items"]
    common = {key: value for key, value in event.items() if key != "oneOf"}
    by_name: Dict[str, list] = {}
    for sub in event["oneOf"]:
        by_name.setdefault(sub["properties"]["event"]["const"], []).append(sub)
    per_event = {name: cls({**common, "allOf": subs}) for name, subs in by_name.items() if len(subs) == 1}
    outer = cls({**spec, "properties": {**spec["properties"], "events": {"type": "array"}}})
    return outer, per_event


def _surely_valid(action_class: type, result: Any) -> bool:
    outer, per_event = _fast_validators(action_class)
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or []:
        name = event.get("event") if isinstance(event, dict) else None
        validator = per_event.get(name) if isinstance(name, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    import jsonschema
    from rasa.shared.constants import DOCS_BASE_URL

    if _surely_valid(type(self), result):
        return True
    # Anything else takes the full check, which raises exactly Rasa's error.
    error = jsonschema.exceptions.best_match(_validator(type(self)).iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_event_classes: Dict[str, type] = {}


def resolve_event_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    cls = _event_classes.get(type_name)
    if cls is None:
        _event_classes.clear()
        for subclass in all_subclasses(Event):
            _event_classes.setdefault(subclass.type_name, subclass)
        cls = _event_classes.get(type_name)
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # as Rasa: old TopicSet events are ignored
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


_remote_run = None  # Rasa's RemoteAction.run, kept by apply()


def _said_this_turn(tracker: Any) -> bool:
    from rasa.shared.core.events import BotUttered, UserUttered
    from bot.offline import KIND

    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered):
            custom = (event.data or {}).get("custom") or {}
            if (custom.get("data") or {}).get("type") == KIND:
                return True
    return False


def _offline_events(tracker: Any) -> List[Any]:
    from rasa.shared.core.events import BotUttered
    from bot import features
    from bot.offline import service_unavailable

    if _said_this_turn(tracker):
        return []
    message = service_unavailable(
        tracker.get_slot("features_present") or [],
        tracker.get_slot("features_absent") or [],
        features.mentions(tracker.latest_message.entities if tracker.latest_message else None),
    )
    return [BotUttered(message["text"], data={"custom": {"data": message["data"]}})]


async def run_or_guide(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
    from rasa.core.actions.action import ActionExecutionRejection

    try:
        return await _remote_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception as error:  # unreachable, timed out, 5xx, invalid answer
        logger.error(
            "Action server failed on '%s' (%s); sending safe guidance instead.",
            self.name(), type(error).__name__,
        )
        return _offline_events(tracker)


def _print_bot_output(message: Dict[str, Any], is_latest_message: bool = False, color: Any = None) -> None:
    """Print a bot message in the shell: text, then its buttons as numbered text."""
    from rasa.shared.utils.cli import print_color
    from rasa.shared.utils.io import bcolors

    from adapters.channels import numbered
    from adapters.channels.display_hints import without_hints

    color = color or bcolors.OKBLUE
    message = dict(message)
    buttons = message.pop("buttons", None) or []
    custom = without_hints(message.pop("custom", None))
    if custom:
        message["custom"] = custom
    _shell_print_output(message, False, color)
    if buttons:
        print_color(numbered.render("", buttons), color=color)
    return None


async def _get_user_input(previous_response: Optional[Dict[str, Any]]) -> Optional[str]:
    """The shell's prompt: always typed text; a number picks the numbered button."""
    import questionary
    from prompt_toolkit.styles import Style

    buttons = []
    if previous_response is not None:
        _print_bot_output(previous_response, is_latest_message=True)
        buttons = previous_response.get("buttons") or []
    question = questionary.text("", qmark="Your input ->", style=Style([("qmark", "#b373d6"), ("", "#b373d6")]))
    response = await question.ask_async()
    if response is None:
        return None
    from adapters.channels import numbered

    response = response.strip()
    return numbered.payload_for_reply(response, buttons) or response


_shell_print_output = None  # Rasa's console._print_bot_output, kept by apply()


def apply() -> None:
    global _remote_run, _shell_print_output
    from rasa.core.channels import console
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_event_type)
    if RemoteAction.run is not run_or_guide:
        _remote_run = RemoteAction.run
        RemoteAction.run = run_or_guide
    if console._print_bot_output is not _print_bot_output:
        _shell_print_output = console._print_bot_output
        console._print_bot_output = _print_bot_output
        console._get_user_input = _get_user_input
