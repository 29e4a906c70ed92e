"""Benchmark our bot side by side with a stock `rasa init` bot, on this machine, in one run.

    python -m bench.run [--quick] [--write-doc] [--keep-tmp] ...

Per bot: training time, cold start (process start to the first REST answer, each
bot started alone), RSS after load (Rasa server; ours also the action server,
reported apart), per-message latency of sequential conversations, long
conversations (120 messages each, the mean per block of 20), and throughput +
p50/p95 at 1, 10 and 50 concurrent conversations over the REST channel
(bench/load.py, in this process, which is not a server process). Both bots stay up
and take turns within every phase (ours, stock, stock, ours), so that other work
on a shared machine weighs on both alike. Then the accuracy of our NLU on the
development set and, for ours, where the time of one message goes
(bench/profile_turn.py).

Our bot runs as `make run` does: the action server and `rasa run` with the
project's credentials.yml and endpoints.yml (its SQLite tracker store in a
temporary folder). The stock bot is created with `rasa init --no-prompt` in a
temporary folder (that trains it: its training time is the time of `rasa init`,
scaffold included, which takes milliseconds) and runs with the settings `rasa
init` wrote (in-memory tracker store, no action server). Both trainings start
from an empty Rasa cache (RASA_CACHE_DIRECTORY in the temporary folder).

Writes bench/out/bench.json, bench/out/report.md and
bench/out/latency_vs_concurrency.png; --write-doc also puts the report into
BENCHMARKS.md between its bench:report markers. Every process it starts runs
in its own process group and is stopped (TERM, then KILL) on exit, Ctrl-C,
TERM or failure.

The pieces: bench/processes.py (child processes), bench/memory.py (RSS),
bench/startup.py (cold start), bench/stock.py and bench/ours.py (each bot's
training and servers), bench/load.py (the REST load client), bench/phases.py
(what is measured, in order), bench/report.py, bench/plot.py and
bench/environment.py (the results).
"""
from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict

from bench.environment import environment, loadavg
from bench.ours import profile_ours, start_ours, train_ours
from bench.paths import DOC, MODEL, OUT
from bench.phases import accuracy, measure, rss_mb
from bench.plot import plot
from bench.processes import Processes, log
from bench.report import report_md, table_text, write_doc
from bench.stock import start_stock, train_stock


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: levels 1,2 for 4 s, 8 sequential messages, one long conversation of 40, "
                             "our training time from models/train.log, no profile")
    parser.add_argument("--levels", help="concurrency levels, comma-separated (default 1,10,50)")
    parser.add_argument("--duration", type=float, help="seconds per concurrency level (default 25)")
    parser.add_argument("--messages", type=int, help="sequential messages measured (default 60)")
    parser.add_argument("--train-ours", choices=("force", "log"), help="force: time `rasa train --force` (default); "
                        "log: take the time of the last `make train` from models/train.log")
    parser.add_argument("--stock-dir", type=Path, help="reuse a stock bot made by `rasa init` (skips its training)")
    parser.add_argument("--long-messages", type=int, help="messages per long conversation (default 120, 0 = none)")
    parser.add_argument("--long-runs", type=int, help="long conversations per bot (default 3)")
    parser.add_argument("--profile-messages", type=int, help="messages in the profile (default 40, 0 = no profile)")
    parser.add_argument("--only", choices=("ours", "stock"), help="measure one bot only (for development)")
    parser.add_argument("--ours-preload", type=Path, help="run this Python file in our Rasa server (and the profile) "
                        "before Rasa starts, to measure a proposal (e.g. a file that patches Rasa)")
    parser.add_argument("--ours-tracker-store", choices=("sql", "memory"), default="sql",
                        help="sql: SQLite as `make run` (default); memory: Rasa's in-memory store (to measure a proposal)")
    parser.add_argument("--write-doc", action="store_true", help="put the report into BENCHMARKS.md")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder (logs, stock bot)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    quick = args.quick
    args.levels = [int(v) for v in (args.levels or ("1,2" if quick else "1,10,50")).split(",")]
    args.duration = args.duration or (4.0 if quick else 25.0)
    args.messages = args.messages or (8 if quick else 60)
    args.warmup_messages = 3 if quick else 10
    args.train_ours = args.train_ours or ("log" if quick else "force")
    if args.long_messages is None:
        args.long_messages = 40 if quick else 120
    args.long_runs = args.long_runs or (1 if quick else 3)
    if args.profile_messages is None:
        args.profile_messages = 0 if quick else 40
    return args


def main(argv=None) -> int:
    """The whole benchmark (stock bot, our bot, accuracy, report); the exit status."""
    args = parse_args(argv)
    if not MODEL.exists():
        raise SystemExit(f"{MODEL} is missing: run `make train` first")
    started = time.monotonic()

    def terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, terminate)

    p = Processes()
    tmp = Path(tempfile.mkdtemp(prefix="knee-bench-"))
    data: Dict = {"mode": "quick" if args.quick else "full", "environment": environment(),
                  "settings": {"levels": args.levels, "duration_s": args.duration, "messages": args.messages,
                               "warmup_messages": args.warmup_messages, "long_messages": args.long_messages,
                               "long_runs": args.long_runs,
                               "ours_preload": str(args.ours_preload) if args.ours_preload else None,
                               "ours_tracker_store": args.ours_tracker_store}}
    log(f"temporary folder {tmp}; levels {args.levels}, {args.duration:.0f} s each")
    try:
        stock = train_stock(p, tmp, args.stock_dir) if args.only != "ours" else None
        ours_train = train_ours(p, tmp, args.train_ours) if args.only != "stock" else {}

        # Each bot starts alone (cold start, RSS after load); then both stay up and take
        # turns in every phase (bench/phases.py).
        servers: Dict[str, Dict] = {}
        if args.only != "stock":
            log(f"ours: starting the action server and rasa run "
                f"({'SQLite' if args.ours_tracker_store == 'sql' else 'in-memory'} tracker store) ...")
            servers["ours"] = start_ours(p, tmp, args.ours_preload, args.ours_tracker_store)
        if stock is not None:
            log("stock: starting rasa run ...")
            servers["stock"] = start_stock(p, stock)
        for bot, server in servers.items():
            server["rss_after_load_mb"] = rss_mb(server)
            log(f"{bot}: cold start {server['cold_s']:.1f} s, RSS after load {server['rss_after_load_mb']}")

        measured = measure(servers, args)
        if "ours" in servers:
            data["ours"] = {**ours_train, **measured["ours"]}
        if "stock" in servers:
            data["stock"] = {"train_s": stock["train_s"], "train_how": stock["train_how"], **measured["stock"]}
        for server in servers.values():
            p.stop(server["rasa"])
        if "ours" in servers:
            if args.profile_messages:
                data["profile"] = profile_ours(p, tmp, servers["ours"]["action_url"], args.profile_messages,
                                               args.long_messages, args.ours_preload, args.ours_tracker_store)
            p.stop(servers["ours"]["actions"])

        log("accuracy: bot.eval_nlu on tests/nlu_eval/dev.yml ...")
        data["accuracy"] = accuracy(p, tmp)
    except KeyboardInterrupt:
        log("interrupted: stopping every process the benchmark started")
        return 130
    finally:
        p.stop_all()
        if args.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    data["environment"]["loadavg_end"] = loadavg()
    data["total_s"] = round(time.monotonic() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(data, indent=2, default=str))
    if "ours" not in data or "stock" not in data:
        log(f"one bot only: wrote {args.out / 'bench.json'}")
        return 0
    report = report_md(data)
    (args.out / "report.md").write_text(report)
    plot(data, args.out / "latency_vs_concurrency.png")
    print()
    print(table_text(data))
    print()
    if args.write_doc:
        write_doc(report)
        log(f"updated {DOC}")
    log(f"wrote {args.out / 'bench.json'}, report.md, latency_vs_concurrency.png in {data['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
