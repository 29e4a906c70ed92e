"""Two real Rasa replicas race on the same conversations (a bench, not a test).

For each lock store, Rasa's RedisLockStore and then ours, it starts the cluster
of tests/scale/test_replicas.py (PostgreSQL, Redis, an action server, two
replicas), opens CONVERSATIONS conversations, then ROUNDS times sends every
patient two messages at the same moment, one to each replica, and reads
PostgreSQL: messages answered but not stored (lost), stored twice (duplicated),
and requests that failed or got an empty answer.

  python -m tests.scale.replica_race [--conversations 30] [--rounds 4]
"""
from __future__ import annotations

import argparse
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Dict

from tests.scale.test_replicas import AFTERWARDS, SYMPTOMS, Cluster, say
from tests.servers import ROOT

LOCK_STORES = {"rasa RedisLockStore": "redis", "AtomicRedisLockStore": "adapters.stores.lock_store.AtomicRedisLockStore"}


def race(cluster: Cluster, conversations: int, rounds: int) -> Dict[str, int]:
    senders = [f"race-{n:03d}" for n in range(conversations)]
    for n, sender in enumerate(senders):
        say(cluster.urls["a"], sender, SYMPTOMS[n % len(SYMPTOMS)])
    answered: Dict[str, Counter] = {sender: Counter() for sender in senders}
    figures = Counter()

    def send(barrier: threading.Barrier, sender: str, replica: str, text: str) -> None:
        barrier.wait()
        try:
            reply = say(cluster.urls[replica], sender, text)
        except OSError:
            figures["failed"] += 1
            return
        if not reply:
            figures["empty answers"] += 1
        answered[sender][text] += 1

    for r in range(rounds):
        texts = AFTERWARDS[(2 * r) % len(AFTERWARDS)], AFTERWARDS[(2 * r + 1) % len(AFTERWARDS)]
        barrier = threading.Barrier(2 * conversations)
        threads = [threading.Thread(target=send, args=(barrier, sender, replica, text))
                   for sender in senders for replica, text in zip("ab", texts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        figures["sent"] += 2 * conversations

    for sender in senders:
        stored = Counter(e["text"] for kind, _, e in cluster.events(sender) if kind == "user")
        stored[SYMPTOMS[senders.index(sender) % len(SYMPTOMS)]] -= 1
        figures["lost"] += sum((answered[sender] - stored).values())
        figures["duplicated"] += sum((stored - answered[sender]).values())
    return dict(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    deploy = (ROOT / "deploy" / "endpoints.postgres.yml").read_text()
    for name, lock_type in LOCK_STORES.items():
        with tempfile.TemporaryDirectory() as tmp:
            endpoints = Path(tmp) / "endpoints.yml"
            endpoints.write_text(deploy.replace("type: adapters.stores.lock_store.AtomicRedisLockStore", f"type: {lock_type}"))
            cluster = Cluster(Path(tmp), endpoints)
            try:
                cluster.start()
                print(f"{name}: {race(cluster, args.conversations, args.rounds)}", flush=True)
            finally:
                cluster.stop()


if __name__ == "__main__":
    main()
