"""Two "replicas" (processes) race for the lock of one conversation in Redis.

Each process runs WORKERS coroutines; each takes the lock of the same
conversation ROUNDS times, as Rasa does for every message (`lock_store.lock`),
and inside it does what a replica does with a conversation: read, think, write
back (here a counter in Redis, with a short sleep between read and write). With
a working lock nobody else is inside at the same time and no increment is lost.

Counted per run: `overlaps` (another holder was inside when we came in),
`lost_updates` (increments overwritten by a concurrent holder), `lock_errors`
(Rasa's LockError: the lock or our ticket vanished) and `stuck` (a round that
did not get the lock within TIMEOUT seconds).

  python -m tests.scale.lock_race [--runs 5] [--workers 4] [--rounds 40]   # both stores, own redis-server
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

STORES = {
    "rasa": "rasa.core.lock_store.RedisLockStore",
    "atomic": "adapters.stores.lock_store.AtomicRedisLockStore",
}
CONVERSATION = "race-conversation"
COUNTER, HOLDER, READY, GO = "race:counter", "race:holder", "race:ready", "race:go"


async def _replica(store_path: str, port: int, workers: int, rounds: int, timeout: float) -> Dict[str, int]:
    import redis
    from rasa.core.lock_store import LockError
    from rasa.shared.utils.common import class_from_module_path

    store = class_from_module_path(store_path)(host="127.0.0.1", port=port, db=1)
    r = redis.Redis(port=port, db=2)
    stats = {"rounds": 0, "overlaps": 0, "lock_errors": 0, "stuck": 0}
    r.incr(READY)
    while not r.exists(GO):  # both replicas start together
        await asyncio.sleep(0.005)

    async def one_round(me: str) -> None:
        async with store.lock(CONVERSATION, lock_lifetime=5, wait_time_in_seconds=0.002):
            alone = bool(r.set(HOLDER, me, nx=True))
            stats["overlaps"] += not alone
            value = int(r.get(COUNTER) or 0)
            await asyncio.sleep(0.001)
            r.set(COUNTER, value + 1)
            stats["rounds"] += 1
            if alone:
                r.delete(HOLDER)

    async def worker(me: str) -> None:
        for _ in range(rounds):
            try:
                await asyncio.wait_for(one_round(me), timeout)
            except LockError:
                stats["lock_errors"] += 1
            except asyncio.TimeoutError:
                stats["stuck"] += 1

    await asyncio.gather(*(worker(f"{os.getpid()}-{i}") for i in range(workers)))
    return stats


def race(store: str, port: int, workers: int = 4, rounds: int = 40, timeout: float = 10) -> Dict[str, int]:
    """Two replica processes race on one conversation; the summed figures."""
    import redis

    r = redis.Redis(port=port, db=2)
    r.flushall()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "tests.scale.lock_race", "--replica", STORES[store],
           "--port", str(port), "--workers", str(workers), "--rounds", str(rounds), "--timeout", str(timeout)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env) for _ in range(2)]
    deadline = time.monotonic() + 120
    while int(r.get(READY) or 0) < 2:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise RuntimeError("a race replica did not start")
        time.sleep(0.05)
    started = time.monotonic()
    r.set(GO, 1)
    results = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    total = {k: sum(res[k] for res in results) for k in results[0]}
    total["lost_updates"] = total["rounds"] - int(r.get(COUNTER) or 0)
    total["seconds"] = round(time.monotonic() - started, 1)
    return total


def main(argv: List[str] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replica", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=10, help="seconds a round may wait for the lock")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.replica:
        print(json.dumps(asyncio.run(_replica(args.replica, args.port, args.workers, args.rounds, args.timeout))))
        return

    from tests.servers import Redis, free_port

    with tempfile.TemporaryDirectory() as tmp:
        server = Redis(free_port(), Path(tmp) / "redis.log").start()
        try:
            for store in STORES:
                for run in range(args.runs):
                    print(store, run + 1, race(store, server.port, args.workers, args.rounds, args.timeout), flush=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
