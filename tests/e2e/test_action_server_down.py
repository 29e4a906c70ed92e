"""Fault: the action server is down. The bot says it cannot assess right now and
still gives safe professional guidance (emergency advice first on a red flag);
when the action server comes back, the same conversation carries on normally.

Its own Rasa server, pointed at a port where no action server listens yet.
"""
import pytest

from tests.e2e.test_rest import say, texts
from tests.servers import ROOT, free_port, require_model, start_action_server, start_rasa, stop
from bot.messages import phrase
from bot.offline import KIND

APOLOGY = phrase(KIND, "apology")


class Bot:
    def __init__(self, url):
        self.url = url


@pytest.fixture(scope="module")
def bot_without_actions(tmp_path_factory):
    require_model()
    workdir = tmp_path_factory.mktemp("no_actions")
    action_port, rasa_port = free_port(), free_port()
    rasa = start_rasa(rasa_port, workdir, f"http://127.0.0.1:{action_port}/webhook", ROOT / "credentials.yml")
    holder = {"actions": None}
    try:
        yield Bot(f"http://127.0.0.1:{rasa_port}"), action_port, workdir, holder
    finally:
        stop(rasa, holder["actions"])


def test_action_server_down_then_back(bot_without_actions):
    bot, action_port, workdir, holder = bot_without_actions

    # A red flag while the action server is down: emergency advice first, then why
    # there is no assessment; one message, not one per failed action.
    replies = say(bot, "down-red", "my knee hurts and I can't control my bladder since yesterday")
    said = [r["text"] for r in replies if r.get("text")]
    assert said and said[0].startswith("Please go to an emergency department"), said
    assert sum(APOLOGY in text for text in said) == 1
    assert {"data": {"type": KIND, "triage": "emergency"}} in [r.get("custom") for r in replies]

    # No red flag: the apology and a professional to see, still nothing else.
    replies = say(bot, "down-routine", "my knee clicks when I squat")
    text = texts(replies)
    assert text.startswith(APOLOGY)
    assert "GP or a physiotherapist" in text
    # the same person trying again gets the same safe answer, not silence
    assert APOLOGY in texts(say(bot, "down-routine", "hello?"))

    # The action server comes back: the same conversation continues normally.
    holder["actions"] = start_action_server(action_port, workdir / "actions.log")
    replies = say(bot, "down-routine", "my knee clicks when I squat")
    assert APOLOGY not in texts(replies)
    buttons = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert buttons == ["/affirm", "/deny", "/unsure"], replies
