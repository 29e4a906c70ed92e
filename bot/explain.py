"""Turn an Assessment into the words the bot says, and a summary for a clinician.

Pure functions, no Rasa import. Every sentence comes from
bot/data/explanations.yml; this module only chooses and joins the pieces.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Sequence

from bot import features
from bot.assessment import Assessment
from bot.features import KNEE, NERVE
from bot.knowledge import load


def _wording() -> Dict[str, Any]:
    return load("explanations.yml")


def _join(items: Sequence[str], kind: str) -> str:
    """Join items as a list in prose ("a, b and c"), with the YAML's joiners."""
    joiner = _wording()["joiners"][kind]
    if len(items) <= 1:
        return "".join(items)
    return joiner["sep"].join(items[:-1]) + joiner["last"] + items[-1]


def _feature_text(feature_id: str, key: str) -> str:
    return _wording()["features"][feature_id][key]


def _evidence(a: Assessment) -> str:
    wording = _wording()["evidence"]
    parts = []
    for pattern, reasons in ((NERVE, a.reasons_for_nerve), (KNEE, a.reasons_for_knee)):
        if reasons:
            clauses = [_feature_text(f, pattern) for f in reasons]
            parts.append(wording["for"][pattern].format(items=_join(clauses, "clauses")))
    for pattern, denied in ((NERVE, a.reasons_against_nerve), (KNEE, a.reasons_against_knee)):
        if denied:
            words = [_feature_text(f, "denied") for f in denied]
            parts.append(wording["against"][pattern].format(items=_join(words, "negated")))
    return " ".join(parts) or wording["nothing"]


def _guidance(a: Assessment) -> str:
    """The triage level's advice; its reasons name the red flags of that level."""
    level = _wording()["guidance"][a.triage]
    flags = [f for f in a.red_flags if features.group_of(f) == a.triage]
    parts = [level["action"]]
    if flags and "because" in level:
        clauses = [_feature_text(f, "red_flag") for f in flags]
        parts.append(level["because"].format(red_flags=_join(clauses, "clauses")))
    if "after" in level:
        parts.append(level["after"])
    return " ".join(parts)


def explain(a: Assessment) -> Dict[str, str]:
    """The parts of the bot's explanation of an Assessment.

    pattern:  which pattern the answers fit, and that it is not a diagnosis
    evidence: what the person said and why it points where it does
    guidance: which professional to see and how soon, with the red-flag reasons
    checks:   what that professional is likely to check
    """
    wording = _wording()
    return {
        "pattern": f"{wording['patterns'][a.assessment]} {wording['not_a_diagnosis']}",
        "evidence": _evidence(a),
        "guidance": _guidance(a),
        "checks": wording["checks"][a.assessment],
    }


def clinician_summary(
    present: Iterable[str],
    absent: Iterable[str],
    screened: Iterable[str],
    a: Assessment,
) -> Dict[str, Any]:
    """A hand-over for a GP or physiotherapist: plain `text` plus structured fields.

    `screened`: the red-flag ids the bot asked about; each is reported as
    present, absent or unknown (asked but not answered).
    """
    wording = _wording()["clinician"]
    present = list(dict.fromkeys(present))
    absent = [f for f in dict.fromkeys(absent) if f not in present]
    screen = {
        f: "present" if f in present else "absent" if f in absent else "unknown"
        for f in dict.fromkeys(screened)
    }

    def terms(ids: Iterable[str]) -> str:
        names = [_feature_text(f, "clinical") for f in ids]
        return _join(names, "records") if names else wording["none"]

    screen_items = [
        wording["screen_item"].format(feature=_feature_text(f, "clinical"), answer=wording["answers"][answer])
        for f, answer in screen.items()
    ]
    lines: List[str] = [
        wording["heading"],
        wording["reported"].format(items=terms(present)),
        wording["denied"].format(items=terms(absent)),
        wording["screened"].format(items=_join(screen_items, "records") or wording["none"]),
        wording["red_flags"].format(items=terms(a.red_flags)),
        wording["pattern"].format(pattern=wording["patterns"][a.assessment]),
        wording["triage"].format(triage=wording["triage_levels"][a.triage]),
    ]
    return {
        "text": "\n".join(lines),
        "reported": present,
        "denied": absent,
        "screened": screen,
        "red_flags": list(a.red_flags),
        "pattern": a.assessment,
        "triage": a.triage,
        "reasons_for_nerve": list(a.reasons_for_nerve),
        "reasons_for_knee": list(a.reasons_for_knee),
    }
