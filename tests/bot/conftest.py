"""Shared fixtures for the extraction tests: the pipeline is built once per session.

bot.nlp is imported inside the fixtures so other unit tests in this folder do
not pay for importing spaCy and medspaCy.
"""
import pytest


@pytest.fixture(scope="session")
def nlp():
    """The extraction pipeline built from bot/data/lexicon.yml and context_rules.yml."""
    from bot.nlp import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def saved_pipeline(nlp, tmp_path_factory):
    """The session pipeline saved with nlp.to_disk."""
    path = tmp_path_factory.mktemp("extraction") / "nlp"
    nlp.to_disk(path)
    return path
