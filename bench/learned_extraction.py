"""Does a learned model add to the rule-based extraction on real messages?

    .venv/bin/python -m bench.learned_extraction

Trains one logistic-regression classifier per feature ("present or not") on TF-IDF word
and character n-grams of the development set plus the tuning part of the real messages,
and compares on the held-out part: the rules alone, the model alone, their union (either
says present), the union for non-red-flag features only (red flags from the rules alone, so
the model can add no alarm) and their intersection (both say present).
`--cv` scores the same rows by 5-fold cross-validation on the tuning part instead (each
fold trained on the dev set, the probe sets and the other folds), so a variant can be
judged without the held-out part. Prints present-feature
micro-P/R/F1, emergency messages flagged, false emergencies among routine messages and
precision on off-topic messages. The held-out part is only measured, never trained on.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict, List, Set

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import features  # noqa: E402
from bot.nlp import build_nlp, extract, findings, load_nlp  # noqa: E402

GOLD = ROOT / "tests" / "nlu_eval" / "real" / "gold.jsonl"
DEV = ROOT / "tests" / "nlu_eval" / "dev.yml"
PROBES = ROOT / "tests" / "nlu_eval" / "probes"


def _score(name: str, examples: List[dict], predicted: List[Set[str]]) -> Dict:
    emergency = set(features.ids_in(features.EMERGENCY))
    tp = fp = fn = off_tp = off_fp = flagged = em = routine = false_em = 0
    for example, got in zip(examples, predicted):
        gold = set(example["present"])
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
        if example.get("off_topic"):
            off_tp, off_fp = off_tp + len(gold & got), off_fp + len(got - gold)
        gold_triage = features.triage(gold)
        if gold_triage == features.EMERGENCY:
            em += 1
            flagged += bool(got & emergency)
        elif gold_triage == features.ROUTINE:
            routine += 1
            false_em += bool(got & emergency)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    row = {"method": name, "P": round(p, 3), "R": round(r, 3), "F1": round(f, 3),
           "emergencies_flagged": f"{flagged}/{em}", "routine_false_emergency": f"{false_em}/{routine}",
           "off_topic_precision": round(off_tp / (off_tp + off_fp), 3) if off_tp + off_fp else 1.0}
    print(f"{name:<28} P {row['P']:.3f}  R {row['R']:.3f}  F1 {row['F1']:.3f}  emergencies {row['emergencies_flagged']}"
          f"  false emergencies {row['routine_false_emergency']}  off-topic P {row['off_topic_precision']}")
    return row


def _learned(train: List[dict], test: List[dict]) -> List[Set[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_union

    vectoriser = make_union(TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
                            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True))
    x_train = vectoriser.fit_transform([e["text"] for e in train])
    x_test = vectoriser.transform([g["text"] for g in test])
    model: List[Set[str]] = [set() for _ in test]
    for feature in features.all_ids():
        y = [feature in (e.get("present") or []) for e in train]
        if sum(y) < 3:
            continue
        classifier = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=0)
        classifier.fit(x_train, y)
        for i, probability in enumerate(classifier.predict_proba(x_test)[:, 1]):
            if probability >= 0.5:
                model[i].add(feature)
    return model


def _rows(test: List[dict], rules: List[Set[str]], model: List[Set[str]]) -> List[Dict]:
    flags = set(features.ids_in(features.EMERGENCY)) | set(features.ids_in(features.URGENT))
    return [
        _score("rules (bot.nlp)", test, rules),
        _score("learned (TF-IDF + LR)", test, model),
        _score("union", test, [a | b for a, b in zip(rules, model)]),
        _score("union, red flags from rules", test, [a | (b - flags) for a, b in zip(rules, model)]),
        _score("intersection", test, [a & b for a, b in zip(rules, model)]),
    ]


def main() -> None:
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    dev = yaml.safe_load(DEV.read_text(encoding="utf-8"))["examples"]
    probes = [e for path in sorted(PROBES.glob("*.yml"))
              for e in yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]] if PROBES.is_dir() else []
    tune = [g for g in gold if g["split"] == "tune"]
    pipeline_dir = ROOT / ".build" / "knee_nlp"
    nlp = load_nlp(pipeline_dir) if (pipeline_dir / "config.cfg").is_file() else build_nlp()
    if "--cv" in sys.argv[1:]:
        test, rules, model = [], [], []
        for fold in range(5):
            held = [g for i, g in enumerate(tune) if i % 5 == fold]
            rest = [g for i, g in enumerate(tune) if i % 5 != fold]
            test += held
            rules += [set(findings(extract(nlp, g["text"]))[0]) for g in held]
            model += _learned(dev + probes + rest, held)
        print(f"5-fold cross-validation on the tuning part ({len(tune)} messages); "
              f"each fold also trained on dev {len(dev)} + probes {len(probes)}")
        rows = _rows(test, rules, model)
        name = "learned_extraction_cv.json"
    else:
        train = dev + probes + tune
        test = [g for g in gold if g["split"] == "heldout"]
        rules = [set(findings(extract(nlp, g["text"]))[0]) for g in test]
        model = _learned(train, test)
        print(f"train {len(train)} messages (dev {len(dev)} + probes {len(probes)} + real tune {len(tune)}), "
              f"held-out {len(test)}")
        rows = _rows(test, rules, model)
        name = "learned_extraction.json"
    out = ROOT / "results" / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
