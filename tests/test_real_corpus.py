"""The real-message corpus (tests/nlu_eval/real/): credited, verbatim, labelled, and split
so that the held-out part stays the first corpus's and is never mixed with tuning data."""
import json
from pathlib import Path

import pytest

from bot.features import all_ids

REAL = Path(__file__).resolve().parent / "nlu_eval" / "real"
FOLDERS = [REAL, REAL / "batch2", REAL / "batch3"]
OPEN_LICENCES = ("MIT", "CC BY 4.0")


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


CORPUS = {row["id"]: (folder, row) for folder in FOLDERS for row in _rows(folder / "corpus.jsonl")}
GOLD = _rows(REAL / "gold.jsonl")


def test_every_message_is_credited_under_an_open_licence():
    for folder, row in CORPUS.values():
        assert row["source"] and row["file"] and row["locator"], row["id"]
        assert row["licence"].startswith(OPEN_LICENCES), (row["id"], row["licence"])
        assert row["kind"] in ("on_topic", "lookalike")
        assert (folder / "SOURCES.md").is_file()


def test_gold_has_one_row_per_message_with_its_verbatim_text():
    assert sorted(r["id"] for r in GOLD) == sorted(CORPUS)
    for row in GOLD:
        assert row["text"] == CORPUS[row["id"]][1]["text"]


def test_labels_are_contract_features_and_never_both_present_and_absent():
    known = set(all_ids())
    for row in GOLD:
        assert set(row["present"]) | set(row["absent"]) <= known, row["id"]
        assert not set(row["present"]) & set(row["absent"]), row["id"]


def test_held_out_part_is_the_first_corpus_only_and_big_enough():
    held_out = [r for r in GOLD if r["split"] == "heldout"]
    assert len(held_out) >= 60
    assert all(CORPUS[r["id"]][0] == REAL for r in held_out)
    later = [r for r in GOLD if CORPUS[r["id"]][0] != REAL]
    assert later and all(r["split"] == "tune" for r in later)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_both_annotators_labelled_every_message(folder):
    ids = [r["id"] for r in _rows(folder / "corpus.jsonl")]
    for name in ("labels_a.jsonl", "labels_b.jsonl"):
        assert [r["id"] for r in _rows(folder / name)] == ids
