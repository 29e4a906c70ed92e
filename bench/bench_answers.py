"""What reading an answer in context costs per message (issue 12).

    .venv/bin/python -m bench.bench_answers

Times, per user message of the simulated patients' answer banks, the pure work the
per-turn action now does on top of folding the message: bot.answers.read_answer (the
question's phrases, the leading word) inside bot.tracking.fold_turn, and the interview's
next question. The clinical extraction is timed separately (bench/bench_extraction.py)
and is not counted here: it ran before this change too. Prints mean and p95 in
microseconds.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.answers import read_answer  # noqa: E402
from bot.interview import next_question  # noqa: E402
from bot.tracking import fold_turn  # noqa: E402

BANKS = [ROOT / "tests" / "simulated" / "answers.yml", ROOT / "tests" / "simulated" / "answers_heldout.yml"]


def _answers():
    for path in BANKS:
        for feature_id, entry in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if isinstance(entry, dict):
                for texts in entry.values():
                    for text in texts:
                        yield feature_id, text


def _percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def main() -> None:
    answers = list(_answers())
    for feature_id, text in answers[:50]:  # warm the caches (YAML, compiled patterns)
        read_answer(feature_id, text, [], "affirm")
    timings = {"read_answer": [], "fold_turn + next_question": []}
    for _ in range(20):
        for feature_id, text in answers:
            start = time.perf_counter()
            read_answer(feature_id, text, [], None)
            timings["read_answer"].append(time.perf_counter() - start)
            start = time.perf_counter()
            result = fold_turn([], [], {}, [], None, feature_id, text=text)
            next_question(result.present, result.absent, asked=[feature_id])
            timings["fold_turn + next_question"].append(time.perf_counter() - start)
    print(f"{len(answers)} own-words answers x 20 rounds")
    for name, values in timings.items():
        micro = [v * 1e6 for v in values]
        print(f"{name:<28} mean {statistics.mean(micro):7.1f} us   p95 {_percentile(micro, 0.95):7.1f} us")


if __name__ == "__main__":
    main()
