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
5. Flat cost in conversation length: a conversation session holds at most
   SESSION_MESSAGES user messages (default 20; env KNEE_SESSION_MESSAGES, 0 = off).
   The next message starts a new session that carries the slots, the active form
   and the last turn, so the dialogue goes on as before. Rasa's SQL store reads only
   the current session; every message stays stored, nothing is deleted.
6. Slots carried over to a new session as their values, one event per slot set:
   Rasa copied every SlotSet of the old session, so each session began with all
   the slot history of the ones before it.
7. The action server gets the events of the current turn (from the person's latest
   message on) and the whole state (slots, latest message, active loop), not every
   event of the session; the tracker state is built without deep-copying the
   active loop's trigger message.
8. Rasa deep-copies events, states and slots for debug log lines even when debug
   logging is off (structlog then drops them): in the processor, the forms and
   RulePolicy those copies are made only when debug logging is on.
9. At most MESSAGES_AT_ONCE messages (default 4; env KNEE_MESSAGES_AT_ONCE, 0 = no
   limit) are handled at a time; the others wait their turn, first come first
   served.
11. Memory and cold start: a trained TensorFlow model (DIET) is loaded for
   prediction only, without the optimizer and the training graph Rasa built to
   load it. Same weights, same predictions; ~120 MB less memory, ~2 s faster.
10. Training, wording only: Rasa warns that the FAQ's examples train nothing
   unless its own ResponseSelector is in the pipeline; this project's FAQ ranker
   (adapters/pipeline/faq_ranker.py) trains on them, so it counts as one.

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

5. Every message cost more the longer the conversation was (BENCHMARKS.md,
"Long conversations"): Rasa reads the whole current session from the store and
replays it, copies and replays the tracker again for each action it runs, walks
it for applied_events, builds the policies' states from all of it, and sends
every event to the action server. A session bounds all of that, and Rasa's SQL
store already reads only the latest one. Rasa starts a session only after
`session_expiration_time`; here it also starts one before a user message when
the current session already holds SESSION_MESSAGES user messages, the last turn
is complete (the bot is listening) and the conversation is not paused. After
Rasa's action_session_start (slots carried over, domain.yml
carry_over_slots_to_new_session) the new session gets a replay of the last turn,
so the policies see what they saw: the slots and the active loop as they stood
when that turn began, then its events as applied, from the bot's listen before
the person's last message on: that message's intent and entities but never its
text, no bot messages, every copy marked CARRIED_OVER in its metadata. The
project's rules look back no further than the person's previous message and
RulePolicy is its only policy (tests/adapters/test_patches.py checks both);
tests/scale/test_long_conversations.py plays every conversation test with a new
session before every message and finds every turn the same. A session started by
time or by /session_start is Rasa's, unchanged. Everything stays stored: `make
export` (without the marked copies) and the HTTP API's /tracker read all
sessions, `make forget` deletes all of them.

6. Rasa's action_session_start copies every SlotSet event of the old session
(applied_events), including the copies the session began with, so each session
starts longer than the one before. Here each slot set in the old session is
carried once, with its last value and metadata, in the order the values were
last set: replayed, they give the same slot values as Rasa's list.

7. RemoteAction sent `tracker.current_state(EventVerbosity.ALL)`: every event of
the session, 30-100 kB of JSON per call here, encoded by Rasa and decoded by the
action server twice per message. The project's actions read slots, the latest
message, the active loop and, at most, the events since the person's latest
message (actions/). Here the request holds the same state with the events from
that message on; TURN_EVENTS_ONLY = False sends them all again. With
`enable_selective_domain` in endpoints.yml, Rasa's own setting, the domain is no
longer sent either (no action asks for it).

8. structlog's debug calls are no-ops unless debug logging is on, but their
arguments are built first, and Rasa's processor, forms and RulePolicy pass deep
copies of events, states and slots: about a millisecond per message. In those
three modules (whose deep copies are all such arguments) `copy` is replaced by
DebugCopy, which copies when structlog's debug level is on and otherwise hands
the value to the no-op unchanged.

9. Under load, Rasa's event loop interleaves every message in flight: each time
one waits for the action server (once to three times per message here), the
others run. A message that waits three times is overtaken three times, so the
slowest messages took far longer than the median (at 50 concurrent conversations
p95 was 1.5-1.7x p50, the stock bot's 1.2x: it never waits). With at most
MESSAGES_AT_ONCE in hand, the CPU still has work while one waits, and a message
once started is not overtaken by the whole queue. Senders' locks are taken
before (Rasa's agent), so two messages of one conversation still go in order.

11. RasaModel.load builds a model the way training does: it compiles it with an
Adam optimizer and trains it on one example ("to build weights of the correct
size"), then loads the stored weights over them. The optimizer's state (two
slots per weight) and the traced training step stay in memory for the life of
the server, and are never used: the server only predicts. TensorFlow restores a
checkpoint's values into variables as they are created, so here the weights are
loaded first and the one prediction Rasa runs anyway (to trace the prediction
step) creates the layers with their stored values; the cached label embeddings
are computed after that, from the loaded weights. Fine-tuning (`rasa train
--finetune`) and a load without an example to predict go to Rasa's own load.
tests/adapters/test_patches.py checks that both loads predict the same.
"""
from __future__ import annotations

import collections
import dataclasses
import logging
import os
import weakref
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


# ---------------------------------------------------------------- 5, 6: sessions
SESSION_MESSAGES = int(os.environ.get("KNEE_SESSION_MESSAGES", "20"))
CARRIED_OVER = "carried_over"  # metadata of the events a rollover repeats from the old session
_rasa_session_expired = None  # Rasa's MessageProcessor._has_session_expired, kept by apply()
_rasa_update_session = None  # Rasa's MessageProcessor._update_tracker_session, kept by apply()


def user_messages_in_session(tracker: Any) -> int:
    """User messages since the latest session start (or restart) in `tracker`."""
    from rasa.shared.core.events import Restarted, SessionStarted, UserUttered

    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, (SessionStarted, Restarted)):
            break
        if isinstance(event, UserUttered) and not event.metadata.get(CARRIED_OVER):
            count += 1
    return count


def listening(tracker: Any) -> bool:
    """Whether the last turn is complete: the bot's last action was to listen, and no
    user message came after it."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, UserUttered

    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            return event.action_name == ACTION_LISTEN_NAME
        if isinstance(event, UserUttered):
            return False
    return False


def session_is_full(tracker: Any) -> bool:
    """Whether the next user message starts a new session (5): SESSION_MESSAGES user
    messages in this one, the last turn complete, the conversation not paused."""
    return (SESSION_MESSAGES > 0 and not tracker.is_paused() and listening(tracker)
            and user_messages_in_session(tracker) >= SESSION_MESSAGES)


def has_session_expired(self: Any, tracker: Any) -> bool:
    """Rasa's expiry by time, or a full session (5)."""
    if self.domain.session_config.are_sessions_enabled() and session_is_full(tracker):
        return True
    return _rasa_session_expired(self, tracker)


def carried_slot_events(tracker: Any) -> List[Any]:
    """One SlotSet per slot set in the session: its last value and metadata, in the
    order the values were last set (6)."""
    from rasa.shared.core.events import SlotSet

    last: Dict[str, Any] = {}
    for event in tracker.applied_events():
        if isinstance(event, SlotSet):
            last.pop(event.key, None)
            last[event.key] = event
    return [SlotSet(key=e.key, value=e.value, metadata=e.metadata) for e in last.values()]


def context_events(tracker: Any) -> List[Any]:
    """What a rollover replays after the new session's start (5), so that the policies
    see the last turn as they did: the slots and the active loop as they stood when it
    began, then its events as applied, from the bot's listen before the person's last
    message on. The user message keeps its intent and entities, never its text; bot
    messages are left out. Every event is a copy, marked CARRIED_OVER."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet, UserUttered

    applied = tracker.applied_events()
    users = [i for i, event in enumerate(applied) if isinstance(event, UserUttered)]
    if not users:
        return []
    start = users[-1]
    while start > 0 and not (isinstance(applied[start], ActionExecuted)
                             and applied[start].action_name == ACTION_LISTEN_NAME):
        start -= 1
    before = tracker.init_copy()
    for event in applied[:start]:
        before.update(event)
    events: List[Any] = [SlotSet(name, before.slots[name].value) for name, slot in tracker.slots.items()
                         if name in before.slots and before.slots[name].value != slot.value]
    if before.active_loop_name:
        events.append(ActiveLoop(before.active_loop_name))
    for event in applied[start:]:
        if isinstance(event, BotUttered):
            continue
        data = event.as_dict()
        if isinstance(event, UserUttered):
            data["text"] = None
            data["parse_data"] = {key: value for key, value in (data.get("parse_data") or {}).items() if key != "text"}
        events.append(Event.from_parameters(data))
    for event in events:
        event.metadata = {**(event.metadata or {}), CARRIED_OVER: True}
    return events


async def update_tracker_session(self: Any, tracker: Any, output_channel: Any, metadata: Optional[Dict] = None) -> None:
    """Rasa's session check and start; after a rollover (5), the last turn's context."""
    rollover = (self.domain.session_config.are_sessions_enabled() and session_is_full(tracker)
                and not _rasa_session_expired(self, tracker))
    context = context_events(tracker) if rollover else []
    await _rasa_update_session(self, tracker, output_channel, metadata)
    if rollover:
        logger.debug("Session of %r held %d user messages: a new one carries on.", tracker.sender_id,
                     SESSION_MESSAGES)
        tracker.update_with_events(context, self.domain)


# ---------------------------------------------------------------- 7: the action call
TURN_EVENTS_ONLY = True  # False: every event of the session, as Rasa sends them


def turn_events(tracker: Any) -> List[Any]:
    """The tracker's events from the latest user message on (all when there is none)."""
    from rasa.shared.core.events import UserUttered

    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


def tracker_state(tracker: Any, events: List[Any]) -> Dict[str, Any]:
    """What Rasa's tracker.current_state() returns, with `events` as the events, and the
    active loop's fields as they are (asdict deep-copied the loop's trigger message,
    and this dict is only turned into JSON)."""
    latest = tracker.latest_message
    latest_message = {**latest.parse_data, "entities": latest.entities} if latest else None
    loop = tracker.active_loop
    return {
        "sender_id": tracker.sender_id,
        "slots": tracker.current_slot_values(),
        "latest_message": latest_message,
        "latest_event_time": tracker.events[-1].timestamp if len(tracker.events) > 0 else None,
        "followup_action": tracker.followup_action,
        "paused": tracker.is_paused(),
        "events": [event.as_dict() for event in events],
        "latest_input_channel": tracker.get_latest_input_channel(),
        "active_loop": {field.name: getattr(loop, field.name) for field in dataclasses.fields(loop)} if loop else {},
        "latest_action": tracker.latest_action,
        "latest_action_name": tracker.latest_action_name,
    }


def action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
    """Rasa's request to the action server, with the events of this turn only (7)."""
    import rasa

    events = turn_events(tracker) if TURN_EVENTS_ONLY else list(tracker.events)
    result = {"next_action": self.name(), "sender_id": tracker.sender_id, "tracker": tracker_state(tracker, events),
              "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


# ---------------------------------------------------------------- 8: debug copies
_NO_DEBUG = None  # structlog's no-op debug method, set by apply()


class DebugCopy:
    """Stands in for the `copy` module in Rasa modules whose deep copies are all
    arguments of structlog debug calls (8): a real copy when debug logging is on,
    else the value itself (the call discards it)."""

    @staticmethod
    def deepcopy(value: Any, memo: Optional[Dict] = None) -> Any:
        import copy
        import structlog

        if getattr(structlog.get_config().get("wrapper_class"), "debug", None) is _NO_DEBUG:
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        import copy

        return getattr(copy, name)


# ---------------------------------------------------------------- 9: messages at once
MESSAGES_AT_ONCE = int(os.environ.get("KNEE_MESSAGES_AT_ONCE", "4"))
_rasa_handle_message = None  # Rasa's MessageProcessor.handle_message, kept by apply()
_gates: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # event loop -> Gate


class Gate:
    """At most `size` holders at once; the others wait in arrival order (first come,
    first served: a slot freed goes to the longest waiter, never to a newcomer)."""

    def __init__(self, size: int) -> None:
        self.free = size
        self.waiting: "collections.deque" = collections.deque()

    async def __aenter__(self) -> None:
        if self.free > 0 and not self.waiting:
            self.free -= 1
            return
        import asyncio

        slot = asyncio.get_running_loop().create_future()
        self.waiting.append(slot)
        try:
            await slot
        except asyncio.CancelledError:
            if slot.done() and not slot.cancelled():
                self.release()  # given a slot, then cancelled: pass it on
            else:
                self.waiting.remove(slot)
            raise

    def release(self) -> None:
        while self.waiting:
            slot = self.waiting.popleft()
            if not slot.done():
                slot.set_result(None)
                return
        self.free += 1

    async def __aexit__(self, *exc_info: Any) -> None:
        self.release()


async def handle_message(self: Any, message: Any) -> Any:
    """Rasa's handling of one message, at most MESSAGES_AT_ONCE at a time (9)."""
    import asyncio

    if MESSAGES_AT_ONCE <= 0:
        return await _rasa_handle_message(self, message)
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = Gate(MESSAGES_AT_ONCE)
    async with gate:
        return await _rasa_handle_message(self, message)


def apply() -> None:
    global _remote_run, _shell_print_output, _rasa_session_expired, _rasa_update_session, _rasa_handle_message
    from rasa.core.channels import console
    from rasa.core.actions.action import ActionSessionStart, RemoteAction
    from rasa.core.processor import MessageProcessor
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
    if MessageProcessor._has_session_expired is not has_session_expired:
        _rasa_session_expired = MessageProcessor._has_session_expired
        MessageProcessor._has_session_expired = has_session_expired
    if MessageProcessor.handle_message is not handle_message:
        _rasa_handle_message = MessageProcessor.handle_message
        MessageProcessor.handle_message = handle_message
    if MessageProcessor._update_tracker_session is not update_tracker_session:
        _rasa_update_session = MessageProcessor._update_tracker_session
        MessageProcessor._update_tracker_session = update_tracker_session
    ActionSessionStart._slot_set_events_from_tracker = staticmethod(carried_slot_events)
    RemoteAction._action_call_format = action_call_format
    _apply_debug_copy()
    _apply_faq_ranker_counts_as_selector()
    _apply_prediction_only_load()


def _apply_debug_copy() -> None:
    global _NO_DEBUG
    import logging

    import structlog
    from rasa.core import processor
    from rasa.core.actions import forms
    from rasa.core.policies import rule_policy

    _NO_DEBUG = structlog.make_filtering_bound_logger(logging.CRITICAL).debug
    for module in (processor, forms, rule_policy):
        module.copy = DebugCopy()


def _apply_faq_ranker_counts_as_selector() -> None:
    global _rasa_warn_unused
    from rasa.graph_components.validators.default_recipe_validator import DefaultV1RecipeValidator

    if DefaultV1RecipeValidator._warn_if_some_training_data_is_unused is not warn_if_training_data_unused:
        _rasa_warn_unused = DefaultV1RecipeValidator._warn_if_some_training_data_is_unused
        DefaultV1RecipeValidator._warn_if_some_training_data_is_unused = warn_if_training_data_unused


_rasa_warn_unused = None  # Rasa's own check, set by apply()


def warn_if_training_data_unused(self: Any, training_data: Any) -> None:
    """Rasa's check, with the FAQ ranker standing for the ResponseSelector it replaces."""
    from rasa.nlu.selectors.response_selector import ResponseSelector

    from adapters.pipeline.faq_ranker import FaqRankerComponent

    if FaqRankerComponent in self._component_types:
        self._component_types = self._component_types | {ResponseSelector}
    _rasa_warn_unused(self, training_data)


rasa_model_load = None  # Rasa's RasaModel.load (the underlying function), kept by apply(); public for the test that compares both loads


def load_for_prediction(
    cls: Any,
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Optional[Any] = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> Any:
    """RasaModel.load without the optimizer and the training step (patch 11)."""
    if finetune_mode or predict_data_example is None:
        return rasa_model_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs)
    model = cls(*args, **kwargs)
    # the optimizer's slots in the checkpoint have no variable here: expected
    model.load_weights(model_file_name).expect_partial()
    model.run_inference(predict_data_example)  # creates the layers, restored as they are made
    return model


def _apply_prediction_only_load() -> None:
    global rasa_model_load
    from rasa.utils.tensorflow.models import RasaModel

    if getattr(RasaModel.load, "__func__", None) is not load_for_prediction:
        rasa_model_load = RasaModel.load.__func__
        RasaModel.load = classmethod(load_for_prediction)
