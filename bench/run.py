"""Benchmark our bot side by side with a stock `rasa init` bot, on this machine, in one run.

    python -m bench.run [--quick] [--write-doc] [--keep-tmp] ...

Per bot: training time, cold start (process start to the first REST answer),
RSS after load (Rasa server; ours also the action server, reported apart),
per-message latency of sequential conversations, and throughput + p50/p95 at
1, 10 and 50 concurrent conversations over the REST channel (bench/load.py,
in this process, which is not a server process). Then the accuracy of our
NLU on the development set and, for ours, where the time of one message goes
(bench/profile_turn.py).

Our bot runs as `make run` does: the action server and `rasa run` with the
project's credentials.yml and a SQLite tracker store (in a temporary folder).
The stock bot is created with `rasa init --no-prompt` in a temporary folder
(that trains it: its training time is the time of `rasa init`, scaffold
included, which takes milliseconds) and runs with the settings `rasa init`
wrote (in-memory tracker store, no action server). Both trainings start from
an empty Rasa cache (RASA_CACHE_DIRECTORY in the temporary folder).

Writes bench/out/bench.json, bench/out/report.md and
bench/out/latency_vs_concurrency.png; --write-doc also puts the report into
BENCHMARKS.md between its bench:report markers. Every process it starts runs
in its own process group and is stopped (TERM, then KILL) on exit, Ctrl-C,
TERM or failure.
"""
from __future__ import annotations

import argparse
import asyncio
import ctypes
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from bench import load
from tests.servers import free_port, test_env

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "rasa").exists() else Path(sys.executable).parent
OUT = ROOT / "bench" / "out"
MODEL = ROOT / "models" / "knee.tar.gz"
DOC = ROOT / "BENCHMARKS.md"
DOC_START, DOC_END = "<!-- bench:report:start -->", "<!-- bench:report:end -->"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ------------------------------------------------------------------ processes
def bench_env(**extra: str) -> Dict[str, str]:
    """The test servers' environment (tests/servers.py), quieter, with no display."""
    return test_env(PYTHONWARNINGS="ignore", MPLBACKEND="Agg", **extra)


def _die_with_parent() -> None:  # runs in the child before exec (Linux only)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Processes:
    """Every child runs in its own session/process group; stop_all() ends them all."""

    def __init__(self) -> None:
        self.procs: List[subprocess.Popen] = []

    def start(self, cmd: List[str], cwd: Path, logfile: Path, env: Dict[str, str]) -> subprocess.Popen:
        out = logfile.open("wb")
        try:
            proc = subprocess.Popen(
                [str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        finally:
            out.close()
        proc.logfile = logfile  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def stop(self, proc: Optional[subprocess.Popen], timeout: float = 20) -> None:
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        try:  # the group may hold children that outlived the leader
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in list(reversed(self.procs)):
            self.stop(proc, timeout=10)

    def run(self, cmd: List[str], cwd: Path, logfile: Path, env: Dict[str, str], timeout: float) -> float:
        """Run to completion; seconds taken. Raises with the log's tail on failure."""
        start = time.monotonic()
        proc = self.start(cmd, cwd, logfile, env)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(proc)
            raise RuntimeError(f"{' '.join(map(str, cmd[:3]))} took longer than {timeout:.0f} s (log: {logfile})")
        seconds = time.monotonic() - start
        self.stop(proc)
        if code != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd[:3]))} failed with {code}:\n{tail(logfile)}")
        return seconds


def tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    keep = [line for line in text.splitlines() if not re.search(r"warning|deprecat|^\s*$", line, re.I)]
    return "\n".join(keep[-lines:])


def _proc_table() -> Dict[int, int]:
    """pid -> parent pid, for every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                table[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return table


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_kb(pid: int, field: str = "VmRSS") -> int:
    """Sum of `field` (VmRSS, VmHWM) over pid and all its descendants, in kB."""
    table = _proc_table()
    pids, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in table.items():
            if ppid == parent and child not in pids:
                pids.add(child)
                frontier.append(child)
    return sum(_status_kb(p, field) for p in pids)


def mb(kb: int) -> float:
    return round(kb / 1024, 1)


def post(url: str, sender: str, text: str, timeout: float = 60) -> list:
    req = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def wait_first_answer(url: str, procs: List[subprocess.Popen], t0: float, timeout: float = 300,
                      ready_url: Optional[str] = None) -> float:
    """Seconds from t0 to the first non-empty REST answer to "hi" (asked once ready_url answers)."""
    while time.monotonic() - t0 < timeout:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a server exited with {proc.returncode} during start-up:\n{tail(proc.logfile)}")
        try:
            if ready_url:
                urllib.request.urlopen(ready_url, timeout=2)
                ready_url = None
            if post(url, "bench-cold-start", "hi"):
                return time.monotonic() - t0
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")


# ------------------------------------------------------------------ phases
def train_stock(p: Processes, tmp: Path, reuse: Optional[Path]) -> Dict:
    if reuse:
        models = sorted((reuse / "models").glob("*.tar.gz"))
        if not models:
            raise SystemExit(f"--stock-dir {reuse}: no model in models/")
        log(f"stock: reusing {reuse} (no training measured)")
        return {"dir": reuse, "model": models[-1], "train_s": None, "train_how": f"not measured (--stock-dir {reuse})"}
    stock = tmp / "stock"
    stock.mkdir()  # `rasa init --no-prompt` wants the folder to exist
    log("stock: rasa init --no-prompt (scaffold + training, empty cache) ...")
    seconds = p.run([BIN / "rasa", "init", "--no-prompt", "--init-dir", stock], cwd=tmp, logfile=tmp / "stock-init.log",
                    env=bench_env(RASA_CACHE_DIRECTORY=str(tmp / "cache-stock")), timeout=1200)
    models = sorted((stock / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model:\n{tail(tmp / 'stock-init.log')}")
    log(f"stock: trained in {seconds:.0f} s")
    return {"dir": stock, "model": models[-1], "train_s": round(seconds, 1),
            "train_how": "`rasa init --no-prompt` (scaffold + full training), empty Rasa cache"}


def train_log_seconds() -> Optional[float]:
    """Wall time of the last `make train`, from the first and last timestamps of models/train.log."""
    path = ROOT / "models" / "train.log"
    try:
        stamps = re.findall(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ", path.read_text(errors="replace"))
    except OSError:
        return None
    if len(stamps) < 2:
        return None
    first, last = (datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S") for s in (stamps[0], stamps[-1]))
    return (last - first).total_seconds()


def train_ours(p: Processes, tmp: Path, how: str) -> Dict:
    if how == "log":
        seconds = train_log_seconds()
        return {"train_s": seconds, "train_how": "models/train.log timestamps (last `make train`; "
                "components restored from Rasa's cache are not retrained, so this can be an underestimate)"}
    log("ours: rasa train --force (empty cache, temporary output) ...")
    seconds = p.run(
        [BIN / "rasa", "train", "--force", "--fixed-model-name", "knee-bench", "--out", tmp / "ours-model",
         "--config", "config.yml", "--domain", "domain.yml", "--data", "data"],
        cwd=ROOT, logfile=tmp / "ours-train.log", env=bench_env(RASA_CACHE_DIRECTORY=str(tmp / "cache-ours")),
        timeout=1800)
    log(f"ours: trained in {seconds:.0f} s")
    return {"train_s": round(seconds, 1), "train_how": "`rasa train --force` (full training), empty Rasa cache"}


# `rasa ...` with a Python file executed first (--ours-preload, to measure a proposal).
PRELOAD_BOOT = ("import runpy, sys; runpy.run_path(sys.argv.pop(1)); "
                "from adapters.server import main; sys.exit(main())")


def rasa_cmd(preload: Optional[Path]) -> List:
    return [BIN / "python", "-c", PRELOAD_BOOT, preload.resolve()] if preload else [BIN / "python", "-m", "adapters.server"]


def start_ours(p: Processes, tmp: Path, preload: Optional[Path] = None, tracker_store: str = "sql") -> Dict:
    work = tmp / "ours"
    work.mkdir(exist_ok=True)
    aport, port = free_port(), free_port()
    endpoints = work / "endpoints.yml"
    store = (f"tracker_store:\n  type: adapters.stores.tracker_store.KneeSQLTrackerStore\n  dialect: sqlite\n  db: {work / 'tracker.db'}\n"
             if tracker_store == "sql" else "")  # no tracker_store: Rasa's in-memory store
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{aport}/webhook"\n{store}')
    t0 = time.monotonic()
    actions = p.start([BIN / "rasa", "run", "actions", "--actions", "actions", "--port", str(aport)],
                      cwd=ROOT, logfile=work / "actions.log", env=bench_env())
    rasa = p.start([*rasa_cmd(preload), "run", "-m", MODEL, "-i", "127.0.0.1", "-p", str(port), "--enable-api",
                    "--credentials", "credentials.yml", "--endpoints", endpoints,
                    "--cors", f"http://localhost:{port}"],
                   cwd=ROOT, logfile=work / "rasa.log", env=bench_env())
    url = f"http://127.0.0.1:{port}"
    cold = wait_first_answer(url, [actions, rasa], t0, ready_url=f"http://127.0.0.1:{aport}/health")
    return {"url": url, "cold_s": cold, "rasa": rasa, "actions": actions, "action_url": f"http://127.0.0.1:{aport}/webhook",
            "endpoints": endpoints}


def start_stock(p: Processes, stock: Dict) -> Dict:
    port = free_port()
    t0 = time.monotonic()
    rasa = p.start([BIN / "rasa", "run", "-m", stock["model"], "-i", "127.0.0.1", "-p", str(port), "--enable-api",
                    "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
                   cwd=stock["dir"], logfile=stock["dir"] / "bench-rasa.log", env=bench_env())
    url = f"http://127.0.0.1:{port}"
    cold = wait_first_answer(url, [rasa], t0)
    return {"url": url, "cold_s": cold, "rasa": rasa, "actions": None}


def measure(bot: str, server: Dict, args) -> Dict:
    """RSS after load, sequential latency, then the concurrency levels."""
    rss = {"rasa": tree_kb(server["rasa"].pid)}
    if server["actions"]:
        rss["actions"] = tree_kb(server["actions"].pid)
    result = {
        "cold_start_s": round(server["cold_s"], 2),
        "rss_after_load_mb": {k: mb(v) for k, v in rss.items()},
    }
    result["rss_after_load_mb"]["total"] = mb(sum(rss.values()))
    log(f"{bot}: cold start {server['cold_s']:.1f} s, RSS after load {result['rss_after_load_mb']}")

    asyncio.run(load.sequential(server["url"], bot, args.warmup_messages, seed=99, tag="warmup"))
    run = asyncio.run(load.sequential(server["url"], bot, args.messages, seed=1))
    result["sequential"] = load.summary(run)
    result["sequential_transcript"] = run.transcript
    log(f"{bot}: one conversation at a time: {result['sequential']}")

    result["levels"] = {}
    for level in args.levels:
        run = asyncio.run(load.concurrent(server["url"], bot, level, args.duration))
        result["levels"][str(level)] = load.summary(run)
        log(f"{bot}: {level} concurrent: {result['levels'][str(level)]}")

    after = {"rasa": tree_kb(server["rasa"].pid)}
    peak = {"rasa": _status_kb(server["rasa"].pid, "VmHWM")}
    if server["actions"]:
        after["actions"] = tree_kb(server["actions"].pid)
        peak["actions"] = _status_kb(server["actions"].pid, "VmHWM")
    result["rss_after_load_tests_mb"] = {**{k: mb(v) for k, v in after.items()}, "total": mb(sum(after.values()))}
    result["rss_peak_mb"] = {**{k: mb(v) for k, v in peak.items()}, "total": mb(sum(peak.values()))}
    return result


def profile_ours(p: Processes, tmp: Path, action_url: str, messages: int, preload: Optional[Path],
                 tracker_store: str) -> Optional[Dict]:
    out = tmp / "profile.json"
    log(f"ours: profiling {messages} messages in process (bench/profile_turn.py) ...")
    try:
        p.run([BIN / "python", "-m", "bench.profile_turn", "--model", MODEL, "--action-url", action_url,
               "--messages", str(messages), "--json", out, "--workdir", tmp / "profile",
               "--tracker-store", tracker_store,
               *(["--preload", preload.resolve()] if preload else [])],
              cwd=ROOT, logfile=tmp / "profile.log", env=bench_env(), timeout=600)
        return json.loads(out.read_text())
    except (RuntimeError, OSError, ValueError) as e:
        log(f"profile failed (the benchmark goes on): {e}")
        return None


def accuracy(p: Processes, tmp: Path) -> Dict:
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


# ------------------------------------------------------------------ report
def _fmt(value, digits=1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ratio(ours, stock) -> str:
    if ours is None or stock in (None, 0):
        return "n/a"
    return f"{ours / stock:.2f}x"


def rows(data: Dict) -> List[tuple]:
    o, s = data["ours"], data["stock"]
    table = [
        ("Training time (s)", o.get("train_s"), s.get("train_s")),
        ("Cold start: process start to first REST answer (s)", o["cold_start_s"], s["cold_start_s"]),
        ("RSS after load: Rasa server (MB)", o["rss_after_load_mb"]["rasa"], s["rss_after_load_mb"]["rasa"]),
        ("RSS after load: action server (MB)", o["rss_after_load_mb"].get("actions"), None),
        ("RSS after load: total (MB)", o["rss_after_load_mb"]["total"], s["rss_after_load_mb"]["total"]),
        ("RSS after the load tests: total (MB)", o["rss_after_load_tests_mb"]["total"], s["rss_after_load_tests_mb"]["total"]),
        ("One conversation at a time: p50 (ms)", o["sequential"]["p50_ms"], s["sequential"]["p50_ms"]),
        ("One conversation at a time: p95 (ms)", o["sequential"]["p95_ms"], s["sequential"]["p95_ms"]),
    ]
    for level in o["levels"]:
        lo, ls = o["levels"][level], s["levels"].get(level, {})
        table += [
            (f"{level} concurrent: throughput (msg/s)", lo["throughput_msg_s"], ls.get("throughput_msg_s")),
            (f"{level} concurrent: p50 (ms)", lo["p50_ms"], ls.get("p50_ms")),
            (f"{level} concurrent: p95 (ms)", lo["p95_ms"], ls.get("p95_ms")),
        ]
    errors = lambda d: d["sequential"]["errors"] + sum(v["errors"] for v in d["levels"].values())  # noqa: E731
    table.append(("Failed requests (all runs)", errors(o), errors(s)))
    return table


def targets(data: Dict) -> List[tuple]:
    """(target, ratio, met) for the issue's targets."""
    o, s = data["ours"], data["stock"]
    level = "10" if "10" in o["levels"] else sorted(o["levels"], key=int)[len(o["levels"]) // 2]
    checks = [
        (f"throughput at {level} concurrent >= 1.0x stock", o["levels"][level]["throughput_msg_s"],
         s["levels"][level]["throughput_msg_s"], lambda r: r >= 1.0),
        (f"p95 at {level} concurrent <= 1.0x stock", o["levels"][level]["p95_ms"], s["levels"][level]["p95_ms"],
         lambda r: r <= 1.0),
        ("p95 one conversation at a time <= 1.0x stock", o["sequential"]["p95_ms"], s["sequential"]["p95_ms"],
         lambda r: r <= 1.0),
        ("RSS after load, Rasa server <= 1.0x stock", o["rss_after_load_mb"]["rasa"], s["rss_after_load_mb"]["rasa"],
         lambda r: r <= 1.0),
        ("RSS after load, Rasa + action server <= 1.0x stock", o["rss_after_load_mb"]["total"],
         s["rss_after_load_mb"]["total"], lambda r: r <= 1.0),
        ("cold start <= 1.0x stock", o["cold_start_s"], s["cold_start_s"], lambda r: r <= 1.0),
    ]
    out = []
    for name, ours, stock, ok in checks:
        if ours is None or not stock:
            out.append((name, "n/a", "n/a"))
        else:
            out.append((name, f"{ours / stock:.2f}x", "met" if ok(ours / stock) else "MISSED"))
    return out


def profile_md(profile: Optional[Dict], rest_p50: Optional[float] = None) -> List[str]:
    if not profile:
        return ["(profile not run: `python -m bench.run` without --quick runs it)"]
    preload = f", with {profile['preload']} loaded" if profile.get("preload") else ""
    lines = [
        f"In process, {profile['messages']} messages of patient interviews after a warm-up, "
        f"{profile.get('tracker_store', 'sql')} tracker store{preload}; per user message "
        f"(`bench/profile_turn.py`, timers around Rasa's steps; REST and Sanic not included):",
        "",
        "| part of one message | median ms | mean ms | calls per message |",
        "|---|---:|---:|---:|",
    ]
    for row in profile["breakdown"]:
        calls = f"{row['calls']:.1f}" if row["calls"] else ""
        lines.append(f"| {row['part']} | {row['median_ms']:.1f} | {row['mean_ms']:.1f} | {calls} |")
    total = next((r["median_ms"] for r in profile["breakdown"] if r["key"] == "total"), None)
    lines.append("")
    if rest_p50 is not None and total is not None:
        lines.append(f"For comparison, over REST the p50 was {rest_p50:.0f} ms (one conversation at a time, "
                     f"measured earlier in the run, so the machine's load may differ).")
    calls = profile.get("remote_actions_per_message") or {}
    if calls:
        lines.append("Action server calls per user message: " + ", ".join(f"{k} {v}" for k, v in calls.items())
                     + f"; each sends the whole tracker (mean {profile.get('action_payload_kb_mean')} kB of JSON).")
    return lines


def qta_medians(qta: Optional[Dict]) -> List[tuple]:
    """(label, value) from results/questions_to_assessment.json (either of its formats)."""
    if not qta:
        return [("questions to assessment, median (conversation tests)", "n/a (run make test-conversations)")]
    out = []
    if "median" in qta:
        out.append(("questions to assessment, median (conversation tests)", qta["median"]))
    if "median_all" in qta:
        out.append(("questions to assessment, median over all conversation tests", qta["median_all"]))
    if "median_complete_routine" in qta:
        out.append(("questions to assessment, median over complete routine interviews",
                    qta["median_complete_routine"]))
    return out or [("questions to assessment", "n/a (unknown format)")]


def qta_rows(qta: Optional[Dict]) -> List[str]:
    return [f"| {label} | {_fmt(value)} |" for label, value in qta_medians(qta)]


def report_md(data: Dict) -> str:
    o, s, env = data["ours"], data["stock"], data["environment"]
    lines = [
        f"Run {env['date']} on {env['cpus']} CPUs ({env['machine']}), load average {env['loadavg_start']} at the "
        f"start and {env['loadavg_end']} at the end, Python {env['python']}, Rasa {env['rasa']}, commit "
        f"{env['commit']}{' (+ uncommitted changes)' if env['dirty'] else ''}; mode: {data['mode']}; "
        f"{data['settings']['duration_s']:.0f} s per concurrency level, "
        f"{data['settings']['messages']} sequential messages; the whole run took {data['total_s']:.0f} s.",
        "",
        "| metric | ours | stock | ratio (ours/stock) |",
        "|---|---:|---:|---:|",
    ]
    for name, ours, stock in rows(data):
        lines.append(f"| {name} | {_fmt(ours)} | {_fmt(stock)} | {_ratio(ours, stock)} |")
    lines += ["", f"Training: ours {o['train_how']}; stock {s['train_how']}.", "",
              "| target (issue) | ratio | |", "|---|---:|---|"]
    for name, ratio, met in targets(data):
        lines.append(f"| {name} | {ratio} | {met} |")
    acc = data["accuracy"]
    nlu = acc.get("nlu_dev") or {}
    qta = acc.get("questions_to_assessment") or {}
    lines += [
        "",
        "Accuracy (ours; the stock bot has no comparable task):",
        "",
        "| metric | ours |",
        "|---|---:|",
        f"| development NLU set: examples | {_fmt(nlu.get('examples'))} |",
        f"| development NLU set: micro-F1 | {_fmt(nlu.get('micro_f1'), 3)} |",
        f"| emergency red-flag recall | {_fmt(nlu.get('emergency_red_flag_recall'), 3)} |",
        f"| emergency false alarm rate | {_fmt(nlu.get('emergency_false_alarm_rate'), 3)} |",
        f"| urgent red-flag recall | {_fmt(nlu.get('urgent_red_flag_recall'), 3)} |",
        f"| triage accuracy | {_fmt(nlu.get('triage_accuracy'), 3)} |",
        *qta_rows(qta),
        "",
        "Where the time of one message goes (ours):",
        "",
        *profile_md(data.get("profile"), o["sequential"]["p50_ms"]),
    ]
    return "\n".join(lines) + "\n"


def table_text(data: Dict) -> str:
    body = [(n, _fmt(o), _fmt(s), _ratio(o, s)) for n, o, s in rows(data)]
    head = ("metric", "ours", "stock", "ratio (ours/stock)")
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(4)]
    line = lambda r: "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))  # noqa: E731
    out = [line(head), "  ".join("-" * w for w in widths), *map(line, body), ""]
    for name, ratio, met in targets(data):
        out.append(f"target: {name}: {ratio} {met}")
    nlu = (data["accuracy"].get("nlu_dev") or {})
    qta = data["accuracy"].get("questions_to_assessment") or {}
    out.append(f"accuracy: micro-F1 {_fmt(nlu.get('micro_f1'), 3)}, emergency red-flag recall "
               f"{_fmt(nlu.get('emergency_red_flag_recall'), 3)}, emergency false alarm rate "
               f"{_fmt(nlu.get('emergency_false_alarm_rate'), 3)}")
    for label, value in qta_medians(qta):
        out.append(f"accuracy: {label}: {_fmt(value)}")
    return "\n".join(out)


def plot(data: Dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for bot, color in (("ours", "tab:blue"), ("stock", "tab:orange")):
        levels = sorted(data[bot]["levels"], key=int)
        x = [int(level) for level in levels]
        for q, style in (("p50_ms", "-o"), ("p95_ms", "--s")):
            ax.plot(x, [data[bot]["levels"][level][q] for level in levels], style, color=color,
                    label=f"{bot} {q[:3]}")
        ax2.plot(x, [data[bot]["levels"][level]["throughput_msg_s"] for level in levels], "-o", color=color, label=bot)
    for a, title, ylabel in ((ax, "Latency per message (REST)", "ms"), (ax2, "Throughput", "messages / s")):
        a.set_xscale("log")
        a.set_xticks(sorted({int(v) for bot in ("ours", "stock") for v in data[bot]["levels"]}))
        a.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        a.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        a.set_xlabel("concurrent conversations")
        a.set_ylabel(ylabel)
        a.set_title(title)
        a.grid(True, alpha=0.3)
        a.legend()
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}" if str(v)[0] in "25" else ""))
    ax2.set_ylim(bottom=0)
    fig.suptitle(f"knee bot vs stock rasa init bot, {data['environment']['cpus']} CPUs, {data['environment']['date']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_doc(report: str) -> None:
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{DOC_START}\n{DOC_END}\n"
    if DOC_START not in text or DOC_END not in text:
        raise SystemExit(f"{DOC} has no {DOC_START} ... {DOC_END} markers")
    before, rest = text.split(DOC_START, 1)
    after = rest.split(DOC_END, 1)[1]
    DOC.write_text(f"{before}{DOC_START}\n{report}{DOC_END}{after}")


def environment() -> Dict:
    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    try:
        rasa_version = subprocess.run([BIN / "python", "-c", "import rasa; print(rasa.__version__)"],
                                      capture_output=True, text=True, timeout=120, env=bench_env()).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rasa_version = "?"
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "rasa": rasa_version,
        "commit": git("rev-parse", "--short", "HEAD") or "?",
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "loadavg_start": " ".join(f"{v:.2f}" for v in os.getloadavg()),
    }


# ------------------------------------------------------------------ main
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: levels 1,2 for 4 s, 8 sequential messages, our training time from "
                             "models/train.log, no profile")
    parser.add_argument("--levels", help="concurrency levels, comma-separated (default 1,10,50)")
    parser.add_argument("--duration", type=float, help="seconds per concurrency level (default 25)")
    parser.add_argument("--messages", type=int, help="sequential messages measured (default 60)")
    parser.add_argument("--train-ours", choices=("force", "log"), help="force: time `rasa train --force` (default); "
                        "log: take the time of the last `make train` from models/train.log")
    parser.add_argument("--stock-dir", type=Path, help="reuse a stock bot made by `rasa init` (skips its training)")
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
    if args.profile_messages is None:
        args.profile_messages = 0 if quick else 40
    return args


def main(argv=None) -> int:
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
                               "warmup_messages": args.warmup_messages,
                               "ours_preload": str(args.ours_preload) if args.ours_preload else None,
                               "ours_tracker_store": args.ours_tracker_store}}
    log(f"temporary folder {tmp}; levels {args.levels}, {args.duration:.0f} s each")
    try:
        stock = None
        if args.only != "ours":
            stock = train_stock(p, tmp, args.stock_dir)
        ours_train = train_ours(p, tmp, args.train_ours) if args.only != "stock" else {}

        if args.only != "stock":
            log(f"ours: starting the action server and rasa run "
                f"({'SQLite' if args.ours_tracker_store == 'sql' else 'in-memory'} tracker store) ...")
            server = start_ours(p, tmp, args.ours_preload, args.ours_tracker_store)
            data["ours"] = {**ours_train, **measure("ours", server, args)}
            p.stop(server["rasa"])
            if args.profile_messages:
                data["profile"] = profile_ours(p, tmp, server["action_url"], args.profile_messages,
                                               args.ours_preload, args.ours_tracker_store)
            p.stop(server["actions"])

        if stock is not None:
            log("stock: starting rasa run ...")
            server = start_stock(p, stock)
            data["stock"] = {"train_s": stock["train_s"], "train_how": stock["train_how"],
                             **measure("stock", server, args)}
            p.stop(server["rasa"])

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

    data["environment"]["loadavg_end"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
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
