"""Regression gates on the probe sets (tests/nlu_eval/probes/) and the tuning part of
the real corpus. The probe sets were written from knowledge of how patients word each
feature, scope, denial and red flag, each committed before the extractor was run on it;
the floors are the figures reached when they were merged, less a small margin. The
held-out part of the real corpus has no gate here: it is measured (`make eval-nlu`),
never tuned on.
"""
from pathlib import Path

import pytest

from bot.eval_nlu import evaluate, load_examples

EVAL = Path(__file__).resolve().parents[1] / "nlu_eval"
PROBES = sorted((EVAL / "probes").glob("*.yml"))

# present micro-F1 floor, emergency messages that may go unflagged, routine false emergency rate ceiling
FLOORS = {
    "denials": (0.93, 0, 0.0),
    "denials_b": (0.94, 0, 0.0),
    "red_flags": (0.91, 0, 0.0),
    "red_flags_b": (0.87, 2, 0.0),
    "red_flags_c": (0.84, 1, 0.125),
    "red_flags_d": (0.83, 1, 0.125),
    "scope": (0.93, 0, 0.0),
    "scope_b": (0.93, 0, 0.0),
    "vocabulary": (0.96, 0, 0.0),
}


def test_every_probe_set_has_a_floor():
    assert sorted(p.stem for p in PROBES) == sorted(FLOORS)


@pytest.mark.parametrize("path", PROBES, ids=[p.stem for p in PROBES])
def test_probe_set_holds_its_floor(nlp, path):
    f1_floor, unflagged, false_emergencies = FLOORS[path.stem]
    report = evaluate(nlp, load_examples(path))
    summary = report.summary()
    assert report.examples >= 20
    assert summary["micro_f1_present"] >= f1_floor
    assert report.emergency_messages - report.emergency_messages_flagged <= unflagged
    assert summary["routine_false_emergency_rate"] <= false_emergencies


def test_real_tuning_part_holds_its_floor(nlp):
    report = evaluate(nlp, load_examples(EVAL / "real" / "gold.jsonl", split="tune"))
    summary = report.summary()
    assert report.examples >= 200
    assert summary["micro_f1_present"] >= 0.86
    assert report.emergency_messages_flagged == report.emergency_messages
    assert summary["routine_false_emergency_rate"] == 0.0
