"""Start-up checks, run by scripts/run.sh before Rasa starts (no Rasa import).

Rasa retries an unreachable database forever and only meets an unreachable
Redis on the first message; here each becomes one clear line and a non-zero
exit. Also refuses to open the HTTP API on a non-loopback interface without
RASA_AUTH_TOKEN.

  python -m adapters.preflight [--endpoints .data/endpoints.yml] [--host RASA_HOST]

`load_endpoints()` reads an endpoints file the way Rasa does (`${VAR}` from the
environment), with the defaults of deploy/store.env for unset variables; it is
shared with `python -m adapters.privacy`.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS_FILE = ROOT / "deploy" / "store.env"
CONNECT_TIMEOUT = 5  # seconds
SQL_STORES = ("sql", "adapters.stores.tracker_store.kneesqltrackerstore")
_VAR = re.compile(r"\$\{(\w+)\}")


class ConfigError(Exception):
    pass


def store_defaults(path: Path = DEFAULTS_FILE) -> Dict[str, str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def load_endpoints(path: Path, environ: Mapping[str, str] = os.environ) -> Dict[str, Any]:
    """The endpoints file with its `${VAR}`s filled in (environment, then deploy/store.env)."""
    env = {**store_defaults(), **environ}

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str):
            unset = [name for name in _VAR.findall(value) if name not in env]
            if unset:
                raise ConfigError(f"{path} uses ${{{unset[0]}}}, which is not set")
            return _VAR.sub(lambda m: env[m[1]], value)
        return value

    try:
        return fill(yaml.safe_load(Path(path).read_text()) or {})
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from e


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def check_tracker_store(config: Optional[Dict[str, Any]]) -> Optional[str]:
    config = config or {}
    if str(config.get("type")).lower() not in SQL_STORES:
        return None  # in memory, or a store this check does not know
    dialect = str(config.get("dialect", "sqlite"))
    if dialect == "sqlite":
        db = Path(str(config.get("db", "rasa.db")))
        folder = db.parent if str(db.parent) else Path(".")
        if not folder.is_dir():
            return f"the SQLite tracker store folder {folder} does not exist"
        if not os.access(folder, os.W_OK | os.X_OK) or (db.exists() and not os.access(db, os.W_OK)):
            return f"the SQLite tracker store {db} is not writable"
        return None
    if dialect.startswith("postgres"):
        import psycopg2

        host, port = config.get("url") or config.get("host") or "localhost", config.get("port") or 5432
        database, user = config.get("login_db") or config.get("db"), config.get("username")
        try:
            psycopg2.connect(host=host, port=port, dbname=database, user=user, password=config.get("password"),
                             connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg2.Error as e:
            return (f"cannot connect to the PostgreSQL tracker store at {host}:{port} "
                    f"(database {database!r}, user {user!r}): {_first_line(e)}")
    return None


def check_lock_store(config: Optional[Dict[str, Any]]) -> Optional[str]:
    config = config or {}
    kind = str(config.get("type") or "in_memory")
    if kind == "in_memory":
        return None
    import redis

    host, port, db = config.get("url") or "localhost", config.get("port") or 6379, config.get("db") or 1
    try:
        redis.Redis(host=host, port=int(port), db=int(db), username=config.get("username"),
                    password=config.get("password") or None, socket_connect_timeout=CONNECT_TIMEOUT,
                    socket_timeout=CONNECT_TIMEOUT).ping()
    except redis.RedisError as e:
        return f"cannot reach the Redis lock store at {host}:{port} (db {db}): {_first_line(e)}"
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: may resolve to anything


def check_api_host(host: str, token: Optional[str]) -> Optional[str]:
    if is_loopback(host) or token:
        return None
    return (f"refusing to open the HTTP API on {host} (not loopback) without RASA_AUTH_TOKEN: "
            f"set RASA_AUTH_TOKEN, or RASA_HOST=127.0.0.1")


def problems(endpoints: Path, host: str, token: Optional[str]) -> List[str]:
    found = [check_api_host(host, token)]
    try:
        config = load_endpoints(endpoints)
    except ConfigError as e:
        return [p for p in found if p] + [str(e)]
    found += [check_tracker_store(config.get("tracker_store")), check_lock_store(config.get("lock_store"))]
    return [p for p in found if p]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Check the stores and the API binding before Rasa starts.")
    parser.add_argument("--endpoints", type=Path, default=Path(".data/endpoints.yml"))
    parser.add_argument("--host", default=os.environ.get("RASA_HOST", "127.0.0.1"),
                        help="interface the HTTP API binds (default $RASA_HOST or 127.0.0.1)")
    args = parser.parse_args(argv)
    found = problems(args.endpoints, args.host, os.environ.get("RASA_AUTH_TOKEN"))
    for problem in found:
        print(f"preflight: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
