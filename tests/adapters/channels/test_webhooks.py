"""Telegram, Slack, Facebook Messenger and Twilio end to end, against a real server.

One Rasa server (and action server) for the module, started with the effective
credentials file that adapters/channels/credentials.py writes from test secrets in
the environment. Each platform's OUTGOING API is a local stub
(tests/adapters/channels/platform_stub.py, via the channels' api_base); everything else
is real: the tests post real-shaped, properly signed webhook requests over HTTP
to the running app, and read what the bot sent from the stub.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor, wait
import urllib.parse
import urllib.request
from typing import Dict, Optional, Tuple

import pytest

from adapters.channels.credentials import write_effective_credentials
from tests.adapters.channels.platform_stub import PlatformStub
from tests.servers import free_port, require_model, ROOT, start_action_server, start_rasa, stop

GREETING = "not a doctor"  # in utter_greet
SYMPTOMS = "my knee hurts and the pain shoots down my leg into my foot, my lower back is sore too"
NUMBERED = "1. Yes\n2. No\n3. Not sure"

SECRETS = {
    "telegram_token": "123456789:AAtest-telegram-token_0123456789abcd",
    "telegram_username": "knee_test_bot",
    "telegram_secret": "tg-secret-0123456789",
    "slack_token": "xoxb-test-slack-token",
    "slack_signing_secret": "slack-signing-secret-0123456789",
    "facebook_token": "EAAtestpageaccesstoken",
    "facebook_secret": "facebook-app-secret-0123456789",
    "facebook_verify": "knee-verify-token",
    "twilio_sid": "AC0123456789abcdef0123456789abcdef",
    "twilio_token": "twilio-auth-token-0123456789",
    "twilio_number": "+15005550006",
}


@pytest.fixture(scope="module")
def stub():
    platform_stub = PlatformStub(free_port(), SECRETS).start()
    yield platform_stub
    platform_stub.stop()


@pytest.fixture(scope="module")
def bot(stub, tmp_path_factory):
    """The running app's base URL, with all four platforms on."""
    require_model()
    workdir = tmp_path_factory.mktemp("channels")
    port = free_port()
    env = {
        "TELEGRAM_ACCESS_TOKEN": SECRETS["telegram_token"],
        "TELEGRAM_VERIFY": SECRETS["telegram_username"],
        "TELEGRAM_WEBHOOK_URL": "https://knee.example.org/webhooks/telegram/webhook",
        "TELEGRAM_SECRET_TOKEN": SECRETS["telegram_secret"],
        "TELEGRAM_API_BASE": f"{stub.url}/telegram",
        "SLACK_TOKEN": SECRETS["slack_token"],
        "SLACK_SIGNING_SECRET": SECRETS["slack_signing_secret"],
        "SLACK_API_BASE": f"{stub.url}/slack/api/",
        "FACEBOOK_VERIFY": SECRETS["facebook_verify"],
        "FACEBOOK_SECRET": SECRETS["facebook_secret"],
        "FACEBOOK_PAGE_ACCESS_TOKEN": SECRETS["facebook_token"],
        "FACEBOOK_API_BASE": f"{stub.url}/facebook",
        "TWILIO_ACCOUNT_SID": SECRETS["twilio_sid"],
        "TWILIO_AUTH_TOKEN": SECRETS["twilio_token"],
        "TWILIO_NUMBER": SECRETS["twilio_number"],
        "TWILIO_API_BASE": f"{stub.url}/twilio",
    }
    credentials = workdir / "credentials.yml"
    report = write_effective_credentials(credentials, ROOT / "credentials.yml", env)
    assert {"telegram", "slack", "facebook", "twilio"} <= set(report.on), report
    assert SECRETS["twilio_token"] not in credentials.read_text()  # ${VAR} only, no secret on disk

    # Both servers start at once (Rasa needs the action server only for messages).
    action_port = free_port()
    action_url = f"http://127.0.0.1:{action_port}/webhook"
    with ThreadPoolExecutor(2) as pool:
        actions = pool.submit(start_action_server, action_port, workdir / "actions.log")
        rasa = pool.submit(start_rasa, port, workdir, action_url, credentials, env=env)
        wait([actions, rasa])
    procs = [f.result() for f in (rasa, actions) if f.exception() is None]
    try:
        for future in (actions, rasa):
            if future.exception() is not None:
                raise future.exception()
        yield f"http://127.0.0.1:{port}", workdir
    finally:
        stop(*procs)


def post(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.loads(answer.read())


# ---- Telegram -------------------------------------------------------------
def telegram_update(chat_id: int, text: str) -> bytes:
    now = int(time.time())
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    return json.dumps({
        "update_id": 100000 + chat_id % 1000,
        "message": {"message_id": 1, "date": now, "from": user,
                    "chat": {"id": chat_id, "type": "private", "first_name": "Ann"}, "text": text},
    }).encode()


def post_telegram(base: str, chat_id: int, text: str, secret: Optional[str] = SECRETS["telegram_secret"]):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return post(f"{base}/webhooks/telegram/webhook", telegram_update(chat_id, text), headers)


def test_telegram_hello_reaches_telegram(bot, stub):
    base, _ = bot
    status, _ = post_telegram(base, 5101, "hello")
    assert status == 200
    stub.wait_for("telegram", "5101", lambda texts: any(GREETING in t for t in texts))


def test_telegram_start_command_greets(bot, stub):
    base, _ = bot
    assert post_telegram(base, 5102, "/start")[0] == 200
    stub.wait_for("telegram", "5102", lambda texts: any(GREETING in t for t in texts))


def test_telegram_update_without_secret_token_is_refused(bot, stub):
    base, _ = bot
    for secret in (None, "wrong-secret"):
        status, _ = post_telegram(base, 5103, "hello", secret=secret)
        assert status == 403
    time.sleep(1)
    assert stub.messages("telegram", "5103") == []


def test_telegram_question_has_buttons_and_a_press_answers(bot, stub):
    base, _ = bot
    chat = 5104

    def questions():
        return [s for s in stub.messages("telegram", str(chat)) if s.raw.get("reply_markup")]

    assert post_telegram(base, chat, SYMPTOMS)[0] == 200
    stub.wait_for("telegram", str(chat), lambda texts: len(questions()) >= 1)
    keyboard = json.loads(questions()[0].raw["reply_markup"])["inline_keyboard"]
    assert [b["callback_data"] for row in keyboard for b in row] == ["/affirm", "/deny", "/unsure"]

    user = {"id": chat, "is_bot": False, "first_name": "Ann"}
    press = json.dumps({"update_id": 200001, "callback_query": {
        "id": "4382bfdwdsb323b2d9", "from": user, "chat_instance": "-7", "data": "/deny",
        "message": {"message_id": 7, "date": int(time.time()), "text": questions()[0].text,
                    "chat": {"id": chat, "type": "private"}, "from": {"id": 4242, "is_bot": True, "first_name": "Knee bot"}},
    }}).encode()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRETS["telegram_secret"]}
    assert post(f"{base}/webhooks/telegram/webhook", press, headers)[0] == 200
    stub.wait_for("telegram", str(chat), lambda texts: len(questions()) >= 2)
    assert questions()[1].text != questions()[0].text


def test_telegram_offline_at_start_up_did_not_stop_the_server(bot, stub):
    """The stub drops setWebhook like an unreachable Telegram: a warning, nothing more."""
    base, workdir = bot
    log = workdir / "rasa.log"
    deadline = time.monotonic() + 30
    while "could not register the webhook" not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "no warning about the webhook in rasa.log"
        time.sleep(0.2)
    assert "telegram/setwebhook" in stub.calls
    assert SECRETS["telegram_token"] not in log.read_text(errors="replace")
    assert get_json(f"{base}/webhooks/telegram/") == {"status": "ok"}
    assert get_json(f"{base}/status")["model_file"]  # the rest of the app is up


# ---- Slack ----------------------------------------------------------------
def slack_event(user: str, channel: str, text: str) -> bytes:
    ts = f"{time.time():.6f}"
    return json.dumps({
        "token": "verification-token-unused", "team_id": "T0001", "api_app_id": "A0001",
        "event": {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
                  "event_ts": ts, "channel_type": "im"},
        "type": "event_callback", "event_id": f"Ev{int(time.time() * 1000)}", "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "U0BOT", "is_bot": True}],
    }).encode()


def slack_headers(body: bytes, secret: str, timestamp: Optional[int] = None) -> Dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = b"v0:" + str(timestamp).encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature}


def test_slack_hello_reaches_slack(bot, stub):
    base, _ = bot
    body = slack_event("U5201", "D5201", "hello")
    status, _ = post(f"{base}/webhooks/slack/webhook", body, slack_headers(body, SECRETS["slack_signing_secret"]))
    assert status == 200
    stub.wait_for("slack", "D5201", lambda texts: any(GREETING in t for t in texts))


@pytest.mark.parametrize("secret, age", [("not-the-signing-secret", 0), (SECRETS["slack_signing_secret"], 600)])
def test_slack_badly_signed_or_replayed_event_is_refused(bot, stub, secret, age):
    base, _ = bot
    body = slack_event("U5202", "D5202", "hello")
    headers = slack_headers(body, secret, int(time.time()) - age)
    status, _ = post(f"{base}/webhooks/slack/webhook", body, headers)
    assert status == 400
    time.sleep(1)
    assert stub.messages("slack", "D5202") == []


def test_slack_question_has_buttons_and_a_click_answers(bot, stub):
    base, _ = bot
    user, channel = "U5204", "D5204"

    def questions():
        return [s for s in stub.messages("slack", channel) if s.raw.get("blocks")]

    body = slack_event(user, channel, SYMPTOMS)
    assert post(f"{base}/webhooks/slack/webhook", body, slack_headers(body, SECRETS["slack_signing_secret"]))[0] == 200
    stub.wait_for("slack", channel, lambda texts: len(questions()) >= 1)
    buttons = questions()[0].raw["blocks"][1]["elements"]
    assert [b["value"] for b in buttons] == ["/affirm", "/deny", "/unsure"]

    click = {"type": "block_actions", "user": {"id": user, "name": "ann"}, "channel": {"id": channel},
             "message": {"ts": f"{time.time():.6f}", "text": questions()[0].text},
             "actions": [{**buttons[1], "action_id": "no", "block_id": "b1", "action_ts": f"{time.time():.6f}"}]}
    body = urllib.parse.urlencode({"payload": json.dumps(click)}).encode()
    headers = {**slack_headers(body, SECRETS["slack_signing_secret"]),
               "Content-Type": "application/x-www-form-urlencoded"}
    assert post(f"{base}/webhooks/slack/webhook", body, headers)[0] == 200
    stub.wait_for("slack", channel, lambda texts: len(questions()) >= 2)
    assert questions()[1].text != questions()[0].text


# ---- Facebook Messenger ---------------------------------------------------
def facebook_event(sender: str, text: str) -> bytes:
    now = int(time.time() * 1000)
    return json.dumps({"object": "page", "entry": [{"id": "PAGE1", "time": now, "messaging": [{
        "sender": {"id": sender}, "recipient": {"id": "PAGE1"}, "timestamp": now,
        "message": {"mid": f"m_{sender}_{now}", "text": text}}]}]}).encode()


def facebook_headers(body: bytes, secret: str) -> Dict[str, str]:
    key = secret.encode()
    return {"Content-Type": "application/json",
            "X-Hub-Signature": "sha1=" + hmac.new(key, body, hashlib.sha1).hexdigest(),
            "X-Hub-Signature-256": "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()}


def test_facebook_hello_reaches_messenger(bot, stub):
    base, _ = bot
    body = facebook_event("5301", "hello")
    status, _ = post(f"{base}/webhooks/facebook/webhook", body, facebook_headers(body, SECRETS["facebook_secret"]))
    assert status == 200
    stub.wait_for("facebook", "5301", lambda texts: any(GREETING in t for t in texts))


def test_facebook_badly_signed_event_is_refused(bot, stub):
    base, _ = bot
    body = facebook_event("5302", "hello")
    headers = facebook_headers(body, "not-the-app-secret")
    assert post(f"{base}/webhooks/facebook/webhook", body, headers)[0] == 403
    unsigned = {"Content-Type": "application/json"}
    assert post(f"{base}/webhooks/facebook/webhook", body, unsigned)[0] == 403
    time.sleep(1)
    assert stub.messages("facebook", "5302") == []  # not even "typing"


def test_facebook_webhook_verification(bot):
    base, _ = bot
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": SECRETS["facebook_verify"],
                                    "hub.challenge": "1158201444"})
    with urllib.request.urlopen(f"{base}/webhooks/facebook/webhook?{query}", timeout=30) as answer:
        assert answer.read().decode() == "1158201444"


# ---- Twilio ---------------------------------------------------------------
def twilio_form(sender: str, text: str) -> Dict[str, str]:
    return {"ToCountry": "US", "SmsMessageSid": f"SM{int(time.time() * 1e6)}", "NumMedia": "0",
            "From": sender, "To": SECRETS["twilio_number"], "Body": text, "NumSegments": "1",
            "MessageSid": f"SM{int(time.time() * 1e6)}", "AccountSid": SECRETS["twilio_sid"],
            "ApiVersion": "2010-04-01", "SmsStatus": "received"}


def twilio_signature(url: str, form: Dict[str, str], token: str) -> str:
    """Twilio's algorithm: HMAC-SHA1 of the URL + every key and value, keys sorted."""
    data = url + "".join(key + form[key] for key in sorted(form))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def post_twilio(base: str, sender: str, text: str, token: str = SECRETS["twilio_token"]) -> Tuple[int, str]:
    url = f"{base}/webhooks/twilio/webhook"
    form = twilio_form(sender, text)
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": twilio_signature(url, form, token)}
    return post(url, urllib.parse.urlencode(form).encode(), headers)


def test_twilio_hello_reaches_twilio(bot, stub):
    base, _ = bot
    status, _ = post_twilio(base, "+15550005401", "hello")
    assert status == 200
    stub.wait_for("twilio", "+15550005401", lambda texts: any(GREETING in t for t in texts))


def test_twilio_badly_signed_sms_is_refused(bot, stub):
    base, _ = bot
    assert post_twilio(base, "+15550005402", "hello", token="not-the-auth-token")[0] == 403
    time.sleep(1)
    assert stub.messages("twilio", "+15550005402") == []


def test_twilio_buttons_are_numbered_and_a_number_answers(bot, stub):
    base, _ = bot
    sender = "whatsapp:+15550005403"
    tracker_url = f"{base}/conversations/{urllib.parse.quote(sender, safe=':+')}/tracker"  # as is

    assert post_twilio(base, sender, SYMPTOMS)[0] == 200
    texts = stub.wait_for("twilio", sender, lambda texts: any(NUMBERED in t for t in texts))
    first_question = next(t for t in texts if NUMBERED in t)
    asked = get_json(tracker_url)["slots"]["requested_slot"]
    assert asked

    assert post_twilio(base, sender, "2")[0] == 200
    texts = stub.wait_for("twilio", sender, lambda texts: len([t for t in texts if NUMBERED in t]) >= 2)
    next_question = [t for t in texts if NUMBERED in t][-1]
    assert next_question != first_question
    slots = get_json(tracker_url)["slots"]
    assert slots[asked] == "no"  # "2" answered No
    assert slots["requested_slot"] != asked


# ---- every channel: one message per thing said ------------------------------
EMERGENCY = "my back hurts and now both my legs are numb and weak"
ADVICE = "emergency department now"


def _rest_texts(base: str, sender: str, text: str) -> list:
    status, body = post(f"{base}/webhooks/rest/webhook", json.dumps({"sender": sender, "message": text}).encode(),
                        {"Content-Type": "application/json"})
    assert status == 200, body
    return json.loads(body)


def test_an_emergency_is_said_once_and_no_channel_gets_an_empty_message(bot, stub):
    base, _ = bot
    rest = _rest_texts(base, "one-message-rest", EMERGENCY)
    assert all(message.get("text") for message in rest), rest  # the hint rides with its text
    assert sum(ADVICE in message["text"] for message in rest) == 1, rest
    assert any((message.get("custom") or {}).get("data", {}).get("type") == "red_flag_alert" for message in rest)
    want = [message["text"] for message in rest]

    assert post_telegram(base, 5901, EMERGENCY)[0] == 200
    body = slack_event("U5902", "D5902", EMERGENCY)
    assert post(f"{base}/webhooks/slack/webhook", body, slack_headers(body, SECRETS["slack_signing_secret"]))[0] == 200
    body = facebook_event("5903", EMERGENCY)
    assert post(f"{base}/webhooks/facebook/webhook", body, facebook_headers(body, SECRETS["facebook_secret"]))[0] == 200
    assert post_twilio(base, "+15550005904", EMERGENCY)[0] == 200
    for platform, to in (("telegram", "5901"), ("slack", "D5902"), ("facebook", "5903"), ("twilio", "+15550005904")):
        texts = stub.wait_for(platform, to, lambda texts: len([t for t in texts if t]) >= len(want))
        sent = [s for s in stub.messages(platform, to) if not (platform == "facebook" and s.method == "sender_action")]
        assert all(s.text.strip() for s in sent), (platform, [s.text for s in sent])
        assert [t for t in texts if t] == want, platform
        assert sum(ADVICE in t for t in texts) == 1, (platform, texts)
