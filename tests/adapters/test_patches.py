"""adapters.patches: the cached validator accepts and rejects exactly what Rasa's did."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from adapters import patches

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
    patches.apply()
    assert RemoteAction._validate_action_result is patches.validate_action_result
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_response_raises_what_rasa_raised(action, result):
    patches.apply()
    with pytest.raises(jsonschema.ValidationError) as original:
        original_validate(result)
    with pytest.raises(jsonschema.ValidationError) as patched:
        action._validate_action_result(result)
    assert patched.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in patched.value.message


# ---------------------------------------------------------------- Event.resolve_by_type
def original_resolve(type_name, default=None):
    from rasa.shared.utils.common import all_subclasses
    from rasa.shared.core.events import Event

    for cls in all_subclasses(Event):
        if cls.type_name == type_name:
            return cls
    if type_name == "topic":
        return None
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def test_resolve_by_type_finds_the_same_class_as_rasa_for_every_event():
    from rasa.shared.utils.common import all_subclasses
    from rasa.shared.core.events import Event

    patches.apply()
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is original_resolve(name), name


def test_resolve_by_type_unknown_names_behave_as_in_rasa():
    from rasa.shared.core.events import Event, UserUttered

    patches.apply()
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


def test_resolve_by_type_sees_event_classes_defined_later():
    from rasa.shared.core.events import Event, SlotSet

    patches.apply()
    assert Event.resolve_by_type("slot") is SlotSet
    late = type("LateEvent", (SlotSet,), {"type_name": "late_event_for_test"})
    assert Event.resolve_by_type("late_event_for_test") is late


def test_events_round_trip_through_the_patched_lookup():
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered, deserialise_events

    patches.apply()
    events = [UserUttered("hi", {"name": "greet"}), ActionExecuted("utter_greet"), BotUttered("hello"),
              SlotSet("triage", "routine")]
    assert deserialise_events([e.as_dict() for e in events]) == events


# ---------------------------------------------------------------- action server down
def _tracker(*events):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.servers import ROOT

    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in events:
        tracker.update(event)
    return tracker, domain


def _user(text, entities=()):
    from rasa.shared.core.events import UserUttered

    return UserUttered(text, {"name": "describe_symptoms", "confidence": 0.9}, list(entities))


def _dead_action(name="action_give_assessment"):
    from rasa.utils.endpoints import EndpointConfig
    from tests.servers import free_port

    return RemoteAction(name, EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"))


async def test_unreachable_action_server_gives_guidance_once_per_turn():
    from rasa.shared.core.events import BotUttered

    patches.apply()
    entity = {"entity": "clinical_feature", "value": "bladder_bowel_change", "role": "present", "start": 0, "end": 1}
    tracker, domain = _tracker(_user("I can't control my bladder", [entity]))
    events = await _dead_action().run(None, None, tracker, domain)
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].text.startswith("Please go to an emergency department")
    assert events[0].data["custom"]["data"] == {"type": "service_unavailable", "triage": "emergency"}
    # a second failing action in the same turn says nothing more
    tracker.update(events[0])
    assert await _dead_action("action_ask_numbness").run(None, None, tracker, domain) == []
    # the next user turn gets the message again
    tracker.update(_user("hello?"))
    again = await _dead_action().run(None, None, tracker, domain)
    assert len(again) == 1 and again[0].data["custom"]["data"]["triage"] == "routine"


async def test_a_deliberate_rejection_is_passed_on(monkeypatch):
    from rasa.core.actions.action import ActionExecutionRejection

    async def rejecting(self, *args):
        raise ActionExecutionRejection(self.name())

    patches.apply()
    monkeypatch.setattr(patches, "_remote_run", rejecting)
    tracker, domain = _tracker(_user("no"))
    with pytest.raises(ActionExecutionRejection):
        await _dead_action("validate_interview_form").run(None, None, tracker, domain)


# ---------------------------------------------------------------- the fast path
def _every_event_type():
    from rasa.shared.core import events as ev

    return [
        ev.UserUttered("hi", {"name": "greet", "confidence": 1.0}, [{"entity": "x", "value": "y", "start": 0, "end": 1}]),
        ev.BotUttered("hello", {"buttons": []}), ev.SlotSet("triage", "routine"), ev.SlotSet("x", None),
        ev.ActionExecuted("action_listen"), ev.ActiveLoop("interview_form"), ev.ActiveLoop(None),
        ev.Restarted(), ev.AllSlotsReset(), ev.FollowupAction("utter_greet"), ev.SessionStarted(),
        ev.UserUtteranceReverted(), ev.ActionReverted(), ev.ConversationPaused(), ev.ConversationResumed(),
        ev.ActionExecutionRejected("a"), ev.LoopInterrupted(True), ev.EntitiesAdded([{"entity": "x", "value": "y"}]),
        ev.ReminderCancelled(name="r"), ev.AgentUttered("x"), ev.StoryExported(), ev.DefinePrevUserUtteredFeaturization(False),
    ]


def _responses():
    valid = [{"events": [e.as_dict() for e in _every_event_type()], "responses": [{"text": "a"}]}, {}, {"events": []},
             {"responses": []}, {"events": None}]
    broken = [
        [], "text", 5, None, {"events": {}}, {"responses": "x"}, {"responses": [1]},
        {"events": [1]}, {"events": [None]}, {"events": [[]]}, {"events": [{}]}, {"events": [{"event": ["slot"]}]},
        {"events": [{"event": "slot"}]}, {"events": [{"event": "slot", "name": 5, "value": 1}]},
        {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "now"}]},
        {"events": [{"event": "slot", "name": "x", "value": 1, "metadata": []}]},
        {"events": [{"event": "no_such_event"}]}, {"events": [{"event": "user", "text": 5}]},
        {"events": [{"event": "action", "name": 5}]}, {"events": [{"event": "entities", "entities": "x"}]},
    ]
    return valid + broken


@pytest.mark.parametrize("result", _responses(), ids=lambda r: repr(r)[:60])
def test_fast_path_accepts_and_rejects_exactly_what_rasa_does(action, result):
    patches.apply()
    try:
        original_validate(result)
        rasa_valid = True
    except jsonschema.ValidationError as error:
        rasa_valid, rasa_message = False, error.message
    if rasa_valid:
        assert action._validate_action_result(result) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as patched:
            action._validate_action_result(result)
        assert patched.value.message.startswith(rasa_message)
