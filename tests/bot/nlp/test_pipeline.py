"""bot.nlp.pipeline: the pipeline is built from the YAML data, saved and loaded again."""
import json
import subprocess
import sys
from pathlib import Path

from bot.nlp import extract, load_nlp

REPO_ROOT = Path(__file__).resolve().parents[3]
PIPES = ["knee_sentencizer", "knee_fuzzy", "knee_terms", "knee_context"]


def test_the_pipeline_runs_the_four_components_in_order(nlp):
    assert nlp.pipe_names == PIPES


ROUND_TRIP_TEXTS = [
    "no tingling but my knee keeps buckling",
    "the tinglin in my nee is bad",
    "my dad had cancer and I've lost weight without trying",
    "should I worry about bladder problems? I can't feel when I wipe",
    "worse sitting, better lying down",
    "",
]


def _as_rows(mentions):
    return [[m.feature, m.status, m.start, m.end, m.text] for m in mentions]


def test_round_trip_in_a_fresh_process(nlp, saved_pipeline):
    script = (
        "import json, sys\n"
        "from bot.nlp import load_nlp, extract\n"
        "nlp = load_nlp(sys.argv[1])\n"
        "texts = json.loads(sys.argv[2])\n"
        "print(json.dumps([[[m.feature, m.status, m.start, m.end, m.text] for m in extract(nlp, t)] for t in texts]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(saved_pipeline), json.dumps(ROUND_TRIP_TEXTS)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [_as_rows(extract(nlp, text)) for text in ROUND_TRIP_TEXTS]


def test_build_cli_writes_a_loadable_pipeline(nlp, tmp_path):
    out = tmp_path / "built"
    result = subprocess.run(
        [sys.executable, "-m", "bot.nlp.build", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = load_nlp(out)
    assert loaded.pipe_names == nlp.pipe_names
    for text in ROUND_TRIP_TEXTS:
        assert extract(loaded, text) == extract(nlp, text)
