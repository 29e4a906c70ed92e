"""Build and load the spaCy pipeline that finds clinical terms and their context.

Everything the pipeline knows about wording comes from two YAML files:

* ``bot/data/lexicon.yml``: term classes (phrases people use), feature rules
  (which terms make a feature), composition clause breaks and fuzzy settings
  (parsed by `bot.nlp.lexicon`);
* ``bot/data/context_rules.yml``: ConText modifiers (negation, hedges,
  history, hypotheticals, other experiencers, terminations), parsed by
  `bot.nlp.context_rules`.

Both use one small phrase syntax (`bot.nlp.phrases`) so wording stays data,
never Python.  The pipeline (blank English with the chat tokenizer changes of
`bot.nlp.tokenizer`) is::

    knee_sentencizer -> knee_fuzzy -> knee_terms -> knee_context
    (sentencizer.py)    (fuzzy.py)    (matcher.py)   (context.py)

and leaves on each Doc: span groups ``knee_targets`` (terms ConText may
modify), ``knee_locators`` (body parts and directions, never modified),
``knee_breaks`` (clause breaks for composition) and ``doc._.knee_status``
(status of each modified target).  Turning all this into features is
``bot.nlp.extract``'s job.  Everything is compiled once when the pipeline is
built or loaded; `nlp.to_disk` saves the YAML data (and the fuzzy index) with
the pipeline.  No Rasa import here.
"""
from pathlib import Path
from typing import Set, Union

import spacy
from spacy.language import Language

# The component modules register their spaCy factories when imported; build_nlp
# and load_nlp need all four.
import bot.nlp.context  # noqa: F401
import bot.nlp.fuzzy  # noqa: F401
import bot.nlp.matcher  # noqa: F401
import bot.nlp.sentencizer  # noqa: F401
from bot.features import DATA_DIR, read_yaml
from bot.nlp.constants import (
    CONTEXT_FILE,
    CONTEXT_PIPE,
    FUZZY_PIPE,
    LEXICON_FILE,
    SENTENCIZER_PIPE,
    TERMS_PIPE,
)
from bot.nlp.context_rules import ContextData
from bot.nlp.lexicon import Lexicon
from bot.nlp.phrases import pattern_words
from bot.nlp.tokenizer import customise_tokenizer


def _stop_words(nlp: Language) -> Set[str]:
    return {word.lower() for word in nlp.Defaults.stop_words}


def _check_context_types(context: ContextData, lexicon: Lexicon) -> None:
    """Context rules may only restrict themselves to terms the lexicon defines."""
    for spec in context.rules:
        unknown = spec.term_types - set(lexicon.terms)
        if unknown:
            raise ValueError(f"context rule {spec.rule.category}: unknown term types {sorted(unknown)}")


def build_nlp(data_dir: Union[str, Path, None] = None) -> Language:
    """Build the pipeline from lexicon.yml and context_rules.yml in `data_dir`
    (default ``bot/data``)."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    nlp = spacy.blank("en")
    customise_tokenizer(nlp)
    nlp.add_pipe(SENTENCIZER_PIPE)
    fuzzy = nlp.add_pipe(FUZZY_PIPE)
    terms = nlp.add_pipe(TERMS_PIPE)
    context = nlp.add_pipe(CONTEXT_PIPE)
    targets, lexicon_words = terms.configure(read_yaml(data_dir / LEXICON_FILE))
    context_words = pattern_words(context.configure(read_yaml(data_dir / CONTEXT_FILE)))
    _check_context_types(context.data, terms.lexicon)
    protected = {word.lower() for word in terms.lexicon.fuzzy_protected}
    fuzzy.configure(
        targets=targets,
        known=lexicon_words | context_words | protected | _stop_words(nlp),
        min_length=terms.lexicon.fuzzy_min_length,
    )
    return nlp


def load_nlp(path: Union[str, Path]) -> Language:
    """Load a pipeline saved with ``nlp.to_disk`` (works in a fresh process:
    importing ``bot.nlp`` registers the factories)."""
    return spacy.load(Path(path))
