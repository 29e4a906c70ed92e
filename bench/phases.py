"""What the benchmark measures on a running bot, in order: RSS after load, a warm-up,
one conversation at a time, long conversations, the concurrency levels, RSS again;
and the accuracy of our NLU (bot.eval_nlu on the development set)."""
from __future__ import annotations

import asyncio
import json
import statistics
from pathlib import Path
from typing import Dict, List

from bench import load
from bench.memory import mb, status_kb, tree_kb
from bench.paths import BIN, ROOT
from bench.processes import Processes, bench_env, log


def rss_mb(server: Dict, field: str = "VmRSS") -> Dict[str, float]:
    """Memory of the Rasa server (and our action server), each and in total, in MB."""
    measure = tree_kb if field == "VmRSS" else status_kb
    kb = {"rasa": measure(server["rasa"].pid, field)}
    if server["actions"]:
        kb["actions"] = measure(server["actions"].pid, field)
    return {**{k: mb(v) for k, v in kb.items()}, "total": mb(sum(kb.values()))}


def long_conversations(url: str, bot: str, messages: int, runs: int) -> Dict:
    """`runs` conversations of `messages` messages each, one message at a time
    (bench/load.py LONG_SCRIPTS, a different seed each); mean latency per block of 20."""
    per_run: List[List[float]] = []
    transcript: List[dict] = []
    errors = 0
    for seed in range(runs):
        run = asyncio.run(load.long_conversation(url, bot, messages, seed=seed, tag=f"long-{bot}"))
        per_run.append(load.blocks(run))
        errors += sum(not s.ok for s in run.samples)
        transcript = transcript or run.transcript
    columns = list(zip(*per_run))
    return {
        "messages": messages,
        "runs": per_run,
        "block_mean_ms": [round(statistics.mean(c), 1) for c in columns],
        "block_min_ms": [min(c) for c in columns],
        "block_max_ms": [max(c) for c in columns],
        "errors": errors,
        "transcript": transcript,
    }


def measure(bot: str, server: Dict, args) -> Dict:
    """RSS after load, sequential latency, long conversations, the concurrency levels, RSS."""
    result = {"cold_start_s": round(server["cold_s"], 2), "rss_after_load_mb": rss_mb(server)}
    log(f"{bot}: cold start {server['cold_s']:.1f} s, RSS after load {result['rss_after_load_mb']}")

    asyncio.run(load.sequential(server["url"], bot, args.warmup_messages, seed=99, tag="warmup"))
    run = asyncio.run(load.sequential(server["url"], bot, args.messages, seed=1))
    result["sequential"] = load.summary(run)
    result["sequential_transcript"] = run.transcript
    log(f"{bot}: one conversation at a time: {result['sequential']}")

    if args.long_messages:
        result["long"] = long_conversations(server["url"], bot, args.long_messages, args.long_runs)
        log(f"{bot}: {args.long_runs} conversation(s) of {args.long_messages} messages, mean ms per block of 20: "
            f"{result['long']['block_mean_ms']}")

    result["levels"] = {}
    for level in args.levels:
        run = asyncio.run(load.concurrent(server["url"], bot, level, args.duration))
        result["levels"][str(level)] = load.summary(run)
        log(f"{bot}: {level} concurrent: {result['levels'][str(level)]}")

    result["rss_after_load_tests_mb"] = rss_mb(server)
    result["rss_peak_mb"] = rss_mb(server, "VmHWM")
    return result


def accuracy(p: Processes, tmp: Path) -> Dict:
    """Our NLU on tests/nlu_eval/dev.yml, and the questions-to-assessment medians that
    the conversation tests wrote to results/ (when they ran)."""
    result: Dict = {}
    out = tmp / "nlu_eval.json"
    try:
        p.run([BIN / "python", "-m", "bot.eval_nlu", "tests/nlu_eval/dev.yml", "--json", out],
              cwd=ROOT, logfile=tmp / "eval_nlu.log", env=bench_env(), timeout=600)
        result["nlu_dev"] = json.loads(out.read_text())
    except (RuntimeError, OSError, ValueError) as e:
        log(f"eval_nlu failed: {e}")
        result["nlu_dev"] = None
    qta = ROOT / "results" / "questions_to_assessment.json"
    try:
        result["questions_to_assessment"] = json.loads(qta.read_text())
    except (OSError, ValueError):
        result["questions_to_assessment"] = None
    return result
