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
    """Runs after every story (pytest keeps file order): the interview stays short.

    Two medians: over every story that reached an assessment (red flags stop
    the interview early), and over complete routine interviews only.
    """
    runs = QUESTIONS_TO_ASSESSMENT.values()
    everything = [r["questions"] for r in runs]
    complete = [r["questions"] for r in runs if r["triage"] == "routine" and not r["stopped"]]
    assert len(everything) >= 8 and len(complete) >= 4, QUESTIONS_TO_ASSESSMENT
    medians = {"median_all": statistics.median(everything), "median_complete_routine": statistics.median(complete)}
    Path("results").mkdir(exist_ok=True)
    Path("results/questions_to_assessment.json").write_text(
        json.dumps({**medians, "runs": QUESTIONS_TO_ASSESSMENT}, indent=2)
    )
    assert medians["median_all"] <= 8 and medians["median_complete_routine"] <= 8, medians
