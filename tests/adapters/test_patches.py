"""adapters.patches: the cached validator accepts and rejects exactly what Rasa's did."""
import warnings

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


# ---------------------------------------------------------------- 5, 6: sessions
def _domain():
    from rasa.shared.core.domain import Domain

    from tests.servers import ROOT

    return Domain.load(str(ROOT / "domain.yml"))


def _turn(text, intent, *actions_and_events):
    from rasa.shared.core.events import ActionExecuted, UserUttered

    events = [UserUttered(text, {"name": intent, "confidence": 0.9}, [])]
    for item in actions_and_events:
        events.append(ActionExecuted(item) if isinstance(item, str) else item)
    return [*events, ActionExecuted("action_listen")]


def _session_start():
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def _interview(turns):
    """A session: the symptoms start the form, then `turns` answers, the form asking on."""
    from rasa.shared.core.events import ActiveLoop, BotUttered, SlotSet

    events = _session_start() + _turn("my knee hurts", "describe_symptoms", SlotSet("triage", "routine"),
                                      "interview_form", ActiveLoop("interview_form"), BotUttered("does it click?"),
                                      SlotSet("requested_slot", "clicking_catching"))
    for n in range(turns):
        events += _turn(f"answer {n}", "deny", SlotSet("features_absent", [f"f{k}" for k in range(n + 1)]),
                        "interview_form", BotUttered(f"question {n}"), SlotSet("requested_slot", f"q{n}"))
    return events


def _processor(domain):
    from rasa.core.processor import MessageProcessor

    processor = MessageProcessor.__new__(MessageProcessor)  # what session handling uses of it
    processor.domain, processor.action_endpoint, processor.nlg = domain, None, None
    return processor


def test_carried_slots_are_the_final_values_once_each():
    from rasa.core.actions.action import ActionSessionStart
    from rasa.shared.core.events import AllSlotsReset, SlotSet

    patches.apply()
    events = [SlotSet("triage", "routine"), SlotSet("features_present", ["a"]), SlotSet("triage", "urgent"),
              AllSlotsReset(), SlotSet("features_present", ["a", "b"]), SlotSet("assessment", None)]
    tracker, domain = _tracker(*events)
    carried = ActionSessionStart._slot_set_events_from_tracker(tracker)
    assert [(e.key, e.value) for e in carried] == [("triage", "urgent"), ("features_present", ["a", "b"]),
                                                   ("assessment", None)]
    # replayed on an empty tracker: the slot values Rasa's list of every SlotSet gives
    rasa_list = [SlotSet(e.key, e.value) for e in tracker.applied_events() if isinstance(e, SlotSet)]
    assert _tracker(*rasa_list)[0].current_slot_values() == _tracker(*carried)[0].current_slot_values()


def test_a_session_is_full_after_session_messages_user_messages(monkeypatch):
    from rasa.shared.core.events import ConversationPaused, UserUttered

    monkeypatch.setattr(patches, "SESSION_MESSAGES", 3)
    tracker, _ = _tracker(*_interview(1))
    assert patches.user_messages_in_session(tracker) == 2 and not patches.session_is_full(tracker)
    tracker.update(_turn("answer", "affirm")[0])
    assert not patches.session_is_full(tracker)  # mid-turn: never
    for event in _turn("x", "affirm")[1:]:
        tracker.update(event)
    assert patches.session_is_full(tracker)
    tracker.update(UserUttered(None, {"name": "deny"}, [], metadata={patches.CARRIED_OVER: True}))
    assert patches.user_messages_in_session(tracker) == 3  # a carried copy is not a message
    paused, _ = _tracker(*_interview(3), ConversationPaused())
    assert not patches.session_is_full(paused)
    monkeypatch.setattr(patches, "SESSION_MESSAGES", 0)
    assert not patches.session_is_full(tracker)


def _states(tracker, domain):
    """The states RulePolicy's featurizer gives the policy (the user's text is dropped
    where there is an intent)."""
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer

    return MaxHistoryTrackerFeaturizer(max_history=None).prediction_states([tracker], domain)[0]


@pytest.mark.parametrize("last_turn", ["answer", "confirm", "revert"])
async def test_a_rollover_keeps_what_the_policies_see(monkeypatch, last_turn):
    """A full session rolls over before the next message; the new session holds the
    slots, the form and the last turn, and the policies' states of that turn are the
    same. The person's words are not repeated."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered, UserUtteranceReverted

    patches.apply()
    monkeypatch.setattr(patches, "SESSION_MESSAGES", 4)
    domain = _domain()
    events = _interview(3)
    if last_turn == "confirm":
        events += _turn("delete my data", "delete_my_data", "action_deactivate_loop", "utter_confirm_forget")
    elif last_turn == "revert":  # a fallback took the last message back
        events += [UserUttered("blah", {"name": "nlu_fallback"}), ActionExecuted("action_default_fallback"),
                   BotUttered("sorry?"), UserUtteranceReverted(), ActionExecuted("action_listen")]
    tracker, _ = _tracker(*events)
    before = _states(tracker, domain)
    slots, loop = tracker.current_slot_values(), tracker.active_loop_name
    assert patches.session_is_full(tracker) or last_turn == "revert"
    if last_turn == "revert":
        monkeypatch.setattr(patches, "SESSION_MESSAGES", 3)  # the reverted message does not count
        assert patches.user_messages_in_session(tracker) == 5 and patches.session_is_full(tracker)

    await _processor(domain)._update_tracker_session(tracker, None)

    events = list(tracker.events)
    new_session = events[max(i for i, e in enumerate(events) if isinstance(e, SessionStarted)):]
    assert tracker.current_slot_values() == slots and tracker.active_loop_name == loop
    assert tracker.latest_action_name == "action_listen" and patches.user_messages_in_session(tracker) == 0
    carried = [e for e in new_session if e.metadata.get(patches.CARRIED_OVER)]
    users = [e for e in carried if isinstance(e, UserUttered)]
    assert len(users) == 1 and users[0].text is None and users[0].intent["name"] != "nlu_fallback"
    assert not any(isinstance(e, BotUttered) for e in new_session)
    after = _states(tracker, domain)
    turn = sum(isinstance(e, ActionExecuted) for e in carried)  # the states of the carried turn
    assert after[-turn:] == before[-turn:]


async def test_a_session_expired_by_time_is_rasas(monkeypatch):
    from rasa.shared.core.events import SessionStarted

    patches.apply()
    domain = _domain()
    tracker, _ = _tracker(*_interview(2))
    for event in tracker.events:
        event.timestamp -= 3 * 3600  # hours ago: expired
    monkeypatch.setattr(patches, "SESSION_MESSAGES", 2)
    await _processor(domain)._update_tracker_session(tracker, None)
    events = list(tracker.events)
    start = max(i for i, e in enumerate(events) if isinstance(e, SessionStarted))
    assert not any(e.metadata.get(patches.CARRIED_OVER) for e in events[start:])
    assert tracker.active_loop_name is None  # Rasa's new session: the form is not carried


def _rule_steps():
    import yaml

    from tests.servers import ROOT

    for path in sorted((ROOT / "data").glob("*.yml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules", []):
            yield f"{path.name}: {rule['rule']}", rule["steps"]


@pytest.mark.parametrize("name,steps", list(_rule_steps()), ids=lambda v: v if isinstance(v, str) else "")
def test_no_rule_looks_back_further_than_the_previous_message(name, steps):
    """What a rollover carries (5) is enough for every rule: at most the person's
    previous message and what the bot did after it, then the new message."""
    users = [i for i, step in enumerate(steps) if "intent" in step or "or" in step or "user" in step]
    assert len(users) <= 2, name
    if len(users) == 2:
        assert users[0] == 0, name  # nothing before the previous message


def test_rule_policy_is_the_only_policy():
    """Policies that read further back (TED, memoization) would see a rollover."""
    import yaml

    from tests.servers import ROOT

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert [p["name"] for p in config["policies"]] == ["RulePolicy"]


# ---------------------------------------------------------------- 7: the action call
def _loop_tracker():
    from rasa.shared.core.events import ActiveLoop, BotUttered

    tracker, domain = _tracker(*_interview(2), ActiveLoop("interview_form"), BotUttered("hm"))
    return tracker, domain


def test_the_tracker_state_is_rasas_current_state():
    import json

    from rasa.shared.core.trackers import EventVerbosity

    for tracker, _ in (_loop_tracker(), _tracker(), _tracker(*_session_start())):
        ours = patches.tracker_state(tracker, list(tracker.events))
        assert json.dumps(ours, sort_keys=True) == json.dumps(tracker.current_state(EventVerbosity.ALL), sort_keys=True)


def test_the_action_server_gets_the_turns_events(monkeypatch):
    import rasa
    from rasa.shared.core.trackers import EventVerbosity
    from rasa.utils.endpoints import EndpointConfig

    patches.apply()
    tracker, domain = _loop_tracker()
    action = RemoteAction("action_give_assessment", EndpointConfig("http://localhost:1/webhook"))
    call = action._action_call_format(tracker, domain)
    events = [e.as_dict() for e in tracker.events]
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    assert call["tracker"]["events"] == events[last_user:]
    assert call["tracker"]["slots"] == tracker.current_slot_values() and "domain" in call
    monkeypatch.setattr(patches, "TURN_EVENTS_ONLY", False)  # Rasa's request, exactly
    assert action._action_call_format(tracker, domain) == {
        "next_action": "action_give_assessment", "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(EventVerbosity.ALL), "version": rasa.__version__, "domain": domain.as_dict()}
    selective = RemoteAction("action_give_assessment",
                             EndpointConfig("http://localhost:1/webhook", enable_selective_domain=True))
    assert "domain" not in selective._action_call_format(tracker, domain)


def test_actions_read_no_event_before_the_latest_user_message():
    """What patch 7 relies on: in actions/, `tracker.events` is only walked backwards
    up to the latest user message."""
    import ast

    from tests.servers import ROOT

    for path in sorted((ROOT / "actions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "events":
                source = ast.get_source_segment(path.read_text(encoding="utf-8"), node)
                loop = next((n for n in ast.walk(tree) if isinstance(n, ast.For)
                             and ast.get_source_segment(path.read_text(encoding="utf-8"), n.iter) ==
                             f"reversed({source})"), None)
                assert loop is not None, f"{path.name}: {source} used other than in `for ... in reversed(...)`"
                body = ast.get_source_segment(path.read_text(encoding="utf-8"), loop)
                assert '"user"' in body and "return" in body, f"{path.name}: the walk must stop at the user message"


# ---------------------------------------------------------------- 8: debug copies
def test_debug_arguments_are_copied_only_when_debug_logging_is_on():
    import logging

    import structlog
    from rasa.core import processor
    from rasa.core.actions import forms
    from rasa.core.policies import rule_policy

    patches.apply()
    value = {"events": [{"event": "slot"}]}
    saved = structlog.get_config()
    try:
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
        for module in (processor, forms, rule_policy):
            assert module.copy.deepcopy(value) is value
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
        copied = processor.copy.deepcopy(value)
        assert copied == value and copied is not value and copied["events"] is not value["events"]
        assert processor.copy.copy(value) == value  # everything else is the copy module's
    finally:
        structlog.configure(**saved)


# ---------------------------------------------------------------- 9: messages at once
async def test_the_gate_admits_its_size_and_then_first_come_first_served():
    import asyncio

    gate, order, running = patches.Gate(2), [], []

    async def message(n):
        async with gate:
            running.append(n)
            assert len(running) <= 2
            order.append(n)
            await asyncio.sleep(0.01 if n < 2 else 0)
            running.remove(n)

    tasks = [asyncio.ensure_future(message(n)) for n in range(6)]
    await asyncio.sleep(0)
    late = asyncio.ensure_future(message(6))  # comes while the others wait: served last
    await asyncio.gather(*tasks, late)
    assert order == list(range(7))
    assert gate.free == 2 and not gate.waiting


async def test_a_cancelled_waiter_gives_its_turn_on():
    import asyncio

    gate = patches.Gate(1)
    await gate.__aenter__()
    waiter = asyncio.ensure_future(gate.__aenter__())
    after = asyncio.ensure_future(gate.__aenter__())
    await asyncio.sleep(0)
    gate.release()  # the first waiter is handed the slot ...
    waiter.cancel()  # ... and cancelled before it runs: the slot goes on
    for _ in range(3):
        await asyncio.sleep(0)
    assert after.done() and waiter.cancelled()
    gate.release()
    assert gate.free == 1 and not gate.waiting


async def test_messages_are_handled_at_most_messages_at_once(monkeypatch):
    import asyncio

    from rasa.core.processor import MessageProcessor

    patches.apply()
    assert MessageProcessor.handle_message is patches.handle_message
    inside, most = [], []

    async def rasa_handle(self, message):
        inside.append(message)
        most.append(len(inside))
        await asyncio.sleep(0.005)
        inside.remove(message)
        return [message]

    monkeypatch.setattr(patches, "_rasa_handle_message", rasa_handle)
    monkeypatch.setattr(patches, "MESSAGES_AT_ONCE", 3)
    monkeypatch.setattr(patches, "_gates", __import__("weakref").WeakKeyDictionary())
    replies = await asyncio.gather(*(patches.handle_message(None, n) for n in range(10)))
    assert replies == [[n] for n in range(10)] and max(most) == 3


class _Validator:
    """Stands for DefaultV1RecipeValidator: only the component types matter here."""

    def __init__(self, component_types):
        self._component_types = set(component_types)


def _unused_data_warnings(component_types):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().reads(
        'version: "3.1"\nnlu:\n- intent: faq/how_long\n  examples: |\n    - how long does it last\n'
    )
    patches.apply()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        patches.warn_if_training_data_unused(_Validator(component_types), data)
    return [str(w.message) for w in caught if "response selector" in str(w.message)]


def test_the_faq_ranker_counts_as_the_response_selector():
    from adapters.pipeline.faq_ranker import FaqRankerComponent

    assert _unused_data_warnings({FaqRankerComponent}) == []


def test_faq_examples_with_nothing_to_train_on_them_still_warn():
    assert len(_unused_data_warnings(set())) == 1


# ---------------------------------------------------------------- patch 11: DIET loaded for prediction only

DIET_NLU = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello there
    - hi
    - good morning
    - hey
- intent: describe_symptoms
  examples: |
    - my knee hurts when I climb stairs
    - pain shoots down my leg
    - my back aches and my leg is numb
    - I have a sore knee
- intent: faq
  examples: |
    - how long does sciatica last
    - what is sciatica
    - should I use ice or heat
    - do injections help
"""


@pytest.fixture(scope="module")
def trained_diet(tmp_path_factory):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    storage = LocalModelStorage(tmp_path_factory.mktemp("diet"))
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("featurizer"), context
    )
    data = RasaYAMLReader().reads(DIET_NLU)
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    config = {**DIETClassifier.get_default_config(), "epochs": 3, "entity_recognition": False,
              "number_of_transformer_layers": 0, "random_seed": 1}
    DIETClassifier.create(config, storage, Resource("diet"), context).train(data)

    def load():
        return DIETClassifier.load(config, storage, Resource("diet"), context)

    def predict(classifier, text):
        from rasa.shared.nlu.training_data.message import Message

        message = Message(data={"text": text})
        tokenizer.process([message])
        featurizer.process([message])
        classifier.process([message])
        return [(r["name"], round(r["confidence"], 6)) for r in message.get("intent_ranking")]

    return load, predict


def test_diet_loaded_for_prediction_predicts_as_rasa_loaded_it(trained_diet):
    from rasa.utils.tensorflow.models import RasaModel

    load, predict = trained_diet
    patches.apply()
    assert RasaModel.load.__func__ is patches.load_for_prediction
    ours = load()
    RasaModel.load = classmethod(patches.rasa_model_load)
    try:
        rasas = load()
    finally:
        patches.apply()
    assert rasas.model.optimizer is not None  # Rasa's load: compiled and trained on one example
    assert getattr(ours.model, "optimizer", None) is None  # ours: never compiled, nothing trained
    for text in ["hello", "my knee hurts", "how long does it last", "injections?", "zzz", "a " * 300]:
        assert predict(ours, text) == predict(rasas, text)
