"""Bad input and security tests. Every bad input tried is counted per surface
(rest, socketio, nlu, ...) with its outcome (HTTP status, socket.io outcome);
the counts go to results/fuzz.json and the end of the test output."""
from __future__ import annotations

import pytest

from tests.hardening.harness import RESULTS, TALLY


@pytest.fixture(scope="session", autouse=True)
def fuzz_results():
    yield TALLY
    if TALLY.outcomes:
        TALLY.write()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not TALLY.outcomes:
        return
    summary = TALLY.summary()
    terminalreporter.write_sep("-", f"bad inputs tried (written to {RESULTS.relative_to(RESULTS.parents[1])})")
    for surface, counts in summary["surfaces"].items():
        outcomes = ", ".join(f"{k}: {v}" for k, v in counts["outcomes"].items())
        terminalreporter.write_line(
            f"{surface}: {counts['tried']} tried, 5xx/server errors {counts['5xx_or_server_errors']} ({outcomes})")
    terminalreporter.write_line(
        f"total: {summary['total_tried']} tried, 5xx/server errors {summary['total_5xx_or_server_errors']}")
