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

Per message, Rasa reads the conversation's current session (deserialising and
replaying every event) and, to save, counts the stored events and inserts the new
ones through the ORM. Here the tracker just saved is kept in memory (the last
KEPT conversations) with the number and the highest id of its stored rows; the
next read of that conversation checks those two with one indexed query and, when
the database holds nothing else (another replica, `make forget`), hands the kept
tracker on instead of rebuilding it. Saving a tracker this store handed out
inserts its new events in one statement. Everything else is Rasa's own path.
"""
from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, SlotSet

logger = logging.getLogger(__name__)

FORGET_SLOT = "forget_conversation"
KEPT = 200  # conversations whose tracker is kept in memory between messages


@dataclass
class Kept:
    """A tracker as saved, and what the database held for its sender then."""

    tracker: Any
    stored: int  # its first `stored` events are in the database
    rows: Optional[Tuple[int, Optional[int]]]  # (count, max id) of the sender's rows; None: not known
    domain: Any


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
        self.kept: "OrderedDict[str, Kept]" = OrderedDict()  # saved trackers, oldest first
        self.handed: "OrderedDict[str, Kept]" = OrderedDict()  # trackers retrieve() gave out, until saved

    @property
    def _statements(self) -> Tuple[Any, Any]:
        """The count / max id query and the insert, built once (SQLAlchemy then reuses their
        compiled form)."""
        if not hasattr(self, "_built"):
            import sqlalchemy as sa

            table = self.SQLEvent.__table__
            rows = sa.select(sa.func.count(table.c.id), sa.func.max(table.c.id)).where(
                table.c.sender_id == sa.bindparam("sender_id"))
            self._built = (rows, table.insert())
        return self._built

    def _rows(self, session: Any, sender_id: str) -> Tuple[int, Optional[int]]:
        """(count, max id) of the sender's stored events: one query on the sender_id index."""
        count, highest = session.execute(self._statements[0], {"sender_id": sender_id}).one()
        return int(count), highest

    async def retrieve(self, sender_id: str) -> Optional[Any]:
        """The kept tracker when the database still holds exactly its rows, else Rasa's read."""
        kept = self.kept.pop(sender_id, None)
        if kept is not None and kept.domain is self.domain and self.event_broker is None:
            with self.session_scope() as session:
                if self._rows(session, sender_id) == kept.rows:
                    self.handed[sender_id] = kept
                    return kept.tracker
        tracker = await super().retrieve(sender_id)
        self.handed.pop(sender_id, None)
        if tracker is not None:
            self.handed[sender_id] = Kept(tracker, len(tracker.events), None, self.domain)
            while len(self.handed) > KEPT:  # read and never saved: forget the oldest
                self.handed.popitem(last=False)
        return tracker

    async def save(self, tracker: Any) -> None:
        sender_id = tracker.sender_id
        handed = self.handed.pop(sender_id, None)
        self.kept.pop(sender_id, None)
        if handed is None or handed.tracker is not tracker or self.event_broker is not None:
            await super().save(tracker)
            if asks_to_forget(tracker.events):
                self._scrub()
            elif self._keepable(tracker):
                with self.session_scope() as session:
                    self._keep(tracker, self._rows(session, sender_id))
            return
        new = list(tracker.events)[handed.stored:]
        if asks_to_forget(new):
            await super().save(tracker)  # deletes the conversation (_additional_events)
            self._scrub()
            return
        with self.session_scope() as session:
            if new:
                session.execute(self._statements[1], [self._row(sender_id, e) for e in new])
            rows = self._rows(session, sender_id) if self._keepable(tracker) else None
            session.commit()
        if rows is not None:
            self._keep(tracker, rows)

    @staticmethod
    def _row(sender_id: str, event: Event) -> Dict[str, Any]:
        """The columns Rasa's save() writes for one event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _keepable(self, tracker: Any) -> bool:
        """Whether a saved tracker is what a read would rebuild: its events start with the
        session's start (as Rasa reads them) and hold no other session."""
        events = tracker.events
        return (self.event_broker is None and bool(events) and isinstance(events[0], SessionStarted)
                and sum(isinstance(e, SessionStarted) for e in events) == 1)

    def _keep(self, tracker: Any, rows: Tuple[int, Optional[int]]) -> None:
        self.kept[tracker.sender_id] = Kept(tracker, len(tracker.events), rows, self.domain)
        while len(self.kept) > KEPT:
            self.kept.popitem(last=False)

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
        self.kept.pop(sender_id, None)
        self.handed.pop(sender_id, None)
        with self.session_scope() as session:
            deleted = self._delete(session, sender_id)
            session.commit()
        self._scrub()
        return deleted

    def export(self, sender_id: str) -> List[Dict[str, Any]]:
        """Every stored event of `sender_id`, all sessions, in stored order, without the
        copies a new session starts with to carry the last turn on (adapters.patches,
        CARRIED_OVER): each message once, as it happened."""
        from adapters.patches import CARRIED_OVER

        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=True).all()
            events = [json.loads(row.data) for row in rows]
        return [event for event in events if not (event.get("metadata") or {}).get(CARRIED_OVER)]
