"""Where the time of one message goes in our bot: timers around Rasa's steps, in process.

    python -m bench.profile_turn [--model models/knee.tar.gz] [--action-url URL]
                                 [--messages 40] [--json out.json]

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
  tracker store    SQLTrackerStore.retrieve / save (SQLite, commit included)

Everything is sequential, so wall time is the time of each step. The REST
channel and Sanic are not included: compare with the REST latency of
`python -m bench.run`. Prints a table; --json writes it for bench.run.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parents[1]

_turn: Dict[str, float] = defaultdict(float)
_calls: Dict[str, int] = defaultdict(int)
_phase: List[str] = ["other"]
_payload_bytes: List[int] = []


def _record(key: str, seconds: float) -> None:
    _turn[key] += seconds
    _calls[key] += 1


def _wrap(cls, name: str, key: Callable, phase: str = "") -> None:
    original = getattr(cls, name)
    if asyncio.iscoroutinefunction(original):
        @functools.wraps(original)
        async def wrapper(self, *args, **kwargs):
            if phase:
                _phase.append(phase)
            start = time.perf_counter()
            try:
                return await original(self, *args, **kwargs)
            finally:
                _record(key(self), time.perf_counter() - start)
                if phase:
                    _phase.pop()
    else:
        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):
            if phase:
                _phase.append(phase)
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                _record(key(self), time.perf_counter() - start)
                if phase:
                    _phase.pop()
    setattr(cls, name, wrapper)


def instrument() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.engine.graph import GraphNode
    from rasa.utils.endpoints import EndpointConfig

    _wrap(MessageProcessor, "handle_message", lambda s: "total")
    _wrap(MessageProcessor, "parse_message", lambda s: "nlu", phase="nlu")
    _wrap(MessageProcessor, "_predict_next_with_tracker", lambda s: "policies", phase="policies")
    _wrap(GraphNode, "__call__", lambda s: f"node:{_phase[-1]}:{s._node_name}")
    _wrap(RemoteAction, "run", lambda s: "action_server", phase="action_server")
    _wrap(RemoteAction, "_action_call_format", lambda s: "action_payload")
    _wrap(SQLTrackerStore, "retrieve", lambda s: "store_retrieve")
    _wrap(SQLTrackerStore, "save", lambda s: "store_save")

    original_request = EndpointConfig.request

    @functools.wraps(original_request)
    async def request(self, *args, **kwargs):
        if "json" in kwargs:
            _payload_bytes.append(len(json.dumps(kwargs["json"])))
        start = time.perf_counter()
        try:
            return await original_request(self, *args, **kwargs)
        finally:
            _record("action_http", time.perf_counter() - start)

    EndpointConfig.request = request


def _label(node: str) -> str:
    name = node.split(":", 2)[2]
    name = name.replace("run_", "").replace("bot.nlu_component.", "")
    return name.rstrip("0123456789") if name[-1:].isdigit() else name


def breakdown(turns: List[Dict[str, float]], calls: List[Dict[str, int]]) -> List[Dict]:
    def row(part: str, key: str, indent: int = 0) -> Dict:
        values = [t.get(key, 0.0) * 1000 for t in turns]
        return {"part": ("&nbsp;&nbsp;" * indent + "- " if indent else "") + part, "key": key,
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
        row("tracker store: retrieve (SQLite)", "store_retrieve"),
        row("tracker store: save (SQLite, commit)", "store_save"),
    ]
    accounted = ("nlu", "policies", "action_server", "store_retrieve", "store_save")
    rest = [max(0.0, t.get("total", 0) - sum(t.get(k, 0) for k in accounted)) * 1000 for t in turns]
    rows.append({"part": "rest (processor, events, responses, lock, session)", "key": "rest",
                 "median_ms": round(statistics.median(rest), 2), "mean_ms": round(statistics.mean(rest), 2),
                 "calls": 0.0})
    return rows


async def play(model: Path, endpoints_file: Path, messages: int, warmup: int) -> Dict:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    from bench.load import PatientInterview, screening_questions

    start = time.perf_counter()
    agent = await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints_file)))
    load_s = time.perf_counter() - start
    instrument()
    screening = screening_questions()
    turns, calls, texts = [], [], []
    conversation = 0
    while len(turns) < messages:
        script = PatientInterview(random.Random(conversation), screening)
        sender, reply = f"profile-{conversation}", None
        while len(turns) < messages:
            text = script.next_message(reply)
            if text is None:
                break
            channel = CollectingOutputChannel()
            _turn.clear()
            _calls.clear()
            await agent.handle_message(UserMessage(text, channel, sender))
            reply = channel.messages
            if warmup > 0:
                warmup -= 1
                continue
            turns.append(dict(_turn))
            calls.append(dict(_calls))
            texts.append(text)
        conversation += 1
    return {
        "model_load_s": round(load_s, 1),
        "messages": len(turns),
        "breakdown": breakdown(turns, calls),
        "action_payload_kb_mean": round(statistics.mean(_payload_bytes) / 1024, 1) if _payload_bytes else None,
        "per_message_total_ms": [round(t.get("total", 0) * 1000, 1) for t in turns],
        "texts": texts,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "knee.tar.gz")
    parser.add_argument("--action-url", help="a running action server's webhook URL (else one is started)")
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=10, help="messages played first and not timed")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workdir", type=Path, help="folder for the SQLite tracker store (default: temporary)")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="knee-profile-"))
    workdir.mkdir(parents=True, exist_ok=True)
    actions = None
    try:
        action_url = args.action_url
        if not action_url:
            sys.path.insert(0, str(ROOT))
            from bench.run import bench_env, free_port, wait_http

            port = free_port()
            actions = subprocess.Popen(
                [str(Path(sys.executable).parent / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
                cwd=ROOT, env=bench_env(), stdout=(workdir / "actions.log").open("wb"), stderr=subprocess.STDOUT,
                start_new_session=True)
            actions.logfile = workdir / "actions.log"
            wait_http(f"http://127.0.0.1:{port}/health", actions)
            action_url = f"http://127.0.0.1:{port}/webhook"
        endpoints = workdir / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "{action_url}"\n'
                             f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n")
        result = asyncio.run(play(args.model, endpoints, args.messages, args.warmup))
    finally:
        if actions is not None:
            os.killpg(actions.pid, signal.SIGTERM)
            actions.wait(timeout=20)
    print(f"model load {result['model_load_s']} s; {result['messages']} messages timed; "
          f"mean action payload {result['action_payload_kb_mean']} kB")
    print(f"{'part':<60}{'median ms':>10}{'mean ms':>9}{'calls':>7}")
    for row in result["breakdown"]:
        print(f"{row['part'].replace('&nbsp;', ' '):<60}{row['median_ms']:>10.1f}{row['mean_ms']:>9.1f}{row['calls']:>7.1f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
