"""adapters.pipeline.faq_ranker: trained on faq/<key> examples, stored in the model,
loaded, and gives the parse what Rasa's ResponseSelector gave (read by bot.faq and
Rasa's retrieval action utter_faq)."""
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from adapters.pipeline.faq_ranker import FaqRankerComponent
from bot.faq import match

NLU = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
- intent: faq/how_long
  examples: |
    - how long does sciatica last
    - when will the sciatica go away
    - how many weeks until it settles
- intent: faq/ice_or_heat
  examples: |
    - should I use ice or heat
    - is a hot water bottle better than ice
    - cold pack or warm pack
- intent: faq/injections
  examples: |
    - do steroid injections help
    - what is an epidural injection
"""
NO_FAQ = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
"""


def _component(tmp_path, data, name="faq_ranker"):
    storage = LocalModelStorage(tmp_path)
    resource = Resource(name)
    context = ExecutionContext(graph_schema=None, node_name=name)
    config = FaqRankerComponent.get_default_config()
    FaqRankerComponent.create(config, storage, resource, context).train(RasaYAMLReader().reads(data))
    return FaqRankerComponent.load(config, storage, resource, context)


def _parse(component, text):
    message = Message(data={"text": text})
    component.process([message])
    return message.as_dict(only_output_properties=True)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return _component(tmp_path_factory.mktemp("model"), NLU)


def test_a_question_gets_the_selectors_output(trained):
    parse = _parse(trained, "heat or ice for the pain?")
    selected = parse["response_selector"]["faq"]
    assert parse["response_selector"]["all_retrieval_intents"] == ["faq"]
    assert selected["response"]["intent_response_key"] == "faq/ice_or_heat"
    assert selected["response"]["utter_action"] == "utter_faq/ice_or_heat"
    assert [r["intent_response_key"] for r in selected["ranking"]][0] == "faq/ice_or_heat"
    assert len(selected["ranking"]) == 2  # ranking_length in the default config
    found = match(parse)
    assert found.key == "ice_or_heat" and found.confidence == selected["response"]["confidence"]
    assert found.margin == pytest.approx(selected["ranking"][0]["confidence"] - selected["ranking"][1]["confidence"])


def test_other_intents_are_learnt_as_no_question(trained):
    selected = _parse(trained, "hello there")["response_selector"]["faq"]
    assert {r["intent_response_key"] for r in selected["ranking"]} <= {"faq/how_long", "faq/ice_or_heat", "faq/injections"}
    assert selected["response"]["confidence"] < 0.5  # a greeting asks none of them


@pytest.mark.parametrize("text", ["", "   "])
def test_a_message_without_text_is_left_alone(trained, text):
    assert "response_selector" not in _parse(trained, text)


def test_trained_without_faq_examples_it_adds_nothing(tmp_path):
    component = _component(tmp_path, NO_FAQ)
    assert "response_selector" not in _parse(component, "how long does sciatica last")


def test_the_rankers_code_is_part_of_the_training_fingerprint():
    import hashlib
    from pathlib import Path

    import bot.faq_ranker

    code = Path(bot.faq_ranker.__file__).read_bytes()
    assert FaqRankerComponent.fingerprint_addon({}) == hashlib.sha256(code).hexdigest()
    assert "bot/faq_ranker.py" in Path("scripts/train_if_needed.sh").read_text()  # make train sees it too
