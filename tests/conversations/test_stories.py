"""Every conversation test story, replayed live (see runner.py)."""
import json
import statistics
from pathlib import Path

import pytest

from tests.conversations.runner import load_stories, replay

STORIES = load_stories()
QUESTIONS_TO_ASSESSMENT = {}  # filled by test_story, read by the last test


def test_there_are_conversation_tests():
    assert len(STORIES) >= 10


@pytest.mark.parametrize("name", sorted(STORIES))
def test_story(name, agent, event_loop_for_agent):
    sender = "test-" + name.replace(" ", "-")
    problems = event_loop_for_agent.run_until_complete(
        replay(agent, sender, STORIES[name], QUESTIONS_TO_ASSESSMENT)
    )
    assert not problems, "\n".join(problems)


def test_median_questions_to_an_assessment():
    """Runs after every story (pytest keeps file order): the interview stays short."""
    counts = sorted(QUESTIONS_TO_ASSESSMENT.values())
    assert len(counts) >= 8, QUESTIONS_TO_ASSESSMENT
    Path("results").mkdir(exist_ok=True)
    Path("results/questions_to_assessment.json").write_text(
        json.dumps({"median": statistics.median(counts), "counts": QUESTIONS_TO_ASSESSMENT}, indent=2)
    )
    assert statistics.median(counts) <= 8
