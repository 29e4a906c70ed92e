"""Where the benchmark finds the project and puts its results (shared by bench/*)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The project's venv when there is one (`make bench`), else this interpreter's.
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "rasa").exists() else Path(sys.executable).parent
MODEL = ROOT / "models" / "knee.tar.gz"
OUT = ROOT / "bench" / "out"
DOC = ROOT / "BENCHMARKS.md"
