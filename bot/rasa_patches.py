"""One measured, behaviour-preserving speed-up of Rasa 3.6's action-server calls.

Rasa validates every action-server response with `jsonschema.validate(result,
schema)`. That call first checks the *schema itself* against the JSON-Schema
metaschema, every time: ~35 ms per call on our 2-core machines, ~3 calls per
user message, over half of a message's time (bench/profile_turn.py,
BENCHMARKS.md). Here the schema is checked and its validator built once; every
response is still validated against the same schema, and an invalid response
raises the same ValidationError (best match, same message suffix).

Applied by bot.nlu_component, which the Rasa server imports when it loads the
model. Idempotent.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict


@lru_cache(maxsize=None)
def _validator(action_class: type) -> Any:
    import jsonschema

    spec = action_class.action_response_format_spec()
    cls = jsonschema.validators.validator_for(spec)
    cls.check_schema(spec)
    return cls(spec)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    import jsonschema
    from rasa.shared.constants import DOCS_BASE_URL

    error = jsonschema.exceptions.best_match(_validator(type(self)).iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def apply() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
