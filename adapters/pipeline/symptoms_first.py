"""Rasa NLU component: a message that describes symptoms is not an unanswerable question.

Short symptom descriptions ("knee and back pain", "sciatica down my right leg") sit
close to the FAQ's questions, so the intent classifier can call them `faq` (and the
FAQ ranker, unsure which question they are, leaves the bot saying it cannot
answer) or be too unsure for any intent (`nlu_fallback`). When the clinical extractor
found a symptom the person has (or the message speaks of their own knee, leg or back:
bot.faq.names_own_body_part), and the message is `nlu_fallback`, or a `faq` that is
not shaped as a question ("knee and back pain": bot.faq.asks_question) or that the
ranker is not sure enough to answer (bot.faq.answerable, the same limits the FAQ
action uses), the intent becomes `describe_symptoms`: the interview starts. An FAQ
question the ranker is sure of is left alone, even with symptoms in it.

Runs last in the NLU pipeline, after the FallbackClassifier (config.yml).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.faq import RETRIEVAL_INTENT, answerable, asks_question, match, names_own_body_part
from bot.features import ENTITY

SYMPTOMS_INTENT = "describe_symptoms"
FALLBACK_INTENT = "nlu_fallback"


def describes_symptoms(parse: Dict[str, Any]) -> bool:
    """Whether a parse the classifier called a question is really a symptom description."""
    name = (parse.get(INTENT) or {}).get("name")
    if name not in (RETRIEVAL_INTENT, FALLBACK_INTENT):
        return False
    has_symptom = any(
        e.get("entity") == ENTITY and e.get("role") == "present" for e in parse.get(ENTITIES) or []
    ) or names_own_body_part(parse.get(TEXT) or "")
    if not has_symptom:
        return False
    return name == FALLBACK_INTENT or not asks_question(parse.get(TEXT) or "") or not answerable(match(parse))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SymptomsFirst(GraphComponent):
    """Re-labels `nlu_fallback` or an unanswerable `faq` with a present symptom as
    `describe_symptoms`."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SymptomsFirst":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            parse = message.as_dict()
            if describes_symptoms(parse):
                confidence = float((parse.get(INTENT) or {}).get("confidence") or 0.0)
                intent = {"name": SYMPTOMS_INTENT, "confidence": confidence}
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != SYMPTOMS_INTENT]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
        return messages
