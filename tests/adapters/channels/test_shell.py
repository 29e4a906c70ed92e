"""`rasa shell`, driven the way a person uses it, in a real terminal (pexpect).

The shell lists a question's buttons as numbered text (adapters.patches) and always
gives the text prompt back:

    First, a safety check. Do you have any of these: ...?
    1. Yes
    2. No
    3. Not sure
    Reply with the number of your answer, or answer in your own words.
    Your input ->

Typed words reach the bot as typed ("only my left leg"); a number picks its button.
Rasa's own shell showed an arrow-key menu whose highlighted default ("Yes") answered
the question when someone typed words and pressed Enter.
"""
from __future__ import annotations

import re

import pytest

from tests.servers import RASA_SERVER, free_port, MODEL, require_model, ROOT, start_action_server, stop
from tests.servers import test_env as server_env  # (not collected as a test)

pexpect = pytest.importorskip("pexpect")

PROMPT = "Your input ->"
HINT = "Reply with the number of your answer, or answer in your own words."
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    return _ANSI.sub("", text).replace("\r", "")


def read_turn(child, marker: str = HINT) -> str:
    """What the bot printed up to `marker` (by default a question's hint), without
    terminal codes; then waits for the prompt. (The prompt's own redraw after Enter
    also shows the prompt, so the marker comes first.)"""
    child.expect_exact(marker, timeout=120)
    printed = plain(child.before) + marker
    child.expect_exact(PROMPT)
    return printed


def last_question(printed: str) -> str:
    """The question before the numbered buttons."""
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    return lines[lines.index("1. Yes") - 1]


@pytest.fixture
def action_url(tmp_path):
    port = free_port()
    proc = start_action_server(port, tmp_path / "actions.log")
    try:
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        stop(proc)


def test_shell_reads_typed_answers_and_numbers(action_url, tmp_path):
    require_model()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "{action_url}"\n')
    child = pexpect.spawn(
        RASA_SERVER[0],
        [*RASA_SERVER[1:], "shell", "-m", str(MODEL), "--endpoints", str(endpoints), "-p", str(free_port())],
        cwd=str(ROOT),
        # No cursor-position requests: pexpect is not a terminal that answers them.
        env=server_env(PROMPT_TOOLKIT_NO_CPR="1"),
        encoding="utf-8",
        codec_errors="replace",
        dimensions=(50, 250),
        timeout=60,
    )
    child.logfile_read = (tmp_path / "shell.log").open("w", encoding="utf-8")
    try:
        child.expect_exact(PROMPT, timeout=240)  # the model loads first
        child.sendline("hello")
        assert "not a doctor" in read_turn(child, "not a doctor")

        child.sendline("my knee hurts and the pain shoots down my leg into my foot, my lower back is sore too")
        printed = read_turn(child)
        assert "(Use arrow keys)" not in printed and HINT in printed, printed
        screen = last_question(printed)
        assert screen.endswith("?"), printed

        # typed words are read as typed: a clear no to the emergency screen, no alarm
        child.sendline("none of those")
        printed = read_turn(child)
        assert "emergency department now" not in printed, printed
        second = last_question(printed)
        assert second != screen, printed

        # a number picks that button: 2 = No
        child.sendline("2")
        printed = read_turn(child)
        assert "emergency department now" not in printed, printed
        third = last_question(printed) if "1. Yes" in printed else None
        assert third != second, printed

        child.sendline("/stop")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
        child.logfile_read.close()
