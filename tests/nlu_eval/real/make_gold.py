"""Merge the two annotators' labels with the adjudication into gold.jsonl, with the split.

    python tests/nlu_eval/real/make_gold.py        # rewrites gold.jsonl, prints the agreement

Where a and b agree, their label stands; where they differ, adjudication.yml decides
(and every disagreement must be decided there). The split of the first corpus
(corpus.jsonl) is fixed by a hash of the id: about 40% of its messages, stratified by
kind, form the held-out part that is never used for tuning. The later batches
(batch2/, batch3/: same files, collected and labelled after the held-out part was
first measured) are all tuning messages: the held-out part stays what it was.
"""
import hashlib
import json
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
HELD_OUT_SHARE = 0.4


BATCHES = ("batch2", "batch3")


def _read(name, folder=HERE):
    return {row["id"]: row for row in map(json.loads, (folder / name).read_text(encoding="utf-8").splitlines())}


def _cell(row, feature):
    return "p" if feature in row["present"] else "a" if feature in row["absent"] else "-"


def merge(folder):
    """Gold rows of one corpus folder, the (a, b) label cells and the agreement line."""
    corpus, a, b = (_read(name, folder) for name in ("corpus.jsonl", "labels_a.jsonl", "labels_b.jsonl"))
    decisions = yaml.safe_load((folder / "adjudication.yml").read_text(encoding="utf-8")) or {}
    features = sorted({f for rows in (a, b) for r in rows.values() for f in r["present"] + r["absent"]})
    all_features = sorted(set(features) | {f for d in decisions.values() for f in d if f not in ("why", "off_topic")})
    cells, undecided = Counter(), []
    gold = []
    for mid, message in corpus.items():
        decided = decisions.get(mid, {})
        present, absent = [], []
        for feature in all_features:
            la, lb = _cell(a[mid], feature), _cell(b[mid], feature)
            cells[(la, lb)] += 1
            label = la if la == lb else decided.get(feature)
            if label is None:
                undecided.append((mid, feature, la, lb))
                continue
            (present if label == "p" else absent if label == "a" else []).append(feature)
        off_topic = a[mid]["off_topic"] if a[mid]["off_topic"] == b[mid]["off_topic"] else decided.get("off_topic")
        if off_topic is None:
            undecided.append((mid, "off_topic", a[mid]["off_topic"], b[mid]["off_topic"]))
        gold.append({"id": mid, "text": message["text"], "present": present, "absent": absent,
                     "off_topic": bool(off_topic), "kind": message["kind"]})
    if undecided:
        raise SystemExit(f"undecided disagreements in {folder.name}: {undecided}")
    return gold, _agreement(folder.name, cells, corpus, a, b, decisions)


def _agreement(name, cells, corpus, a, b, decisions):
    n = sum(cells.values())
    po = sum(v for (x, y), v in cells.items() if x == y) / n
    ma, mb = Counter(), Counter()
    for (x, y), v in cells.items():
        ma[x] += v
        mb[y] += v
    pe = sum(ma[k] * mb[k] for k in ma) / n / n
    touched = sum(v for (x, y), v in cells.items() if (x, y) != ("-", "-"))
    agreed = sum(v for (x, y), v in cells.items() if x == y != "-")
    off = sum(a[m]["off_topic"] == b[m]["off_topic"] for m in corpus)
    return (f"{name}: {len(corpus)} messages; Cohen's kappa {((po - pe) / (1 - pe)):.3f} over {n} message x "
            f"feature cells; {agreed} of {touched} labels given by either annotator agreed "
            f"({agreed / touched:.1%}); off_topic agreed on {off} of {len(corpus)}; {len(decisions)} messages adjudicated")


def main():
    gold, agreement = merge(HERE)
    # split: rank by hash within each kind, the first HELD_OUT_SHARE of each kind is held out
    for kind in sorted({row["kind"] for row in gold}):
        rows = sorted((r for r in gold if r["kind"] == kind),
                      key=lambda r: hashlib.sha256(f"split-v1:{r['id']}".encode()).hexdigest())
        cut = round(len(rows) * HELD_OUT_SHARE)
        for i, row in enumerate(rows):
            row["split"] = "heldout" if i < cut else "tune"
    lines = [agreement]
    for batch in BATCHES:
        rows, line = merge(HERE / batch)
        for row in rows:
            row["split"] = "tune"
        gold += rows
        lines.append(line)
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as out:
        for row in gold:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    split = Counter(r["split"] for r in gold)
    print(f"messages {len(gold)}; split {dict(split)}")
    print("agreement:\n  " + "\n  ".join(lines))


if __name__ == "__main__":
    main()
