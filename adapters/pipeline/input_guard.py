"""Rasa NLU component: make any message text safe for the rest of the pipeline.

First in config.yml's pipeline, so every channel, `rasa shell` and `/model/parse`
go through it. It never rejects a message (the channels do that for malformed
requests); it only changes the text the NLU sees:

- control characters (NUL and every other C0/C1 control except tab, newline and
  carriage return) and unpaired UTF-16 surrogates become spaces, so the
  tokenizer, spaCy and the featurizers only ever see ordinary text;
- the text is cut to `max_characters` (set in config.yml), so a huge message
  costs no more than a long one. DIET, the featurizers and the clinical
  extractor all grow with the message length, and stock Rasa with a 20,000-word
  message tried to allocate a 20001 x 20001 attention matrix and lost its model.

Replacing (not deleting) keeps every character's offset, so entity start/end
still point into the text the person wrote. The cleaned text is the message's
`text` in the parse data (what the actions read as latest_message.text); the
tracker's user event keeps the original.

No state and nothing to train: the component is registered as a message
"tokenizer" only so that Rasa's default recipe runs it, in pipeline order,
both on the training data and on every message.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# C0 controls but \t \n \r, DEL, C1 controls, and lone surrogates (which JSON
# "\ud800" produces and UTF-8 cannot encode).
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str, max_characters: int) -> str:
    """`text` with unsafe characters replaced by spaces, at most `max_characters` long."""
    return UNSAFE_CHARACTERS.sub(" ", text[:max_characters])


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class InputGuard(GraphComponent):
    """Cleans and truncates message text before the rest of the NLU pipeline."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # config.yml sets it explicitly; this is only the fallback.
        return {"max_characters": 2000}

    def __init__(self, config: Dict[Text, Any]) -> None:
        max_characters = config.get("max_characters")
        if isinstance(max_characters, bool) or not isinstance(max_characters, int) or max_characters < 1:
            raise ValueError(
                f"adapters.pipeline.input_guard.InputGuard: max_characters must be a positive integer, got {max_characters!r}"
            )
        self.max_characters = max_characters

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "InputGuard":
        return cls(config)

    def _clean(self, message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str):
            cleaned = clean_text(text, self.max_characters)
            if cleaned != text:
                message.set(TEXT, cleaned)
        elif text is not None:  # never reached through Rasa's channels; be safe anyway
            message.set(TEXT, "")

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._clean(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._clean(example)
        return training_data
