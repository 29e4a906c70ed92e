"""The machine and the code a benchmark ran on: date, CPUs, load average, Python,
Rasa, the git commit and whether the tree had uncommitted changes."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
from typing import Dict

from bench.paths import BIN, ROOT
from bench.processes import bench_env


def environment() -> Dict:
    """What describes this run's machine and code (the report's first line)."""
    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    try:
        rasa_version = subprocess.run([BIN / "python", "-c", "import rasa; print(rasa.__version__)"],
                                      capture_output=True, text=True, timeout=120, env=bench_env()).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rasa_version = "?"
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "rasa": rasa_version,
        "commit": git("rev-parse", "--short", "HEAD") or "?",
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "loadavg_start": loadavg(),
    }


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())
