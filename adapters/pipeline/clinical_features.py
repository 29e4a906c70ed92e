"""Rasa NLU component: clinical features as entities, from bot.nlp's spaCy pipeline.

Every channel, `rasa shell` and `/model/parse` go through this component, so all
of them see the same entities:

    {"entity": "clinical_feature", "value": "<feature id>", "role": "<status>"}

where status is present | absent | uncertain | historical | hypothetical | other.

The spaCy pipeline is built from bot/data (lexicon and ConText rules) when the
model is trained, and saved *inside* the model archive, so a trained model loads
from anywhere with no path to resolve (SpacyNLP given a relative path would not
be packed into the model).
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot
from bot.features import ENTITY
from bot.nlp import build_nlp, extract, load_nlp

logger = logging.getLogger(__name__)

PIPELINE_DIR = "spacy_pipeline"
BOT_DIR = Path(bot.__file__).resolve().parent
# What the spaCy pipeline is built from. Rasa's training cache cannot see these
# files, so their content goes into the component's fingerprint (see below).
PIPELINE_SOURCES = ("data/lexicon.yml", "data/context_rules.yml", "data/features.yml", "nlp/*.py")


def sources_fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in PIPELINE_SOURCES:
        for path in sorted(BOT_DIR.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class ClinicalFeatureExtractor(GraphComponent, EntityExtractorMixin):
    """Adds one `clinical_feature` entity per mention, with its status as role."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # pipeline: a pipeline directory built at set-up time (`make nlp`);
        # when absent, the pipeline is built from bot/data at training time.
        return {"pipeline": ".build/knee_nlp"}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """Retrain (not reuse Rasa's cached copy) when the lexicon or bot/nlp change."""
        return sources_fingerprint()

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        nlp: Optional[Any] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._nlp = nlp

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ClinicalFeatureExtractor":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        prebuilt = Path(self._config.get("pipeline") or "")
        if prebuilt.name and (prebuilt / "config.cfg").is_file():
            self._nlp = load_nlp(prebuilt)
        else:
            self._nlp = build_nlp()
        with self._model_storage.write_to(self._resource) as directory:
            self._nlp.to_disk(Path(directory) / PIPELINE_DIR)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ClinicalFeatureExtractor":
        with model_storage.read_from(resource) as directory:
            nlp = load_nlp(Path(directory) / PIPELINE_DIR)
        return cls(config, model_storage, resource, nlp)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            entities = [
                {
                    "entity": ENTITY,
                    "value": mention.feature,
                    "role": mention.status,
                    "start": mention.start,
                    "end": mention.end,
                    "confidence_entity": 1.0,
                    "extractor": self.__class__.__name__,
                }
                for mention in extract(self._nlp, text)
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples carry no clinical entities for DIET; nothing to add.
        return training_data
