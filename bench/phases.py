"""What the benchmark measures on the running bots, in order: a warm-up, one
conversation at a time, long conversations, the concurrency levels, RSS again (the
bots taking turns within each phase); and the accuracy of our NLU (bot.eval_nlu on
the development set)."""
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


def turns(bots: List[str], parts: int) -> List[List[str]]:
    """The order the bots take turns in, part by part: ours, stock, then stock, ours, ...
    (ABBA), so that a machine getting busier or quieter during a phase weighs on both."""
    return [list(bots) if part % 2 == 0 else list(reversed(bots)) for part in range(parts)]


def long_conversations(servers: Dict[str, Dict], messages: int, runs: int) -> Dict[str, Dict]:
    """`runs` conversations of `messages` messages per bot, one message at a time
    (bench/load.py LONG_SCRIPTS, a different seed each), the bots taking turns; the mean
    latency per block of 20."""
    per_run: Dict[str, List[List[float]]] = {bot: [] for bot in servers}
    transcripts: Dict[str, List[dict]] = {bot: [] for bot in servers}
    errors = {bot: 0 for bot in servers}
    for seed, order in enumerate(turns(list(servers), runs)):
        for bot in order:
            run = asyncio.run(load.long_conversation(servers[bot]["url"], bot, messages, seed=seed, tag=f"long-{bot}"))
            per_run[bot].append(load.blocks(run))
            errors[bot] += sum(not s.ok for s in run.samples)
            transcripts[bot] = transcripts[bot] or run.transcript
    out = {}
    for bot, runs_of_bot in per_run.items():
        columns = list(zip(*runs_of_bot))
        out[bot] = {
            "messages": messages,
            "runs": runs_of_bot,
            "block_mean_ms": [round(statistics.mean(c), 1) for c in columns],
            "block_min_ms": [min(c) for c in columns],
            "block_max_ms": [max(c) for c in columns],
            "errors": errors[bot],
            "transcript": transcripts[bot],
        }
    return out


def measure(servers: Dict[str, Dict], args) -> Dict[str, Dict]:
    """Every bot's servers are up (each started alone: cold start and RSS after load are
    in `servers`). Then, the bots taking turns within each phase: a warm-up, one
    conversation at a time, long conversations, each concurrency level; RSS again."""
    bots = list(servers)
    result: Dict[str, Dict] = {bot: {"cold_start_s": round(servers[bot]["cold_s"], 2),
                                     "rss_after_load_mb": servers[bot]["rss_after_load_mb"]} for bot in bots}
    for bot in bots:
        asyncio.run(load.sequential(servers[bot]["url"], bot, args.warmup_messages, seed=99, tag="warmup"))

    parts = 2  # each phase in two halves, ABBA
    sequential: Dict[str, list] = {bot: [] for bot in bots}
    for part, order in enumerate(turns(bots, parts)):
        for bot in order:
            sequential[bot].append(asyncio.run(load.sequential(
                servers[bot]["url"], bot, args.messages // parts, seed=1 + part, tag=f"seq{part}")))
    for bot in bots:
        result[bot]["sequential"] = load.summary(*sequential[bot])
        result[bot]["sequential_transcript"] = sequential[bot][0].transcript
        log(f"{bot}: one conversation at a time: {result[bot]['sequential']}")

    if args.long_messages:
        for bot, long in long_conversations(servers, args.long_messages, args.long_runs).items():
            result[bot]["long"] = long
            log(f"{bot}: {args.long_runs} conversation(s) of {args.long_messages} messages, mean ms per block "
                f"of 20: {long['block_mean_ms']}")

    for bot in bots:
        result[bot]["levels"] = {}
    for level in args.levels:
        runs: Dict[str, list] = {bot: [] for bot in bots}
        for part, order in enumerate(turns(bots, parts)):
            for bot in order:
                runs[bot].append(asyncio.run(load.concurrent(servers[bot]["url"], bot, level, args.duration / parts,
                                                             seed=2 + part)))
        for bot in bots:
            result[bot]["levels"][str(level)] = load.summary(*runs[bot])
            log(f"{bot}: {level} concurrent: {result[bot]['levels'][str(level)]}")

    for bot in bots:
        result[bot]["rss_after_load_tests_mb"] = rss_mb(servers[bot])
        result[bot]["rss_peak_mb"] = rss_mb(servers[bot], "VmHWM")
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
