"""Where the time of one message goes in our bot: timers around Rasa's steps, in process.

    python -m bench.profile_turn [--model models/knee.tar.gz] [--action-url URL]
                                 [--messages 40] [--long 120] [--json out.json]

Loads the model in this process with a SQLite tracker store (in a temporary
folder) and the action server at --action-url (one is started when none is
given), plays patient interviews (the script of bench/load.py) through
Agent.handle_message, one message at a time, and sums per user message the
time spent in:

  NLU              MessageProcessor.parse_message, and each NLU graph node
                   (ClinicalFeatureExtractor is the spaCy extraction)
  policies         MessageProcessor._predict_next_with_tracker (one call per
                   predicted action), and each policy graph node
  action server    RemoteAction.run (whole round trip), of which the HTTP
                   request (EndpointConfig.request) and the tracker-to-JSON
                   payload (RemoteAction._action_call_format)
  tracker store    KneeSQLTrackerStore.retrieve / save (SQLite, as `make run`: one kept
                   connection, WAL, the last trackers kept; commit included)

and, across those parts, what costs more in a longer conversation: events turned
into a tracker (deserialised and replayed), tracker copies, applied_events, the
policies' states, the tracker as a dict for the action server, the session check.

--long N then plays ONE conversation of N messages (bench/load.py LONG_SCRIPTS:
the interview, then follow-up questions, again and again) and breaks it down per
block of 20 messages, with the action-server payload and the number of events the
store reads for the conversation (its current session) after each block.

--bot stock --model <rasa init model> profiles the stock bot the same way
(mood-flow messages, no action server, in-memory tracker store).

Everything is sequential, so wall time is the time of each step. The REST
channel and Sanic are not included: compare with the REST latency of
`python -m bench.run`. Prints a table; --json writes it for bench.run.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import inspect
import json
import random
import runpy
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]

_turn: Dict[str, float] = defaultdict(float)
_calls: Dict[str, int] = defaultdict(int)
_phase: List[str] = ["other"]
_turn_actions: List[str] = []  # action server calls of the current message
_payload_bytes: List[int] = []  # their JSON sizes


def _record(key: str, seconds: float) -> None:
    _turn[key] += seconds
    _calls[key] += 1


def _timed(fn: Callable, key: Callable, phase: str, has_self: bool) -> Callable:
    """fn, timed under key(self) (key(None) for static methods), inside `phase` when given."""
    def enter():
        if phase:
            _phase.append(phase)
        return time.perf_counter()

    def leave(args, start):
        _record(key(args[0] if has_self else None), time.perf_counter() - start)
        if phase:
            _phase.pop()

    if asyncio.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def wrapper(*args, **kwargs):
            start = enter()
            try:
                return await fn(*args, **kwargs)
            finally:
                leave(args, start)
    else:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            start = enter()
            try:
                return fn(*args, **kwargs)
            finally:
                leave(args, start)
    return wrapper


def _wrap(cls, name: str, key: Callable, phase: str = "") -> None:
    static = isinstance(inspect.getattr_static(cls, name), staticmethod)
    wrapper = _timed(getattr(cls, name), key, phase, has_self=not static)
    setattr(cls, name, staticmethod(wrapper) if static else wrapper)


def instrument() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.engine.graph import GraphNode
    from rasa.utils.endpoints import EndpointConfig

    _wrap(MessageProcessor, "handle_message", lambda s: "total")
    _wrap(MessageProcessor, "parse_message", lambda s: "nlu", phase="nlu")
    _wrap(MessageProcessor, "_predict_next_with_tracker", lambda s: "policies", phase="policies")
    _wrap(GraphNode, "__call__", lambda s: f"node:{_phase[-1]}:{s._node_name}")
    _wrap(RemoteAction, "run", lambda s: "action_server", phase="action_server")
    _wrap(RemoteAction, "_action_call_format", lambda s: "action_payload")
    _wrap(RemoteAction, "_validate_action_result", lambda s: "action_validate")
    _wrap(RemoteAction, "_utter_responses", lambda s: "action_responses")
    from adapters.stores.tracker_store import KneeSQLTrackerStore

    # the classes the profile uses (wrapping a base class too would time its calls twice)
    for store in (KneeSQLTrackerStore, InMemoryTrackerStore):
        _wrap(store, "retrieve", lambda s: "store_retrieve")
        _wrap(store, "save", lambda s: "store_save")
    # Where a longer conversation costs more (cross-cutting: these overlap the parts above).
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    _wrap(DialogueStateTracker, "from_dict", lambda s: "x_from_dict")
    _wrap(DialogueStateTracker, "copy", lambda s: "x_copy")
    _wrap(DialogueStateTracker, "applied_events", lambda s: "x_applied_events")
    _wrap(DialogueStateTracker, "current_state", lambda s: "x_current_state")
    _wrap(Domain, "states_for_tracker_history", lambda s: "x_past_states")
    _wrap(MessageProcessor, "_update_tracker_session", lambda s: "x_session")

    original_request = EndpointConfig.request

    @functools.wraps(original_request)
    async def request(self, *args, **kwargs):
        if isinstance(kwargs.get("json"), dict):
            _payload_bytes.append(len(json.dumps(kwargs["json"])))
            _turn_actions.append(str(kwargs["json"].get("next_action")))
        start = time.perf_counter()
        try:
            return await original_request(self, *args, **kwargs)
        finally:
            _record("action_http", time.perf_counter() - start)

    EndpointConfig.request = request


def _label(node: str) -> str:
    name = node.split(":", 2)[2]
    name = name.replace("run_", "").replace("adapters.pipeline.clinical_features.", "")
    return name.rstrip("0123456789") if name[-1:].isdigit() else name


def breakdown(turns: List[Dict[str, float]], calls: List[Dict[str, int]]) -> List[Dict]:
    def row(part: str, key: str, indent: int = 0) -> Dict:
        values = [t.get(key, 0.0) * 1000 for t in turns]
        return {"part": ("↳ " if indent else "") + part, "key": key,
                "median_ms": round(statistics.median(values), 2), "mean_ms": round(statistics.mean(values), 2),
                "calls": round(statistics.mean(c.get(key, 0) for c in calls), 2)}

    nodes = sorted({k for t in turns for k in t if k.startswith("node:")})
    mean = lambda key: statistics.mean(t.get(key, 0.0) for t in turns)  # noqa: E731
    rows = [row("whole message (Agent.handle_message)", "total"), row("NLU (parse_message)", "nlu")]
    for node in sorted((n for n in nodes if n.startswith("node:nlu:")), key=mean, reverse=True):
        if mean(node) * 1000 >= 0.05:
            rows.append(row(_label(node), node, 1))
    rows.append(row("policy prediction (_predict_next_with_tracker)", "policies"))
    for node in sorted((n for n in nodes if n.startswith("node:policies:")), key=mean, reverse=True):
        if mean(node) * 1000 >= 0.05:
            rows.append(row(_label(node), node, 1))
    rows += [
        row("action server round trips (RemoteAction.run)", "action_server"),
        row("HTTP request to the action server", "action_http", 1),
        row("tracker to JSON payload", "action_payload", 1),
        row("jsonschema check of the response (_validate_action_result)", "action_validate", 1),
        row("bot responses of the action (_utter_responses)", "action_responses", 1),
        row("tracker store: retrieve", "store_retrieve"),
        row("tracker store: save (commit included)", "store_save"),
    ]
    accounted = ("nlu", "policies", "action_server", "store_retrieve", "store_save")
    rest = [max(0.0, t.get("total", 0) - sum(t.get(k, 0) for k in accounted)) * 1000 for t in turns]
    rows.append({"part": "rest (processor, events, responses, lock, session)", "key": "rest",
                 "median_ms": round(statistics.median(rest), 2), "mean_ms": round(statistics.mean(rest), 2),
                 "calls": 0.0})
    rows += [
        row("across the parts above: events to a tracker (from_dict: deserialise + replay)", "x_from_dict"),
        row("across the parts above: tracker copies (replay of every event)", "x_copy"),
        row("across the parts above: applied_events (walk of every event)", "x_applied_events"),
        row("across the parts above: states for the policies (past_states)", "x_past_states"),
        row("across the parts above: tracker to a dict (current_state)", "x_current_state"),
        row("across the parts above: session check / start (_update_tracker_session)", "x_session"),
    ]
    return rows


async def play(bot: str, model: Path, endpoints_file: Path, messages: int, warmup: int, long: int = 0) -> Dict:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow import environment as tf_env

    from bench.load import LONG_SCRIPTS, SCRIPTS, screening_questions

    # logging as `rasa run` sets it up (INFO unless LOG_LEVEL says otherwise)
    configure_logging_and_warnings(None, None, warn_only_once=True, filter_repeated_logs=True)
    tf_env.setup_tf_environment()
    configure_structlog(None)
    if bot == "ours":
        from adapters import patches

        patches.apply()  # as adapters.server does for `make run`
    start = time.perf_counter()
    agent = await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints_file)))
    load_s = time.perf_counter() - start
    instrument()
    screening = screening_questions()

    async def handle(text: str, sender: str, record: Optional[Dict]) -> list:
        channel = CollectingOutputChannel()
        _turn.clear()
        _calls.clear()
        _turn_actions.clear()
        _payload_bytes.clear()
        await agent.handle_message(UserMessage(text, channel, sender))
        if record is not None:
            for name in _turn_actions:
                record["actions"][name] += 1
            record["turns"].append(dict(_turn))
            record["calls"].append(dict(_calls))
            record["texts"].append(text)
            record["payload"].append(list(_payload_bytes))
            record["events"].append(await events_read(agent, sender))
        return channel.messages

    def new_record() -> Dict:
        return {"turns": [], "calls": [], "texts": [], "payload": [], "events": [], "actions": defaultdict(int)}

    # patient interviews (short conversations), after `warmup` untimed messages
    short, conversation = new_record(), 0
    while warmup > 0 or len(short["turns"]) < messages:
        script = SCRIPTS[bot](random.Random(conversation), screening)
        sender, reply = f"profile-{conversation}", None
        while warmup > 0 or len(short["turns"]) < messages:
            text = script.next_message(reply)
            if text is None:
                break
            reply = await handle(text, sender, short if warmup <= 0 else None)
            warmup -= 1
        conversation += 1
    result = {"model_load_s": round(load_s, 1), **summarise(short)}
    if long:
        # one conversation of `long` messages (bench/load.py LONG_SCRIPTS)
        record, script, reply = new_record(), LONG_SCRIPTS[bot](random.Random(3), screening), None
        while len(record["turns"]) < long:
            reply = await handle(script.next_message(reply), "profile-long", record)
        result["long"] = {
            **summarise(record),
            "blocks": [breakdown(record["turns"][i:i + BLOCK], record["calls"][i:i + BLOCK])
                       for i in range(0, long, BLOCK)],
            "payload_kb_per_block": [_mean_kb(record["payload"][i:i + BLOCK]) for i in range(0, long, BLOCK)],
        }
    return result


BLOCK = 20  # messages per block of a long conversation


async def events_read(agent: Any, sender: str) -> int:
    """The events a read of the conversation gives Rasa: its current session (counted on
    the full tracker, so that no tracker kept by the store is taken)."""
    from rasa.shared.core.events import SessionStarted

    tracker = await agent.tracker_store.retrieve_full_tracker(sender)
    if tracker is None:
        return 0
    events = list(tracker.events)
    starts = [i for i, event in enumerate(events) if isinstance(event, SessionStarted)]
    return len(events) - (starts[-1] if starts else 0)


def _mean_kb(payloads: List[List[int]]) -> Optional[float]:
    """Mean size in kB of the action-server payloads of some messages."""
    sizes = [size for message in payloads for size in message]
    return round(statistics.mean(sizes) / 1024, 1) if sizes else None


def summarise(record: Dict) -> Dict:
    """The breakdown of a series of timed messages, and what else was seen."""
    turns = record["turns"]
    return {
        "messages": len(turns),
        "breakdown": breakdown(turns, record["calls"]),
        "action_payload_kb_mean": _mean_kb(record["payload"]),
        "remote_actions_per_message": {k: round(v / max(len(turns), 1), 2)
                                       for k, v in sorted(record["actions"].items(), key=lambda kv: -kv[1])},
        "per_message_total_ms": [round(t.get("total", 0) * 1000, 1) for t in turns],
        "texts": record["texts"],
        # events the store returns for the conversation after each message (its current session)
        "events_loaded": record["events"],
    }


def print_long(long: Dict) -> None:
    print()
    print(f"one conversation of {long['messages']} messages, mean ms per block of {BLOCK}:")
    starts = range(1, len(long["blocks"]) * BLOCK, BLOCK)
    print(f"{'part':<60}" + "".join(f"{f'{i}-{i + BLOCK - 1}':>9}" for i in starts))
    for row in long["blocks"][0]:
        values = [next((r["mean_ms"] for r in block if r["key"] == row["key"]), 0.0) for block in long["blocks"]]
        print(f"{row['part'].replace('↳', '  -')[:59]:<60}" + "".join(f"{v:>9.1f}" for v in values))
    print(f"{'action-server payload, mean kB per call':<60}"
          + "".join(f"{v if v is not None else 0:>9.1f}" for v in long["payload_kb_per_block"]))
    print(f"{'events the store reads, after the block':<60}"
          + "".join(f"{v:>9}" for v in long["events_loaded"][BLOCK - 1::BLOCK]))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bot", choices=("ours", "stock"), default="ours",
                        help="stock: a `rasa init` model given by --model, no action server, in-memory store")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "knee.tar.gz")
    parser.add_argument("--tracker-store", choices=("sql", "memory"), default="sql", help="ours only")
    parser.add_argument("--action-url", help="a running action server's webhook URL (else one is started)")
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=10, help="messages played first and not timed")
    parser.add_argument("--long", type=int, default=0,
                        help="then time one conversation of this many messages (bench/load.py LONG_SCRIPTS) and "
                             "break it down per block of 20")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--preload", type=Path, help="run this Python file first (a proposal: e.g. a file that patches Rasa)")
    parser.add_argument("--workdir", type=Path, help="folder for the SQLite tracker store (default: temporary)")
    args = parser.parse_args(argv)

    if args.preload:
        runpy.run_path(str(args.preload))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="knee-profile-"))
    temporary = args.workdir is None
    workdir.mkdir(parents=True, exist_ok=True)
    actions = None
    try:
        action_url = args.action_url
        if not action_url and args.bot == "ours":
            sys.path.insert(0, str(ROOT))
            from tests.servers import free_port, start_action_server

            port = free_port()
            actions = start_action_server(port, workdir / "actions.log")
            action_url = f"http://127.0.0.1:{port}/webhook"
        if args.bot == "ours":
            from bench.ours import endpoints_for

            endpoints = endpoints_for(workdir, action_url, args.tracker_store)
        else:
            endpoints = workdir / "endpoints.yml"
            endpoints.write_text("{}\n")
        result = asyncio.run(play(args.bot, args.model, endpoints, args.messages, args.warmup, args.long))
        result.update(bot=args.bot, tracker_store="memory" if args.bot == "stock" else args.tracker_store,
                      preload=str(args.preload) if args.preload else None)
    finally:
        if actions is not None:
            from tests.servers import stop

            stop(actions)
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"model load {result['model_load_s']} s; {result['messages']} messages timed; "
          f"mean action payload {result['action_payload_kb_mean']} kB")
    print(f"action server calls per message: {result['remote_actions_per_message']}")
    print(f"{'part':<60}{'median ms':>10}{'mean ms':>9}{'calls':>7}")
    for row in result["breakdown"]:
        print(f"{row['part'].replace('↳', '  -'):<60}{row['median_ms']:>10.1f}{row['mean_ms']:>9.1f}{row['calls']:>7.1f}")
    if result.get("long"):
        print_long(result["long"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
