"""Every conversation test story, replayed live (see runner.py)."""
import pytest

from tests.conversations.runner import load_stories, replay

STORIES = load_stories()


def test_there_are_conversation_tests():
    assert len(STORIES) >= 10


@pytest.mark.parametrize("name", sorted(STORIES))
def test_story(name, agent, event_loop_for_agent):
    sender = "test-" + name.replace(" ", "-")
    problems = event_loop_for_agent.run_until_complete(replay(agent, sender, STORIES[name]))
    assert not problems, "\n".join(problems)
