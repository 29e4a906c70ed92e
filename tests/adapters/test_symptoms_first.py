"""adapters.pipeline.symptoms_first: symptoms start the interview, questions stay questions."""
import pytest

from adapters.pipeline.symptoms_first import describes_symptoms

SURE = {"faq": {"response": {"intent_response_key": "faq/how_long", "confidence": 0.9},
                "ranking": [{"confidence": 0.9}, {"confidence": 0.05}]}}
UNSURE = {"faq": {"response": {"intent_response_key": "faq/osteoarthritis", "confidence": 0.1},
                  "ranking": [{"confidence": 0.1}, {"confidence": 0.08}]}}
SYMPTOM = [{"entity": "clinical_feature", "value": "radiating_leg_pain", "role": "present"}]


@pytest.mark.parametrize("parse,want", [
    ({"text": "sciatica down my right leg", "intent": {"name": "faq"}, "entities": SYMPTOM, "response_selector": UNSURE}, True),
    ({"text": "sciatica down my right leg", "intent": {"name": "nlu_fallback"}, "entities": SYMPTOM, "response_selector": UNSURE}, True),
    ({"text": "my knee feels a bit odd", "intent": {"name": "faq"}, "entities": [], "response_selector": UNSURE}, True),
    ({"text": "how long does sciatica last?", "intent": {"name": "faq"}, "entities": [], "response_selector": SURE}, False),
    ({"text": "how long does my sciatica last?", "intent": {"name": "faq"}, "entities": SYMPTOM, "response_selector": SURE}, False),
    ({"text": "will it be sunny this weekend", "intent": {"name": "faq"}, "entities": [], "response_selector": UNSURE}, False),
    ({"text": "my knee hurts", "intent": {"name": "describe_symptoms"}, "entities": [], "response_selector": UNSURE}, False),
    # a statement is not a question, however sure the ranker is
    ({"text": "knee and back pain", "intent": {"name": "faq"}, "entities": SYMPTOM, "response_selector": SURE}, True),
    ({"text": "my knee clicks when I squat", "intent": {"name": "faq"}, "entities": [], "response_selector": SURE}, True),
    ({"text": "my knee clicks when I squat, is that the joint", "intent": {"name": "faq"}, "entities": [], "response_selector": SURE}, False),
    ({"text": "sciatica down my leg. Can it be cured", "intent": {"name": "faq"}, "entities": SYMPTOM, "response_selector": SURE}, False),
])
def test_describes_symptoms(parse, want):
    assert describes_symptoms(parse) is want
