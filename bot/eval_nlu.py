"""Evaluate the clinical extraction on a labelled set.

    python -m bot.eval_nlu tests/nlu_eval/dev.yml [--pipeline .build/knee_nlp] [--json out.json]
    python -m bot.eval_nlu tests/nlu_eval/real/gold.jsonl --split heldout   # real messages

The dev set (YAML) was written by the project; gold.jsonl holds real patient messages
labelled by two annotators, split into a part to tune on and a held-out part never
tuned on (tests/nlu_eval/real/README.md).

Prints per-feature precision/recall/F1 for "present" and "absent" labels,
micro-F1, emergency red-flag recall on the first message, and emergency false
alarms (non-emergency messages the extraction would send to the emergency
department). It measures the same functions the Rasa component calls.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bot import features
from bot.nlp import build_nlp, extract, findings, load_nlp


@dataclass
class Report:
    counts: Dict[str, Counter] = field(default_factory=dict)  # label -> tp/fp/fn
    emergency_flags: int = 0
    emergency_flags_caught: int = 0
    urgent_flags: int = 0
    urgent_flags_caught: int = 0
    non_emergency: int = 0
    false_emergencies: int = 0
    triage_correct: int = 0
    examples: int = 0
    emergency_messages: int = 0
    emergency_messages_flagged: int = 0
    routine: int = 0
    routine_false_emergencies: int = 0
    off_topic: Counter = field(default_factory=Counter)  # tp / fp of features on off-topic messages
    errors: List[dict] = field(default_factory=list)

    def add(self, label: str, kind: str) -> None:
        self.counts.setdefault(label, Counter())[kind] += 1

    @staticmethod
    def prf(c: Counter) -> tuple:
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def micro(self, suffix: str = "") -> tuple:
        total = Counter()
        for label, c in self.counts.items():
            if label.endswith(suffix):
                total.update(c)
        return self.prf(total)

    def summary(self) -> Dict[str, float]:
        return {
            "examples": self.examples,
            "micro_f1": round(self.micro()[2], 4),
            "micro_f1_present": round(self.micro(":present")[2], 4),
            "micro_f1_absent": round(self.micro(":absent")[2], 4),
            "emergency_red_flag_recall": round(self.emergency_flags_caught / self.emergency_flags, 4) if self.emergency_flags else 1.0,
            "urgent_red_flag_recall": round(self.urgent_flags_caught / self.urgent_flags, 4) if self.urgent_flags else 1.0,
            "emergency_false_alarm_rate": round(self.false_emergencies / self.non_emergency, 4) if self.non_emergency else 0.0,
            "triage_accuracy": round(self.triage_correct / self.examples, 4) if self.examples else 0.0,
            "emergency_messages_flagged": f"{self.emergency_messages_flagged}/{self.emergency_messages}",
            "routine_false_emergency_rate": round(self.routine_false_emergencies / self.routine, 4) if self.routine else 0.0,
            "off_topic_precision": round(self.prf(self.off_topic)[0], 4),
            "off_topic_features_found": self.off_topic["tp"] + self.off_topic["fp"],
        }


def evaluate(nlp, examples: List[dict]) -> Report:
    report = Report()
    emergency, urgent = set(features.ids_in(features.EMERGENCY)), set(features.ids_in(features.URGENT))
    for example in examples:
        present, absent = findings(extract(nlp, example["text"]))
        gold = {("present", f) for f in example.get("present") or []} | {("absent", f) for f in example.get("absent") or []}
        got = {("present", f) for f in present} | {("absent", f) for f in absent}
        for status, f in gold & got:
            report.add(f"{f}:{status}", "tp")
        for status, f in got - gold:
            report.add(f"{f}:{status}", "fp")
        for status, f in gold - got:
            report.add(f"{f}:{status}", "fn")
        if gold != got:
            report.errors.append({"text": example["text"], "missed": sorted(gold - got), "spurious": sorted(got - gold)})
        gold_present = set(example.get("present") or [])
        report.emergency_flags += len(gold_present & emergency)
        report.emergency_flags_caught += len(gold_present & emergency & set(present))
        report.urgent_flags += len(gold_present & urgent)
        report.urgent_flags_caught += len(gold_present & urgent & set(present))
        predicted_triage = features.triage(present)
        gold_triage = example.get("triage") or features.triage(gold_present)
        if gold_triage != features.EMERGENCY:
            report.non_emergency += 1
            report.false_emergencies += predicted_triage == features.EMERGENCY
        report.triage_correct += predicted_triage == gold_triage
        if gold_triage == features.EMERGENCY:
            report.emergency_messages += 1
            report.emergency_messages_flagged += predicted_triage == features.EMERGENCY
        elif gold_triage == features.ROUTINE:
            report.routine += 1
            report.routine_false_emergencies += predicted_triage == features.EMERGENCY
        if example.get("off_topic"):
            report.off_topic["tp"] += len(gold & got)
            report.off_topic["fp"] += len(got - gold)
        report.examples += 1
    return report


def print_report(report: Report, show_errors: int) -> None:
    print(f"{'feature':<24}{'status':<9}{'P':>6}{'R':>6}{'F1':>6}{'n':>5}")
    for f in features.all_ids():
        for status in ("present", "absent"):
            c = report.counts.get(f"{f}:{status}")
            if not c:
                continue
            p, r, f1 = report.prf(c)
            print(f"{f:<24}{status:<9}{p:6.2f}{r:6.2f}{f1:6.2f}{c['tp'] + c['fn']:5d}")
    print()
    for key, value in report.summary().items():
        print(f"{key:<28}{value}")
    if show_errors:
        print(f"\nfirst {show_errors} of {len(report.errors)} messages with errors:")
        for error in report.errors[:show_errors]:
            print(f"- {error['text'][:110]!r}\n    missed {error['missed']} spurious {error['spurious']}")


def load_examples(path: Path, split: Optional[str] = None) -> List[dict]:
    """The labelled examples of a YAML set ({examples: [...]}) or a JSON-lines gold file,
    only those of `split` when given."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        examples = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        examples = yaml.safe_load(text)["examples"]
    return [e for e in examples if split is None or e.get("split") == split]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--pipeline", type=Path, default=Path(".build/knee_nlp"))
    parser.add_argument("--json", type=Path, help="also write the summary as JSON here")
    parser.add_argument("--errors", type=int, default=15, help="how many wrong messages to list")
    parser.add_argument("--split", help="only the examples of this split (gold.jsonl: tune or heldout)")
    args = parser.parse_args()
    nlp = load_nlp(args.pipeline) if (args.pipeline / "config.cfg").is_file() else build_nlp()
    report = evaluate(nlp, load_examples(args.dataset, args.split))
    print(f"{args.dataset}{f' ({args.split})' if args.split else ''}: {report.examples} messages")
    print_report(report, args.errors)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.summary(), indent=2))


if __name__ == "__main__":
    main()
