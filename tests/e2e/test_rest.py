"""The REST channel of a real running bot (action server + rasa run + SQLite)."""
import json
import sqlite3
import urllib.request


def say(bot, sender, text):
    request = urllib.request.Request(
        f"{bot.url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def texts(replies):
    return " ".join(r.get("text", "") for r in replies)


def test_hello_gets_the_greeting_with_disclaimer(running_bot):
    reply = texts(say(running_bot, "rest-hello", "hello"))
    assert "not a doctor" in reply
    assert "emergency number" in reply


def test_first_message_red_flag_gets_emergency_advice_first(running_bot):
    replies = say(running_bot, "rest-red-flag", "my knee hurts and I've wet myself and my groin feels numb")
    assert replies[0]["text"].startswith("Important:")
    assert "emergency department" in replies[0]["text"]
    assert replies[0]["custom"]["data"]["type"] == "red_flag_alert"  # the hint rides with its text
    assert "emergency department now" not in texts(replies[1:])  # said once, not repeated by the assessment
    assert all(reply.get("text") for reply in replies)  # no empty message


def test_interview_question_comes_with_buttons(running_bot):
    replies = say(running_bot, "rest-buttons", "my knee clicks when I squat")
    buttons = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert buttons == ["/affirm", "/deny", "/unsure"]
    assert say(running_bot, "rest-buttons", "/deny")[0]["text"]


def test_conversation_is_stored_in_sqlite(running_bot):
    say(running_bot, "rest-stored", "hi")
    with sqlite3.connect(running_bot.workdir / "tracker.db") as db:
        rows = db.execute("select count(*) from events where sender_id = ?", ("rest-stored",)).fetchone()[0]
    assert rows >= 3


def test_correction_is_acknowledged(running_bot):
    say(running_bot, "rest-correct", "my knee clicks and my lower back hurts")
    reply = texts(say(running_bot, "rest-correct", "actually sorry, it doesn't click"))
    assert "corrected my notes" in reply
