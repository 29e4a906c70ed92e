"""The Redis lock store across replicas (a real redis-server).

Two processes race for one conversation's lock (tests/scale/lock_race.py): with
Rasa 3.6's RedisLockStore holders overlap and updates are lost; with
adapters.stores.lock_store.AtomicRedisLockStore never. And when Redis goes away, our store
still lets a message through, with one clear error, and uses Redis again when it
is back. A replica that dies holding a conversation's lock blocks that
conversation for at most the lock lifetime (with Rasa's store, possibly for ever).
"""
import asyncio
import logging
import time

import pytest
import redis as redis_client
from rasa.core.lock_store import RedisLockStore

from adapters.stores.lock_store import AtomicRedisLockStore
from tests.scale.lock_race import race
from tests.servers import ROOT, Redis, free_port


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = Redis(free_port(), tmp_path_factory.mktemp("redis") / "redis.log").start()
    yield server
    server.stop()


def test_atomic_lock_store_keeps_one_holder_across_replicas(redis_server):
    figures = race("atomic", redis_server.port, workers=4, rounds=40)
    print(f"\nAtomicRedisLockStore, 2 replicas x 4 workers x 40 rounds on one conversation: {figures}")
    assert figures["rounds"] == 2 * 4 * 40
    assert figures["overlaps"] == figures["lost_updates"] == figures["lock_errors"] == figures["stuck"] == 0


def test_the_race_harness_catches_rasas_redis_lock_store(redis_server):
    """The harness is sensitive: with Rasa's GET-then-SET ticket changes, holders
    overlap, updates get lost, tickets vanish (LockError) or rounds wait for a
    ticket that was overwritten (stuck). Every run here so far showed several.

    (If a Rasa upgrade fixes its RedisLockStore, this fails: then adapters/stores/lock_store.py can go.)"""
    # A race is a matter of timing: on a loaded machine one run of 10 rounds came out
    # clean once (CI, another training on the same 2 cores). Up to three runs; one
    # that shows a fault is enough, and the atomic store above must stay clean in all.
    for attempt in range(1, 4):
        figures = race("rasa", redis_server.port, workers=2, rounds=10, timeout=2)
        print(f"\nRasa's RedisLockStore, 2 replicas x 2 workers x 10 rounds on one conversation, run {attempt}: {figures}")
        if figures["overlaps"] + figures["lost_updates"] + figures["lock_errors"] + figures["stuck"] > 0:
            break
    assert figures["overlaps"] + figures["lost_updates"] + figures["lock_errors"] + figures["stuck"] > 0


@pytest.mark.parametrize("store_class, gets_the_lock", [(AtomicRedisLockStore, True), (RedisLockStore, False)])
async def test_next_message_after_a_replica_died_holding_the_lock(redis_server, store_class, gets_the_lock):
    """A replica died holding the lock: its ticket (lifetime 2 s) is never given back.
    The next message, 0.5 s later on another replica, polls every 1.2 s. Its own
    ticket would expire 0.5 s after the dead one, between two polls: Rasa's store
    then finds an empty queue that serves "ticket 0" and waits for ever; ours
    renews the waiting ticket and gets the lock once the dead one has expired."""
    conversation = f"dead-holder-{store_class.__name__}"
    RedisLockStore(port=redis_server.port).issue_ticket(conversation, lock_lifetime=2)
    await asyncio.sleep(0.5)
    store = store_class(port=redis_server.port)

    async def next_message() -> float:
        async with store.lock(conversation, lock_lifetime=2, wait_time_in_seconds=1.2):
            return time.monotonic()

    started = time.monotonic()
    if gets_the_lock:
        assert 1.4 < await asyncio.wait_for(next_message(), 8) - started < 4
    else:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(next_message(), 8)


def test_deploy_endpoints_build_our_stores(redis_server, monkeypatch):
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.utils.common import class_from_module_path

    from adapters.stores.tracker_store import KneeSQLTrackerStore

    monkeypatch.setenv("REDIS_PORT", str(redis_server.port))
    monkeypatch.setenv("REDIS_DB", "3")
    for name, value in {"DB_HOST": "db.internal", "DB_PORT": "5432", "DB_NAME": "knee", "DB_USER": "rasa",
                        "DB_PASSWORD": "", "REDIS_HOST": "127.0.0.1", "REDIS_PASSWORD": "",
                        "ACTIONS_URL": "http://actions.internal:5055/webhook"}.items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "deploy" / "endpoints.postgres.yml"))

    lock_store = LockStore.create(endpoints.lock_store)
    assert type(lock_store) is AtomicRedisLockStore
    assert lock_store.red.ping()
    assert lock_store.red.connection_pool.connection_kwargs["db"] == 3
    assert class_from_module_path(endpoints.tracker_store.type) is KneeSQLTrackerStore
    assert (endpoints.tracker_store.url, endpoints.tracker_store.kwargs["dialect"]) == ("db.internal", "postgresql")
    assert endpoints.action.url == "http://actions.internal:5055/webhook"


def test_endpoints_yml_builds_our_sqlite_store(tmp_path, monkeypatch):
    from rasa.core.tracker_store import create_tracker_store
    from rasa.core.utils import AvailableEndpoints

    from adapters.stores.tracker_store import KneeSQLTrackerStore

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".data").mkdir()
    store = create_tracker_store(AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml")).tracker_store)
    assert type(store) is KneeSQLTrackerStore  # not Rasa's silent InMemoryTrackerStore fallback
    assert (tmp_path / ".data" / "tracker.db").is_file()


async def test_a_message_gets_through_while_redis_is_down(tmp_path, caplog):
    port = free_port()
    store = AtomicRedisLockStore(host="127.0.0.1", port=port, socket_timeout=2)
    caplog.set_level(logging.WARNING, logger="adapters.stores.lock_store")

    for _ in range(2):
        async with store.lock("patient-1", wait_time_in_seconds=0.01):
            pass
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1  # once per outage, not per message
    assert errors[0].startswith(f"Redis lock store unreachable (Error 111 connecting to 127.0.0.1:{port}.")

    server = Redis(port, tmp_path / "redis.log").start()
    try:
        async with store.lock("patient-1", wait_time_in_seconds=0.01):
            assert redis_client.Redis(port=port, db=1).exists("lock:patient-1")  # Redis holds the lock again
        assert not redis_client.Redis(port=port, db=1).exists("lock:patient-1")
        assert "Redis lock store reachable again." in caplog.text
    finally:
        server.stop()
