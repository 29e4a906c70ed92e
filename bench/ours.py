"""Our bot as `make run` runs it: training time, the action server and the Rasa server
(through adapters.server, with the project's credentials.yml and endpoints.yml, its
SQLite tracker store in the benchmark's temporary folder), and the in-process profile
(bench/profile_turn.py)."""
from __future__ import annotations

import datetime
import json
import re
import time
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bench.paths import BIN, MODEL, ROOT
from bench.processes import Processes, bench_env, log
from bench.startup import wait_first_answer
from tests.servers import free_port

# `rasa ...` with a Python file executed first (--ours-preload, to measure a proposal).
PRELOAD_BOOT = ("import runpy, sys; runpy.run_path(sys.argv.pop(1)); "
                "from adapters.server import main; sys.exit(main())")


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
    """`rasa train --force` from an empty cache into tmp ("force"), or the last `make train` ("log")."""
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


def rasa_cmd(preload: Optional[Path]) -> List:
    """Our Rasa server's command: adapters.server, with a proposal file run first when given."""
    return [BIN / "python", "-c", PRELOAD_BOOT, preload.resolve()] if preload else [BIN / "python", "-m", "adapters.server"]


def endpoints_for(work: Path, action_url: str, tracker_store: str) -> Path:
    """The project's endpoints.yml with this run's action server and a SQLite file in
    `work` (tracker_store "sql"), or no tracker store: Rasa's in-memory one ("memory")."""
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    config["action_endpoint"] = {**(config.get("action_endpoint") or {}), "url": action_url}
    if tracker_store == "sql":
        config["tracker_store"] = {**(config.get("tracker_store") or {}), "db": str(work / "tracker.db")}
    else:
        config.pop("tracker_store", None)
    path = work / "endpoints.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def start_ours(p: Processes, tmp: Path, preload: Optional[Path] = None, tracker_store: str = "sql") -> Dict:
    """Start the action server and Rasa together; URLs, cold start and processes."""
    work = tmp / "ours"
    work.mkdir(exist_ok=True)
    aport, port = free_port(), free_port()
    endpoints = endpoints_for(work, f"http://127.0.0.1:{aport}/webhook", tracker_store)
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


def profile_ours(p: Processes, tmp: Path, action_url: str, messages: int, long: int, preload: Optional[Path],
                 tracker_store: str) -> Optional[Dict]:
    """bench/profile_turn.py in its own process: `messages` interview messages, then one
    conversation of `long` messages. None when it fails (the benchmark goes on)."""
    out = tmp / "profile.json"
    log(f"ours: profiling {messages} messages and one conversation of {long} in process (bench/profile_turn.py) ...")
    try:
        p.run([BIN / "python", "-m", "bench.profile_turn", "--model", MODEL, "--action-url", action_url,
               "--messages", str(messages), "--long", str(long), "--json", out, "--workdir", tmp / "profile",
               "--tracker-store", tracker_store,
               *(["--preload", preload.resolve()] if preload else [])],
              cwd=ROOT, logfile=tmp / "profile.log", env=bench_env(), timeout=900)
        return json.loads(out.read_text())
    except (RuntimeError, OSError, ValueError) as e:
        log(f"profile failed (the benchmark goes on): {e}")
        return None
