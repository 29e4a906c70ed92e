"""adapters.channels.display_hints: a display hint travels with its text, never alone."""
import asyncio

from adapters.channels.display_hints import OneMessageCollector, WithoutHints, without_hints

HINT = {"data": {"type": "red_flag_alert", "triage": "emergency"}}


def test_without_hints():
    assert without_hints(HINT) is None
    assert without_hints({"data": {"type": "x"}, "photo": "p.png"}) == {"photo": "p.png"}
    assert without_hints({"photo": "p.png"}) == {"photo": "p.png"}


class _Recorder:
    def __init__(self):
        self.sent = []

    async def send_custom_json(self, recipient_id, json_message, **kwargs):
        self.sent.append(json_message)


class _Platform(WithoutHints, _Recorder):
    pass


def test_a_text_platform_sends_nothing_for_a_hint_alone():
    platform = _Platform()
    asyncio.run(platform.send_custom_json("u1", dict(HINT)))
    asyncio.run(platform.send_custom_json("u1", {**HINT, "photo": "p.png"}))
    assert platform.sent == [{"photo": "p.png"}]


def test_rest_sends_text_and_hint_as_one_message():
    collector = OneMessageCollector()
    asyncio.run(collector.send_response("u1", {"text": "Please go to an emergency department now.", "custom": HINT}))
    asyncio.run(collector.send_response("u1", {"text": "Do you have pain in your buttock?",
                                               "buttons": [{"title": "Yes", "payload": "/affirm"}]}))
    assert collector.messages == [
        {"recipient_id": "u1", "text": "Please go to an emergency department now.", "custom": HINT},
        {"recipient_id": "u1", "text": "Do you have pain in your buttock?",
         "buttons": [{"title": "Yes", "payload": "/affirm"}]},
    ]
    assert all(message.get("text") for message in collector.messages)
