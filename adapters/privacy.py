"""Forget or export one person's conversation, from the command line.

  python -m adapters.privacy forget SENDER [--endpoints F]
  python -m adapters.privacy export SENDER [--endpoints F] [--out F]   (default exports/SENDER.json)

Reads the tracker store of the same endpoints file as the server
(.data/endpoints.yml as scripts/run.sh wrote it, so SQLite or PostgreSQL alike;
endpoints.yml before the first `make run`). Exit 1 when the store holds no
conversation of SENDER, 2 when the store cannot be used.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from adapters.preflight import SQL_STORES, ConfigError, check_tracker_store, load_endpoints

SERVER_ENDPOINTS = Path(".data/endpoints.yml")


class StoreError(Exception):
    pass


def open_store(endpoints: Path):
    """The server's tracker store as a KneeSQLTrackerStore."""
    try:
        config = dict(load_endpoints(endpoints).get("tracker_store") or {})
    except ConfigError as e:
        raise StoreError(str(e)) from e
    if str(config.pop("type", None)).lower() not in SQL_STORES:
        raise StoreError(f"{endpoints} has no SQL tracker store: conversations are not stored")
    problem = check_tracker_store({"type": "sql", **config})  # Rasa would retry an unreachable DB forever
    if problem:
        raise StoreError(problem)
    from adapters.stores.tracker_store import KneeSQLTrackerStore

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # SQLAlchemy 1.4 about Rasa's code
    return KneeSQLTrackerStore(host=config.pop("url", None) or config.pop("host", None), **config)


def export_path(sender: str) -> Path:
    return Path("exports") / (re.sub(r"[^A-Za-z0-9._-]", "_", sender).lstrip(".") + ".json")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adapters.privacy", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["forget", "export"])
    parser.add_argument("sender", help="the conversation's sender id")
    parser.add_argument("--endpoints", type=Path,
                        default=SERVER_ENDPOINTS if SERVER_ENDPOINTS.is_file() else Path("endpoints.yml"))
    parser.add_argument("--out", type=Path, help="export file (default exports/<sender>.json)")
    args = parser.parse_args(argv)
    try:
        store = open_store(args.endpoints)
    except StoreError as e:
        print(f"privacy: {e}", file=sys.stderr)
        return 2
    where = f"the {store.engine.dialect.name} tracker store of {args.endpoints}"

    if args.command == "forget":
        count = store.forget(args.sender)
        done = f"forget: deleted {count} events of sender {args.sender!r} from {where}"
    else:
        events = store.export(args.sender)
        count, out = len(events), args.out or export_path(args.sender)
        if events:
            out.parent.mkdir(parents=True, exist_ok=True)
            exported_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
            out.write_text(json.dumps({"sender_id": args.sender, "exported_at": exported_at, "events": events},
                                      indent=2, ensure_ascii=False) + "\n")
        done = f"export: wrote {count} events of sender {args.sender!r} to {out}"
    if not count:
        print(f"privacy: no conversation of sender {args.sender!r} in {where}", file=sys.stderr)
        return 1
    print(done)
    return 0

if __name__ == "__main__":
    sys.exit(main())
