"""A SQLite file and a real PostgreSQL cluster (tests/servers.py), each as a
backend the tracker store tests run against, with direct SQL access to check
what is stored."""
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

from tests.servers import Postgres, free_port

DB_NAME = "knee_privacy"


@dataclass
class Backend:
    name: str
    store_kwargs: Dict[str, Any]  # KneeSQLTrackerStore(**store_kwargs)
    env: Dict[str, str]  # for the endpoints files' ${VAR}s
    query: Callable[[str, tuple], List[tuple]] = field(repr=False)

    def rows(self, sender: str) -> List[tuple]:
        """(id, type_name, data) of the sender's stored events, straight from the database."""
        mark = "?" if self.name == "sqlite" else "%s"
        return self.query(f"select id, type_name, data from events where sender_id = {mark} order by id", (sender,))


@pytest.fixture(scope="session")
def postgres():
    server = Postgres(free_port()).start()
    server.create_database(DB_NAME)
    yield server
    server.stop()


def _postgres_backend(server: Postgres) -> Backend:
    def query(sql: str, params: tuple) -> List[tuple]:
        conn = server.connect(DB_NAME)
        try:
            cur = conn.cursor()
            cur.execute(sql, params)
            return cur.fetchall()
        finally:
            conn.close()

    env = {"DB_HOST": "127.0.0.1", "DB_PORT": str(server.port), "DB_NAME": DB_NAME, "DB_USER": "postgres",
           "DB_PASSWORD": "", "REDIS_PORT": str(free_port())}
    kwargs = {"dialect": "postgresql", "host": "127.0.0.1", "port": server.port, "db": DB_NAME,
              "username": "postgres"}
    return Backend("postgresql", kwargs, env, query)


def _sqlite_backend(path: Path) -> Backend:
    def query(sql: str, params: tuple) -> List[tuple]:
        with sqlite3.connect(path) as db:
            return db.execute(sql, params).fetchall()

    return Backend("sqlite", {"dialect": "sqlite", "db": str(path)}, {}, query)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        return _sqlite_backend(tmp_path / "tracker.db")
    return _postgres_backend(request.getfixturevalue("postgres"))
