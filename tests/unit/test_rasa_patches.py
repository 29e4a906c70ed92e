"""bot.rasa_patches: the cached validator accepts and rejects exactly what Rasa's did."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot import rasa_patches

VALID = {"events": [{"event": "slot", "name": "triage", "value": "routine"}], "responses": [{"text": "hi"}]}
INVALID = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"events": [{"event": 5}]},
]


@pytest.fixture(scope="module")
def action():
    return RemoteAction("action_x", None)


def original_validate(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


def test_valid_response_passes(action):
    rasa_patches.apply()
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_response_raises_what_rasa_raised(action, result):
    rasa_patches.apply()
    with pytest.raises(jsonschema.ValidationError) as original:
        original_validate(result)
    with pytest.raises(jsonschema.ValidationError) as patched:
        action._validate_action_result(result)
    assert patched.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in patched.value.message
