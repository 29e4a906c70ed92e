"""`rasa shell`, driven the way a person uses it, in a real terminal (pexpect).

The shell shows a question's buttons as an interactive menu (questionary):

    ? Have you had any new trouble passing or holding in urine or stools? (Use arrow keys)
     » 1: Yes (/affirm)
       2: No (/deny)
       3: Not sure (/unsure)
       Type out your own message...

A person answers with the arrow keys and Enter; "Type out your own message..."
(the last entry, one arrow-up from the first) gives the text prompt back, where
"/stop" ends the shell.
"""
from __future__ import annotations

import re
import time

import pytest

from tests.servers import RASA_SERVER, free_port, MODEL, require_model, ROOT, start_action_server, stop
from tests.servers import test_env as server_env  # (not collected as a test)

pexpect = pytest.importorskip("pexpect")

PROMPT = "Your input ->"
MENU = r"\(Use arrow keys\)"
MENU_END = "Type out your own message..."
DOWN, UP, ENTER = "\x1b[B", "\x1b[A", "\r"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    return _ANSI.sub("", text).replace("\r", "")


def press(child, *keys: str) -> None:
    for key in keys:
        child.send(key)
        time.sleep(0.3)  # let prompt_toolkit redraw between keys


def read_question(child) -> str:
    """Wait for a button menu; its question."""
    child.expect(MENU)
    question = plain(child.before).rstrip().splitlines()[-1]
    child.expect_exact(MENU_END)
    return question.lstrip("? ").strip()


@pytest.fixture
def action_url(tmp_path):
    port = free_port()
    proc = start_action_server(port, tmp_path / "actions.log")
    try:
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        stop(proc)


def test_shell_greets_asks_and_takes_an_arrow_key_answer(action_url, tmp_path):
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
        child.expect_exact("not a doctor")
        child.expect_exact(PROMPT)

        child.sendline("my knee hurts and the pain shoots down my leg into my foot, my lower back is sore too")
        first = read_question(child)
        assert first.endswith("?"), first

        press(child, DOWN, ENTER)
        # The menu closes showing the answer after the question: "? <question> 2: No (/deny)".
        child.expect(re.escape(first) + r"\s*(\x1b\[[0-9;]*m)*2: No \(/deny\)")
        second = read_question(child)  # answering moved the interview on
        assert second.endswith("?") and second != first, (first, second)

        press(child, UP, ENTER)  # wraps round to "Type out your own message..."
        child.expect_exact(PROMPT)
        child.sendline("/stop")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
        child.logfile_read.close()
