"""Rasa NLU component: which FAQ question a message is (retrieval intent `faq`).

Takes the place of Rasa's ResponseSelector for the FAQ and gives the same output
(`response_selector.faq` in the parse: the chosen `faq/<key>`, its `utter_faq/<key>`
and confidence, and a ranking), so Rasa's retrieval action `utter_faq`, bot.faq and
the FAQ rules read it unchanged. The ranking itself is bot.faq_ranker (a logistic
regression over character n-grams, no TensorFlow); this module trains it on the
training data's `faq/<key>` examples (and every other intent's examples as the
messages that are no FAQ question), stores its arrays in the model and runs it.

The answers' wording is not copied into every parse (Rasa's selector does): the
retrieval action reads `utter_faq/<key>` from the domain, and each stored user
event stays small.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.faq_ranker
from bot.faq import RETRIEVAL_INTENT
from bot.faq_ranker import DEFAULTS, FaqRanker

SELECTOR_PROPERTY = "response_selector"
META_FILE, ARRAYS_FILE = "faq_ranker.json", "faq_ranker.npz"


def selector_output(ranking: List[tuple], retrieval_intent: str) -> Dict[str, Any]:
    """Rasa's ResponseSelector output for one retrieval intent, from a ranking
    [(key, confidence), ...] best first."""
    (key, confidence), *_ = ranking
    full = f"{retrieval_intent}/{key}"
    return {
        "response": {
            "responses": [],
            "confidence": confidence,
            "intent_response_key": full,
            "utter_action": f"utter_{full}",
        },
        "ranking": [
            {"id": index, "confidence": value, "intent_response_key": f"{retrieval_intent}/{name}"}
            for index, (name, value) in enumerate(ranking)
        ],
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqRankerComponent(GraphComponent):
    """Adds `response_selector.<retrieval_intent>` to every message with text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DEFAULTS, "retrieval_intent": RETRIEVAL_INTENT, "ranking_length": 2}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """Retrain (not reuse Rasa's cached copy) when the ranker's code changes."""
        return hashlib.sha256(Path(bot.faq_ranker.__file__).read_bytes()).hexdigest()

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        ranker: Optional[FaqRanker] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._ranker = ranker

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqRankerComponent":
        return cls(config, model_storage, resource)

    def _settings(self) -> Dict[str, Any]:
        return {name: self._config[name] for name in DEFAULTS}

    def train(self, training_data: TrainingData) -> Resource:
        prefix = self._config["retrieval_intent"] + "/"
        examples, others = [], []
        for message in training_data.intent_examples:
            text, full = message.get(TEXT), message.get(INTENT_RESPONSE_KEY) or ""
            if not text:
                continue
            if full.startswith(prefix):
                examples.append((text, full[len(prefix):]))
            elif message.get(INTENT) != self._config["retrieval_intent"]:
                others.append(text)  # every other intent: not an FAQ question
        if len({key for _, key in examples}) < 2:
            return self._resource  # no FAQ in this training data: nothing to rank
        texts, keys = zip(*examples)
        self._ranker = FaqRanker.fit(texts, keys, self._settings(), others=others)
        meta, arrays = self._ranker.to_arrays()
        with self._model_storage.write_to(self._resource) as directory:
            (Path(directory) / META_FILE).write_text(json.dumps(meta))
            np.savez(Path(directory) / ARRAYS_FILE, **arrays)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "FaqRankerComponent":
        ranker = None
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((Path(directory) / META_FILE).read_text())
                with np.load(Path(directory) / ARRAYS_FILE) as stored:
                    arrays = {name: stored[name] for name in stored.files}
            ranker = FaqRanker.from_arrays(meta, arrays)
        except (ValueError, FileNotFoundError):
            pass  # trained without FAQ examples: the component adds nothing
        return cls(config, model_storage, resource, ranker)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._ranker is None:
            return messages
        retrieval_intent = self._config["retrieval_intent"]
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            ranking = self._ranker.rank(text, int(self._config["ranking_length"]))
            properties = message.get(SELECTOR_PROPERTY) or {}
            properties["all_retrieval_intents"] = sorted(
                set(properties.get("all_retrieval_intents") or []) | {retrieval_intent}
            )
            properties[retrieval_intent] = selector_output(ranking, retrieval_intent)
            message.set(SELECTOR_PROPERTY, properties, add_to_output=True)
        return messages
