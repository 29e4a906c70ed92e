""""Delete my data" in the chat removes the conversation from the tracker store
(SQLite here, the same store class as `make run`), and only that conversation."""
import sqlite3

from tests.e2e.test_rest import say, texts


def stored(bot, sender):
    with sqlite3.connect(bot.workdir / "tracker.db") as db:
        rows = db.execute("select data from events where sender_id = ? order by id", (sender,)).fetchall()
    return [row[0] for row in rows]


def test_delete_my_data_confirmed_removes_the_conversation(running_bot):
    sender, bystander = "forget-me", "forget-bystander"
    say(running_bot, bystander, "my knee clicks when I squat")
    say(running_bot, sender, "my knee clicks and I have numbness in my foot")
    say(running_bot, sender, "no")
    before = stored(running_bot, sender)
    assert any("numbness in my foot" in row for row in before)

    ask = say(running_bot, sender, "please delete my data")
    assert "Shall I delete it?" in texts(ask)
    assert [b["payload"] for r in ask for b in r.get("buttons", [])] == ["/affirm", "/deny"]
    assert stored(running_bot, sender), "nothing is deleted before the person confirms"

    done = say(running_bot, sender, "/affirm")
    assert "deleted this conversation" in texts(done)
    assert {"data": {"type": "conversation_deleted"}} in [r.get("custom") for r in done]
    assert stored(running_bot, sender) == []
    assert stored(running_bot, bystander), "other conversations are kept"

    # The next message starts an empty conversation: nothing of the old one comes back.
    say(running_bot, sender, "hello")
    after = stored(running_bot, sender)
    assert after and not any("numbness" in row for row in after)


def test_delete_my_data_cancelled_keeps_everything(running_bot):
    sender = "forget-cancel"
    say(running_bot, sender, "my knee clicks when I squat")
    say(running_bot, sender, "delete my data")
    count = len(stored(running_bot, sender))
    assert "haven't deleted anything" in texts(say(running_bot, sender, "/deny"))
    assert len(stored(running_bot, sender)) > count
