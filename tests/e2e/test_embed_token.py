"""The widget's production options, in Debian's headless chromium: a bot that
requires a signed token on socket.io (SOCKETIO_JWT_KEY, written into the
credentials by adapters/channels/credentials.py as `make run` does), a site
that passes one (data-token, or KneeChat.setToken later), and the
websocket-only transport (data-transport="websocket"), which needs no sticky
sessions between replicas (docs/deploy.md).
"""
from __future__ import annotations

import time
import uuid
from typing import Iterator

import jwt
import pytest

from adapters.channels.credentials import write_effective_credentials
from tests.e2e.test_embed import (
    EmbedBot, browser, host_page, launcher, open_page, panel_open, start_embed_bot, to_host, to_panel, wait_greeting,
)
from tests.e2e.test_web_chat import bot_texts, say, wait_for_bot, wait_until

__all__ = ["browser"]  # the fixture, shared with test_embed.py

KEY = "embed-jwt-key-" + uuid.uuid4().hex + uuid.uuid4().hex


def signed(key: str = KEY) -> str:
    return jwt.encode({"sub": "visitor", "exp": int(time.time()) + 3600}, key, algorithm="HS256")


@pytest.fixture(scope="module")
def jwt_bot(tmp_path_factory) -> Iterator[EmbedBot]:
    workdir = tmp_path_factory.mktemp("embed_jwt_bot")
    credentials = workdir / "credentials.yml"
    assert write_effective_credentials(credentials, environ={"SOCKETIO_JWT_KEY": KEY}).socketio_jwt
    bot, stop_all = start_embed_bot(workdir, env={"SOCKETIO_JWT_KEY": KEY}, credentials=credentials)
    try:
        yield bot
    finally:
        stop_all()


def socket_io_requests(driver) -> list:
    """HTTP requests of the panel to socket.io (long-polling); a websocket is not one."""
    return driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
        ".filter(function (u) { return u.indexOf('/socket.io/') >= 0; })")


def test_token_from_the_site_and_websocket_only(jwt_bot, browser):
    bot, site = jwt_bot.url, jwt_bot.site
    site.write("wrong.html", host_page(bot, "Knee pain", {"token": signed("not-the-key-" + uuid.uuid4().hex)}))
    site.write("signed.html", host_page(bot, "Knee pain", {"token": signed(), "transport": "websocket"}))
    before = set(jwt_bot.conversations())

    # A token signed with another key: refused, the site is told, the bot says nothing.
    open_page(browser, f"{site.allowed}/wrong.html")
    browser.execute_script("window.refusals = 0; window.addEventListener('kneechat:unauthorized',"
                           " function () { window.refusals += 1; });")
    launcher(browser).click()
    to_panel(browser)
    wait_until(browser, lambda: "not signed you in" in browser.find_element("id", "status").text, seconds=20,
               what="the refusal")
    time.sleep(1)
    assert bot_texts(browser) == []
    to_host(browser)
    assert browser.execute_script("return window.refusals") == 1
    assert set(jwt_bot.conversations()) == before

    # The site signs the visitor in later: KneeChat.setToken, and the chat starts.
    browser.execute_script("KneeChat.setToken(arguments[0])", signed())
    to_panel(browser)
    wait_greeting(browser)
    assert "not signed you in" not in browser.find_element("id", "status").text

    # data-token and data-transport="websocket": the same conversation carries on
    # (it is kept in the panel's storage), with no long-polling request at all.
    open_page(browser, f"{site.allowed}/signed.html")
    wait_until(browser, lambda: panel_open(browser), seconds=5, what="the panel, still open")
    to_panel(browser)
    wait_greeting(browser)
    count = len(bot_texts(browser))
    say(browser, "what is sciatica?")
    wait_for_bot(browser, count, "the answer over the websocket")
    assert socket_io_requests(browser) == []
    assert len(set(jwt_bot.conversations()) - before) == 1
