"""The benchmark's child processes: start, run to completion, stop; its log lines.

Every child runs in its own session (process group); `Processes.stop_all()` ends
them all (TERM, then KILL), and on Linux each child also gets TERM when the
benchmark process dies (PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import ctypes
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from tests.servers import test_env


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def bench_env(**extra: str) -> Dict[str, str]:
    """The test servers' environment (tests/servers.py), quieter, with no display."""
    return test_env(PYTHONWARNINGS="ignore", MPLBACKEND="Agg", **extra)


def _die_with_parent() -> None:  # runs in the child before exec (Linux only)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def tail(path: Path, lines: int = 25) -> str:
    """The last lines of a log, without warnings and blank lines."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    keep = [line for line in text.splitlines() if not re.search(r"warning|deprecat|^\s*$", line, re.I)]
    return "\n".join(keep[-lines:])


class Processes:
    """Every child runs in its own session/process group; stop_all() ends them all."""

    def __init__(self) -> None:
        self.procs: List[subprocess.Popen] = []

    def start(self, cmd: List, cwd: Path, logfile: Path, env: Dict[str, str]) -> subprocess.Popen:
        out = logfile.open("wb")
        try:
            proc = subprocess.Popen(
                [str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        finally:
            out.close()
        proc.logfile = logfile  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def stop(self, proc: Optional[subprocess.Popen], timeout: float = 20) -> None:
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        try:  # the group may hold children that outlived the leader
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in list(reversed(self.procs)):
            self.stop(proc, timeout=10)

    def run(self, cmd: List, cwd: Path, logfile: Path, env: Dict[str, str], timeout: float) -> float:
        """Run to completion; seconds taken. Raises with the log's tail on failure."""
        start = time.monotonic()
        proc = self.start(cmd, cwd, logfile, env)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(proc)
            raise RuntimeError(f"{' '.join(map(str, cmd[:3]))} took longer than {timeout:.0f} s (log: {logfile})")
        seconds = time.monotonic() - start
        self.stop(proc)
        if code != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd[:3]))} failed with {code}:\n{tail(logfile)}")
        return seconds
