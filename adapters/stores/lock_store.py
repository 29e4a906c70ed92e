"""A Redis lock store that keeps one conversation on one replica at a time.

Rasa 3.6's `RedisLockStore` changes a conversation's ticket lock with a separate
GET and SET (issue a ticket, finish serving, clean up). Two replicas doing that
at the same moment overwrite each other: both get the same ticket and handle
the same conversation at once, or a ticket is lost and its message fails or
waits (tests/scale/lock_race.py measures it). Here every change is one
optimistic Redis transaction (WATCH/MULTI/EXEC, retried on conflict), on the
same keys and JSON as Rasa's store. And a waiting message keeps its ticket
alive, so after a replica dies holding a conversation's lock, that
conversation's next message waits at most the lock lifetime
(TICKET_LOCK_LIFETIME, 60 s by default), never for ever.

When Redis cannot be reached while the server runs, a message is still
answered: the conversation is locked within this replica only, and one clear
error is logged per outage (another replica could then handle the same
conversation at the same moment; with sticky sessions it cannot).

Used as `lock_store: type: adapters.stores.lock_store.AtomicRedisLockStore` in
deploy/endpoints.postgres.yml.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Tuple

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa creates a lock store given by module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self._local = InMemoryLockStore()
        self._redis_down = False

    def _change(self, conversation_id: str, change: Change) -> Any:
        """Apply `change` (lock or None -> new lock or None, result) atomically."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> Any:
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is not None:
                pipe.set(key, new_lock.dumps())
            elif stored:
                pipe.delete(key)
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket, and the lock with it when no one else holds a ticket."""

        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        try:
            self._change(conversation_id, finish)
        except redis.RedisError as e:  # the message is handled; the ticket expires by itself
            logger.error("Redis lock store: could not release the lock of %r (%s).", conversation_id, e)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        try:
            ticket = self.issue_ticket(conversation_id, lock_lifetime)
        except LockError as e:
            if not isinstance(e.__cause__, (redis.ConnectionError, redis.TimeoutError)):
                raise
            if not self._redis_down:
                self._redis_down = True
                logger.error(
                    "Redis lock store unreachable (%s). Conversations are locked within this "
                    "replica only until Redis is back.", e.__cause__)
            async with self._local.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as local:
                yield local
            return
        if self._redis_down:
            self._redis_down = False
            logger.warning("Redis lock store reachable again.")
        try:
            yield await self._wait_for_turn(conversation_id, ticket, lock_lifetime, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    async def _wait_for_turn(self, conversation_id: str, ticket: int, lifetime: float, wait: float) -> TicketLock:
        """Poll until `ticket` is served, renewing its lifetime meanwhile: only the
        tickets of a replica that died holding them expire. (Rasa lets a waiting
        ticket expire too; when it expires in the same poll interval as the dead
        one before it, Rasa's queue is empty, "now serving 0", and the message
        waits forever.)"""

        def renew(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], Any]:
            mine = next((t for t in lock.tickets if t.number == ticket), None) if lock else None
            if mine is None:
                return lock, None
            mine.expires = time.time() + lifetime
            lock.remove_expired_tickets()
            return lock, (lock if lock.now_serving == ticket else False)

        while True:
            served = self._change(conversation_id, renew)
            if served is None:
                raise LockError(f"The lock ticket of conversation '{conversation_id}' is gone.")
            if served:
                return served
            await asyncio.sleep(wait)
