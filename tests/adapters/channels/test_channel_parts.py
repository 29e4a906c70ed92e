"""The channel pieces on their own (no server): the effective credentials file,
numbered buttons, request signatures, and Telegram being unreachable."""
from __future__ import annotations

import hashlib
import hmac
import logging

import pytest
import yaml

from adapters.channels import numbered
from adapters.channels.credentials import effective_credentials, load_platforms, main
from tests.servers import ROOT, free_port

BASE = "rest:\n\nsocketio:\n  session_persistence: true\n"
ALL = {
    "TELEGRAM_ACCESS_TOKEN": "1:tok", "TELEGRAM_VERIFY": "bot", "TELEGRAM_WEBHOOK_URL": "https://x/y",
    "SLACK_TOKEN": "xoxb", "SLACK_SIGNING_SECRET": "s",
    "FACEBOOK_VERIFY": "v", "FACEBOOK_SECRET": "s", "FACEBOOK_PAGE_ACCESS_TOKEN": "p",
    "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_NUMBER": "+1",
}
BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
           {"title": "Not sure", "payload": "/unsure"}]


# ---- the effective credentials file ---------------------------------------
def test_no_variables_means_only_the_always_on_channels():
    text, report = effective_credentials(BASE, {})
    assert text == BASE
    assert report.on == ["rest", "socketio"]
    assert set(report.off) == {"telegram", "slack", "facebook", "twilio"}
    assert report.partial == []


def test_all_variables_turn_every_platform_on_with_references_not_secrets():
    env = {**ALL, "SLACK_CHANNEL": "C1"}
    text, report = effective_credentials(BASE, env)
    assert report.on == ["rest", "socketio", "telegram", "slack", "facebook", "twilio"]
    data = yaml.safe_load(text)
    assert data["socketio"] == {"session_persistence": True}
    assert data["adapters.channels.slack.SlackInput"] == {
        "slack_token": "${SLACK_TOKEN}", "slack_signing_secret": "${SLACK_SIGNING_SECRET}",
        "slack_channel": "${SLACK_CHANNEL}"}
    for secret in ("xoxb", "1:tok"):
        assert secret not in text


def test_a_platform_with_a_missing_or_blank_variable_stays_off_and_is_reported():
    env = {**ALL, "TWILIO_NUMBER": "  "}
    env.pop("FACEBOOK_SECRET")
    _, report = effective_credentials(BASE, env)
    assert "twilio" not in report.on and "facebook" not in report.on
    assert report.off == {"facebook": ["FACEBOOK_SECRET"], "twilio": ["TWILIO_NUMBER"]}
    assert set(report.partial) == {"facebook", "twilio"}


def test_a_platform_already_in_the_base_file_is_left_alone():
    base = BASE + "telegram:\n  access_token: ${MY_OWN}\n"
    text, report = effective_credentials(base, ALL)
    assert report.kept == ["telegram"]
    assert "adapters.channels.telegram.TelegramInput" not in text


def test_rasa_reads_the_file_and_fills_in_the_variables(tmp_path, monkeypatch):
    import rasa.shared.utils.io

    for name, value in ALL.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "credentials.yml"
    assert main([str(out), "--quiet"]) == 0
    loaded = rasa.shared.utils.io.read_config_file(str(out))
    assert loaded["adapters.channels.twilio.TwilioInput"] == {
        "account_sid": "AC1", "auth_token": "t", "twilio_number": "+1"}
    assert loaded["adapters.channels.facebook.FacebookInput"]["page-access-token"] == "p"
    assert "adapters.channels.rest.RestInput" in loaded and "adapters.channels.socketio.SocketIOInput" in loaded


def test_the_repository_credentials_file_works_as_the_base():
    _, report = effective_credentials((ROOT / "credentials.yml").read_text(), ALL)
    assert {"rest", "socketio", "telegram", "slack", "facebook", "twilio"} <= set(report.on)


def test_every_platform_names_its_webhook_and_class():
    for platform in load_platforms():
        assert platform.webhook == f"/webhooks/{platform.name}/webhook"
        assert platform.channel.startswith(f"adapters.channels.{platform.name}.")


# ---- numbered buttons -----------------------------------------------------
def test_buttons_become_numbered_lines():
    text = numbered.render("Does your knee lock?", BUTTONS)
    assert text.startswith("Does your knee lock?\n1. Yes\n2. No\n3. Not sure\n")


@pytest.mark.parametrize("reply, payload", [
    ("1", "/affirm"), ("2", "/deny"), (" 3 ", "/unsure"), ("2.", "/deny"), ("#2", "/deny"),
    ("4", None), ("0", None), ("no", None), ("2 times a day", None), ("", None),
])
def test_a_number_picks_its_button(reply, payload):
    assert numbered.payload_for_reply(reply, BUTTONS) == payload


def test_the_pending_buttons_are_those_of_the_last_question_not_yet_answered():
    question = {"event": "bot", "data": {"buttons": BUTTONS}}
    assert numbered.pending_buttons([{"event": "user"}, question, {"event": "bot", "data": {}}]) == BUTTONS
    assert numbered.pending_buttons([question, {"event": "user"}]) is None
    assert numbered.pending_buttons([]) is None


# ---- signatures -----------------------------------------------------------
def test_facebook_signature_accepts_sha256_or_sha1_only():
    from adapters.channels.facebook import signature_is_valid

    body, secret = b'{"object":"page"}', "app-secret"
    sha256 = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    sha1 = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    md5 = "md5=" + hmac.new(secret.encode(), body, hashlib.md5).hexdigest()
    assert signature_is_valid(secret, body, {"X-Hub-Signature-256": sha256})
    assert signature_is_valid(secret, body, {"X-Hub-Signature": sha1})
    assert not signature_is_valid(secret, body, {"X-Hub-Signature": md5})
    assert not signature_is_valid(secret, body + b" ", {"X-Hub-Signature-256": sha256})
    assert not signature_is_valid(secret, body, {})


def test_twilio_api_base_keeps_the_path():
    from adapters.channels.twilio import TwilioOutput

    out = TwilioOutput("AC1", "token", "+1", api_base="http://127.0.0.1:9/twilio/")
    assert out.get_hostname("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json") == \
        "http://127.0.0.1:9/twilio/2010-04-01/Accounts/AC1/Messages.json"


# ---- Telegram unreachable -------------------------------------------------
async def test_telegram_offline_builds_and_only_warns(caplog):
    from adapters.channels.telegram import TelegramInput

    token = "123456789:AAtest-offline-token_0123456789abcd"
    channel = TelegramInput.from_credentials({
        "access_token": token, "verify": "knee_bot", "webhook_url": "https://knee.example.org/x",
        "api_base": f"http://127.0.0.1:{free_port()}",  # nothing listens: connection refused
    })

    async def on_new_message(_message):
        return None

    blueprint = channel.blueprint(on_new_message)  # Rasa's own channel calls Telegram here
    assert blueprint.name == "telegram_webhook"
    with caplog.at_level(logging.WARNING, logger="adapters.channels.telegram"):
        assert await channel.register_webhook() is False
    assert "could not register the webhook" in caplog.text
    assert token not in caplog.text
    await channel.get_output_channel().close_session()


def test_telegram_malformed_token_is_a_clear_configuration_error():
    from adapters.channels.telegram import TelegramInput

    with pytest.raises(ValueError, match="TELEGRAM_ACCESS_TOKEN is not a bot token") as error:
        TelegramInput.from_credentials({"access_token": "not-a-token", "verify": "b", "webhook_url": "https://x"})
    assert "not-a-token" not in str(error.value)
