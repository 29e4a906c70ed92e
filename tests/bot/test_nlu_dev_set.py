"""Accuracy gate on the development set (tests/nlu_eval/dev.yml).

The thresholds are the clinical NLU's acceptance criteria: a missed emergency
red flag is the worst failure the bot can have. `make eval-nlu` prints the
full per-feature report.
"""
from pathlib import Path

import pytest

from bot.eval_nlu import evaluate, load_examples

DEV = Path(__file__).resolve().parents[1] / "nlu_eval" / "dev.yml"


@pytest.fixture(scope="module")
def report(nlp):
    return evaluate(nlp, load_examples(DEV))


def test_dev_set_is_big_enough(report):
    assert report.examples >= 150


def test_micro_f1(report):
    assert report.summary()["micro_f1"] >= 0.90


def test_every_emergency_red_flag_caught_on_the_first_message(report):
    missed = [e for e in report.errors if any(s == "present" and f in {
        "bladder_bowel_change", "saddle_numbness", "both_legs", "progressive_weakness"} for s, f in e["missed"])]
    assert report.summary()["emergency_red_flag_recall"] == 1.0, missed


def test_emergency_false_alarms_at_most_5_percent(report):
    assert report.summary()["emergency_false_alarm_rate"] <= 0.05
