"""The tracker store every endpoints file uses: Rasa's SQL store (SQLite by
default, PostgreSQL with KNEE_STORE=postgres, see docs/deploy.md) plus the
right to be forgotten.

Contract with the chat side: when the events being saved contain
`SlotSet(FORGET_SLOT, True)`, `save()` deletes every stored event of that sender
instead of writing anything (the bot's reply has been sent by then), so the next
message from that sender starts an empty conversation. `forget()` and `export()`
do the same deletion and a full read-out for `python -m adapters.privacy`.

With SQLite the deleted words are gone from the files too: deleted rows are
zeroed (secure_delete) and the write-ahead log, which still holds them, is
checkpointed and truncated. PostgreSQL reclaims deleted rows at its next
(auto)vacuum.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, Iterable, List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SlotSet

logger = logging.getLogger(__name__)

FORGET_SLOT = "forget_conversation"


def _sqlite_engine(url: Any) -> Any:
    """The SQLite engine: one kept connection, write-ahead log, synchronous=NORMAL.

    Rasa's engine opens and closes a connection for every read and write
    (SQLAlchemy's NullPool for SQLite files), and in its default journal mode
    each commit waits for the disk twice: 4-13 ms per user message here. With a
    write-ahead log and synchronous=NORMAL a commit does not wait for the disk
    (0.03 ms); a crash of the bot loses nothing, a power cut may lose the last
    turns but never the database's consistency (https://www.sqlite.org/wal.html).
    The connection is kept open: closing the last one checkpoints the log, which
    costs as much as the commits saved. PostgreSQL is the store for deployments
    that need more (docs/deploy.md).
    """
    import sqlalchemy as sa
    from sqlalchemy.pool import QueuePool

    engine = sa.create_engine(url, poolclass=QueuePool, pool_size=1, max_overflow=4, hide_parameters=True,
                              connect_args={"check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not just unlinked
        cursor.close()

    return engine


def _postgres_engine(url: Any) -> Any:
    """Rasa's PostgreSQL engine settings, and each pooled connection tested before
    use (one SELECT 1). After a database restart the first message then finds a
    live connection; without it, that message failed on a dead one and Rasa's
    fail-safe store answered it as a new conversation."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import create_engine_kwargs

    return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, **create_engine_kwargs(url))


def _own_engine(url: Any) -> Any:
    """The engine that replaces Rasa's for an SQLite file or PostgreSQL; None to keep Rasa's."""
    dialect = url.get_backend_name()
    if dialect == "sqlite" and url.database not in (None, "", ":memory:"):
        return _sqlite_engine(url)
    if dialect == "postgresql":
        return _postgres_engine(url)
    return None


def asks_to_forget(events: Iterable[Event]) -> bool:
    return any(isinstance(e, SlotSet) and e.key == FORGET_SLOT and e.value is True for e in events)


class KneeSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` (sqlite or postgresql dialect) that forgets on request.

    Its engines (an SQLite file, PostgreSQL) leave statement parameters out of
    errors (hide_parameters): while the database fails, Rasa's fail-safe store
    logs each error at ERROR level, and the parameters of an event insert hold
    what the person said.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engine = _own_engine(self.engine.url)
        if engine is not None:
            self.engine.dispose()
            self.engine = engine
            self.sessionmaker.configure(bind=engine)

    async def save(self, tracker: Any) -> None:
        await super().save(tracker)
        if asks_to_forget(tracker.events):
            self._scrub()

    def _scrub(self) -> None:
        """SQLite: write the deletions into the database file and empty the log."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                busy, *_ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                logger.warning("Forgotten events may stay in the SQLite log until its next checkpoint.")

    def _additional_events(self, session: Any, tracker: Any) -> Iterable[Event]:
        """The events `save()` is about to write (those not stored yet, as in Rasa).

        When they ask to forget the conversation, delete the sender's stored events
        in the same transaction and write nothing, so no event of this
        conversation is left and none is written again.
        """
        events = list(super()._additional_events(session, tracker))
        if not asks_to_forget(events):
            return events
        deleted = self._delete(session, tracker.sender_id)
        logger.info("Forgot conversation of sender %r on request (%d stored events deleted).",
                    tracker.sender_id, deleted)
        return []

    def _delete(self, session: Any, sender_id: str) -> int:
        return (session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False))

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of `sender_id`, all sessions; the number deleted."""
        with self.session_scope() as session:
            deleted = self._delete(session, sender_id)
            session.commit()
        self._scrub()
        return deleted

    def export(self, sender_id: str) -> List[Dict[str, Any]]:
        """Every stored event of `sender_id`, all sessions, in stored order."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=True).all()
            return [json.loads(row.data) for row in rows]
