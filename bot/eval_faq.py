"""Score the FAQ on a question set (`make eval-faq`, run by adapters/eval_faq.py).

A question set (tests/faq_eval/*.yml) maps each FAQ key to questions it should
answer, and lists out-of-scope questions the bot should decline honestly. Each
question is scored by what the bot does with it (bot.faq.outcome, the decision
the bot itself uses):

- top-1 accuracy: the share of FAQ questions answered with their own answer;
- confusions: what the others got instead (another answer, the honest "cannot
  answer", or another intent such as describe_symptoms);
- honest-answer rate: the share of out-of-scope questions declined honestly
  rather than answered with some FAQ topic (or taken for something else).

Pure: the parsing is done by the caller. No Rasa import.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.faq import CANNOT_ANSWER, RETRIEVAL_INTENT

# The targets, on the held-out set.
TARGET_TOP1 = 0.90
TARGET_HONEST = 0.95


@dataclass
class QuestionSet:
    name: str
    questions: List[Tuple[str, str]]  # (text, expected FAQ key)
    out_of_scope: List[str]


def load_question_set(path: Path) -> QuestionSet:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    questions = [(text, key) for key, texts in (data.get("questions") or {}).items() for text in texts]
    return QuestionSet(Path(path).name, questions, list(data.get("out_of_scope") or []))


@dataclass
class Report:
    name: str
    # (text, expected outcome, outcome) for every FAQ question
    answered: List[Tuple[str, str, str]] = field(default_factory=list)
    # (text, outcome) for every out-of-scope question
    declined: List[Tuple[str, str]] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return sum(want == got for _, want, got in self.answered) / max(len(self.answered), 1)

    @property
    def honest_rate(self) -> float:
        return sum(got == CANNOT_ANSWER for _, got in self.declined) / max(len(self.declined), 1)

    def confusions(self) -> Counter:
        """(expected, got) -> count, for every wrongly handled FAQ question."""
        return Counter((want, got) for _, want, got in self.answered if want != got)

    def summary(self) -> Dict[str, object]:
        wrong = [(t, w, g) for t, w, g in self.answered if w != g]
        return {
            "questions": len(self.answered),
            "top1_accuracy": round(self.top1, 4),
            "wrong_topic": sum(g.startswith(RETRIEVAL_INTENT + "/") for _, _, g in wrong),
            "declined_honestly": sum(g == CANNOT_ANSWER for _, _, g in wrong),
            "other_intent": sum(g.startswith("intent:") for _, _, g in wrong),
            "keys": len({w for _, w, _ in self.answered}),
            "out_of_scope": len(self.declined),
            "out_of_scope_honest_rate": round(self.honest_rate, 4),
            "errors": [{"text": t, "expected": w, "got": g} for t, w, g in wrong],
            "out_of_scope_errors": [{"text": t, "got": g} for t, g in self.declined if g != CANNOT_ANSWER],
        }


def score(question_set: QuestionSet, outcomes: Dict[str, str]) -> Report:
    """outcomes: question text -> bot.faq.outcome of its parse."""
    report = Report(question_set.name)
    for text, key in question_set.questions:
        report.answered.append((text, f"{RETRIEVAL_INTENT}/{key}", outcomes[text]))
    for text in question_set.out_of_scope:
        report.declined.append((text, outcomes[text]))
    return report


def _mark(value: float, target: float) -> str:
    return "target met" if value >= target else "target MISSED"


def format_report(report: Report, targets: bool = False) -> str:
    s = report.summary()
    lines = [
        f"{report.name}: {s['questions']} questions over {s['keys']} FAQ keys, {s['out_of_scope']} out of scope",
        f"  top-1 accuracy            {s['top1_accuracy']:.3f}"
        + (f"   ({_mark(report.top1, TARGET_TOP1)}: >= {TARGET_TOP1:.2f})" if targets else ""),
        f"    wrong FAQ answer        {s['wrong_topic']}",
        f"    declined honestly       {s['declined_honestly']}",
        f"    taken for another intent {s['other_intent']}",
        f"  out-of-scope honest rate  {s['out_of_scope_honest_rate']:.3f}"
        + (f"   ({_mark(report.honest_rate, TARGET_HONEST)}: >= {TARGET_HONEST:.2f})" if targets else ""),
    ]
    confusions = report.confusions()
    if confusions:
        lines.append("  confusions (expected -> got: count):")
        lines += [f"    {want} -> {got}: {n}" for (want, got), n in confusions.most_common()]
        lines.append("  wrongly handled questions:")
        lines += [f"    {t!r}: {w} -> {g}" for t, w, g in report.answered if w != g]
    wrong_oos = [(t, g) for t, g in report.declined if g != CANNOT_ANSWER]
    if wrong_oos:
        lines.append("  out-of-scope questions not declined:")
        lines += [f"    {t!r} -> {g}" for t, g in wrong_oos]
    return "\n".join(lines)
