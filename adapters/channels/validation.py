"""Checks on what a client sends to the REST and socket.io channels.

Stock Rasa passes whatever JSON arrives straight into a UserMessage: a number
as the message, a list as the metadata or a missing sender end up deep inside
Rasa as a 500 (or, missing sender, as everyone sharing the conversation
"default"). These checks turn every such request into a clear error before
anything reaches Rasa. No Rasa import: pure functions, tested on their own.

A sender id becomes a column of the tracker store (varchar(255) in PostgreSQL),
so it is capped well below that. The size of a whole request is capped by
Sanic's REQUEST_MAX_SIZE (see rest.py); the text that reaches the NLU by
adapters/pipeline/input_guard.py.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, Optional

MAX_SENDER_ID_LENGTH = 128
MAX_INPUT_CHANNEL_LENGTH = 64
MAX_METADATA_DEPTH = 16
DEFAULT_REQUEST_MAX_SIZE = 1_048_576  # 1 MiB, the whole HTTP body (nginx's default too)

# Control characters (C0, DEL, C1) and unpaired surrogates: never part of an id.
_UNSAFE_IN_ID = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class InvalidRequest(ValueError):
    """A request the channel refuses; the message says what is wrong (for a 400)."""


def parse_json_body(body: bytes) -> Any:
    """The JSON value of a request body, or InvalidRequest."""
    if not body:
        raise InvalidRequest("the body is empty; send a JSON object like {\"sender\": \"...\", \"message\": \"...\"}")
    try:
        return json.loads(body)
    except RecursionError:
        raise InvalidRequest("the body is nested too deeply") from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        raise InvalidRequest("the body is not valid JSON (UTF-8)") from None


def check_sender_id(value: Any, field: str = "sender") -> str:
    if not isinstance(value, str):
        raise InvalidRequest(f"'{field}' must be a string, not {_json_type(value)}")
    if not value.strip():
        raise InvalidRequest(f"'{field}' must not be empty")
    if len(value) > MAX_SENDER_ID_LENGTH:
        raise InvalidRequest(f"'{field}' is longer than {MAX_SENDER_ID_LENGTH} characters")
    if _UNSAFE_IN_ID.search(value):
        raise InvalidRequest(f"'{field}' contains control characters")
    return value


def check_text(value: Any, field: str = "message") -> str:
    if not isinstance(value, str):
        raise InvalidRequest(f"'{field}' must be a string, not {_json_type(value)}")
    return value


def check_metadata(value: Any, field: str = "metadata") -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidRequest(f"'{field}' must be a JSON object, not {_json_type(value)}")
    if _depth(value) > MAX_METADATA_DEPTH:
        raise InvalidRequest(f"'{field}' is nested deeper than {MAX_METADATA_DEPTH} levels")
    return value


def check_input_channel(value: Any, default: str) -> str:
    if value is None or value == "":
        return default
    if not isinstance(value, str) or len(value) > MAX_INPUT_CHANNEL_LENGTH or _UNSAFE_IN_ID.search(value):
        raise InvalidRequest(
            f"'input_channel' must be a string of at most {MAX_INPUT_CHANNEL_LENGTH} characters"
        )
    return value


def rest_request(body: Any, default_channel: str) -> Dict[str, Any]:
    """sender, message, input_channel and metadata of a REST webhook body."""
    if not isinstance(body, dict):
        raise InvalidRequest(f"the body must be a JSON object, not {_json_type(body)}")
    if "sender" not in body:
        raise InvalidRequest("'sender' is missing: every conversation needs its own sender id")
    if "message" not in body:
        raise InvalidRequest("'message' is missing")
    return {
        "sender": check_sender_id(body["sender"]),
        "message": check_text(body["message"]),
        "input_channel": check_input_channel(body.get("input_channel"), default_channel),
        "metadata": check_metadata(body.get("metadata")),
    }


def _depth(value: Any, limit: int = MAX_METADATA_DEPTH + 1) -> int:
    """Nesting depth of a JSON value, counted up to `limit` (no recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest >= limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
