"""The pieces of the hardened REST and socket.io channels on their own (no
server): the JWT switch of the credentials builder, the request size setting,
the socket.io origin policy and the log redaction. The channels themselves are
tested against a running server in tests/hardening/."""
from __future__ import annotations

import logging

import pytest
import yaml

from adapters.channels import log_privacy
from adapters.channels.credentials import describe, effective_credentials, main
from adapters.channels.rest import RestInput, apply_request_max_size
from adapters.channels.socketio import OriginPolicy
from adapters.channels.validation import DEFAULT_REQUEST_MAX_SIZE
from tests.servers import ROOT

REPO_BASE = (ROOT / "credentials.yml").read_text(encoding="utf-8")
SOCKETIO = "adapters.channels.socketio.SocketIOInput"


# ---- SOCKETIO_JWT_KEY in the effective credentials ------------------------
def test_without_a_jwt_key_the_base_file_is_kept_verbatim():
    text, report = effective_credentials(REPO_BASE, {})
    assert text == REPO_BASE and not report.socketio_jwt
    assert report.on[:2] == ["rest", "socketio"]


def test_a_jwt_key_makes_socketio_require_a_token_without_writing_the_secret():
    text, report = effective_credentials(REPO_BASE, {"SOCKETIO_JWT_KEY": "s3cret-value"})
    data = yaml.safe_load(text)
    assert report.socketio_jwt and "clients need a JWT" in describe(report)
    assert data[SOCKETIO]["jwt_key"] == "${SOCKETIO_JWT_KEY}"
    assert data[SOCKETIO]["jwt_method"] == "HS256"
    assert data[SOCKETIO]["session_persistence"] is True  # the rest of the block is kept
    assert "adapters.channels.rest.RestInput" in data and "adapters.web.channel.WebChat" in data
    assert "s3cret-value" not in text


def test_a_jwt_method_is_passed_by_reference_and_checked():
    text, _ = effective_credentials(REPO_BASE, {"SOCKETIO_JWT_KEY": "k", "SOCKETIO_JWT_METHOD": "RS256"})
    assert yaml.safe_load(text)[SOCKETIO]["jwt_method"] == "${SOCKETIO_JWT_METHOD}"
    with pytest.raises(ValueError, match="SOCKETIO_JWT_METHOD"):
        effective_credentials(REPO_BASE, {"SOCKETIO_JWT_KEY": "k", "SOCKETIO_JWT_METHOD": "none"})


def test_a_jwt_key_also_works_with_rasas_own_socketio_block():
    text, _ = effective_credentials("rest:\n\nsocketio:\n  session_persistence: true\n", {"SOCKETIO_JWT_KEY": "k"})
    assert yaml.safe_load(text)["socketio"]["jwt_key"] == "${SOCKETIO_JWT_KEY}"


def test_a_jwt_key_without_a_socketio_channel_is_an_error():
    with pytest.raises(ValueError, match="no socketio channel"):
        effective_credentials("rest:\n", {"SOCKETIO_JWT_KEY": "k"})


def test_rasa_fills_in_the_jwt_key(tmp_path, monkeypatch):
    import rasa.shared.utils.io

    monkeypatch.setenv("SOCKETIO_JWT_KEY", "the-key")
    out = tmp_path / "credentials.yml"
    assert main([str(out), "--quiet"]) == 0
    loaded = rasa.shared.utils.io.read_config_file(str(out))
    assert loaded[SOCKETIO]["jwt_key"] == "the-key" and loaded[SOCKETIO]["jwt_method"] == "HS256"
    assert "the-key" not in out.read_text()
    monkeypatch.setenv("SOCKETIO_JWT_METHOD", "HS1")
    assert main([str(tmp_path / "bad.yml"), "--quiet"]) == 1


# ---- the request size ------------------------------------------------------
def test_request_max_size_comes_from_the_credentials():
    assert RestInput.from_credentials(None).request_max_size == DEFAULT_REQUEST_MAX_SIZE
    assert RestInput.from_credentials({"request_max_size": 50_000}).request_max_size == 50_000
    repo = yaml.safe_load(REPO_BASE)["adapters.channels.rest.RestInput"]
    assert RestInput.from_credentials(repo).request_max_size == 1_048_576
    for bad in (0, 100, "1MB", True, None):
        with pytest.raises(ValueError):
            RestInput.from_credentials({"request_max_size": bad})


def test_the_environment_variable_wins_over_the_credentials(monkeypatch):
    from sanic import Sanic

    app = Sanic("size_test_app")
    monkeypatch.delenv("SANIC_REQUEST_MAX_SIZE", raising=False)
    apply_request_max_size(app, 12_345)
    assert app.config.REQUEST_MAX_SIZE == 12_345
    monkeypatch.setenv("SANIC_REQUEST_MAX_SIZE", "777777")
    apply_request_max_size(app, 54_321)
    assert app.config.REQUEST_MAX_SIZE == 12_345  # left to Sanic, which read the variable itself


# ---- socket.io origins -----------------------------------------------------
@pytest.mark.parametrize("cors,origin,allowed", [
    (None, "https://a.example", False),
    ([], "https://a.example", False),
    (["https://a.example"], "https://a.example", True),
    (["https://a.example"], "https://a.example.evil", False),
    (["https://a.example"], "https://b.example", False),
    ("https://a.example", "https://a.example", True),
    (["*"], "https://anything.example", True),
])
def test_socketio_follows_the_origins_given_to_rasa_run(cors, origin, allowed):
    from sanic import Sanic
    from rasa.server import configure_cors

    app = Sanic(f"cors_test_{abs(hash((str(cors), origin)))}")
    configure_cors(app, cors)
    policy = OriginPolicy.of_app(app)
    assert (policy.allow_all or policy.allows(origin)) is allowed


# ---- log redaction ---------------------------------------------------------
def test_rasas_warning_with_the_user_text_is_redacted(caplog):
    log_privacy.install()
    logger = logging.getLogger("rasa.shared.core.training_data.story_reader.yaml_story_reader")
    with caplog.at_level(logging.INFO):
        logger.warning('{"user_text": "/my secret words", "event": "message.parsing.failed", "level": "warning"}')
        logger.warning("something else entirely")
    messages = [r.getMessage() for r in caplog.records]
    assert not any("my secret words" in m for m in messages)
    assert any("message.parsing.failed" in m and "text not logged" in m for m in messages)
    assert "something else entirely" in messages


def test_rasas_python_warning_quoting_the_text_is_hidden():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # whatever the test runner set up
        log_privacy.hide_warnings()
        warnings.warn("Failed to parse arguments in line '/secret'. ...", UserWarning)
        warnings.warn("an unrelated warning", UserWarning)
    assert [str(w.message) for w in caught] == ["an unrelated warning"]
