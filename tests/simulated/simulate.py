"""Simulated patients who answer in their own words (issue 12).

Each patient (patients.yml) opens with their own message, then answers whatever the
interview asks, from their truth, with a phrasing from an answer bank (answers.yml, or
the independently written answers_heldout.yml). The bot runs for real: NLU, policies,
the action server. Measured per patient: triage, assessment, questions to the
assessment, answers read as meant, turns in which a reply repeated another.

    .venv/bin/python -m tests.simulated.simulate [--bank heldout] [--transcripts N]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

HERE = Path(__file__).resolve().parent
EMERGENCY_SIGNS = ("bladder_bowel_change", "saddle_numbness", "both_legs", "progressive_weakness")
SCREEN = "red_flag_screen"
MAX_TURNS = 30


def load_patients() -> List[Dict[str, Any]]:
    return yaml.safe_load((HERE / "patients.yml").read_text(encoding="utf-8"))["patients"]


def load_bank(name: str = "main") -> Dict[str, Dict[str, List[str]]]:
    """feature id -> {"yes": [...], "no": [...]}; the screen's answers always come from
    the main bank (the held-out bank has none)."""
    main = yaml.safe_load((HERE / "answers.yml").read_text(encoding="utf-8"))
    bank = main if name == "main" else yaml.safe_load((HERE / "answers_heldout.yml").read_text(encoding="utf-8"))

    def norm(entry: Dict[Any, List[str]]) -> Dict[str, List[str]]:
        return {("yes" if key in (True, "yes") else "no"): value for key, value in entry.items()}

    out = {key: norm(value) for key, value in bank.items() if isinstance(value, dict)}
    out[SCREEN] = norm(main[SCREEN])
    return out


@dataclass
class Run:
    patient: str
    triage: Optional[str] = None
    assessment: Optional[str] = None
    questions: int = 0
    answers: int = 0
    read_right: int = 0
    misread: List[str] = field(default_factory=list)
    repeats: List[str] = field(default_factory=list)
    transcript: List[str] = field(default_factory=list)


def answer_for(patient: Dict[str, Any], question: str, bank: Dict[str, Dict[str, List[str]]], turn: int) -> str:
    has = set(patient["has"])
    if question == SCREEN:
        if has & set(EMERGENCY_SIGNS):
            return patient.get("screen") or "yes"
        options = bank[SCREEN]["no"]
    else:
        options = bank[question]["yes" if question in has else "no"]
    return options[(int(patient["id"][1:]) + turn) % len(options)]


def read_as_meant(patient: Dict[str, Any], question: str, tracker: Any) -> bool:
    has = set(patient["has"])
    present = set(tracker.get_slot("features_present") or [])
    if question == SCREEN:
        flags = has & set(EMERGENCY_SIGNS)
        if flags:
            return bool(flags & present) or tracker.get_slot(SCREEN) in ("yes", "unsure")
        return set(EMERGENCY_SIGNS) <= set(tracker.get_slot("features_absent") or [])
    return tracker.get_slot(question) == ("yes" if question in has else "no")


def _texts(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["text"] for m in messages if m.get("text")]


async def run_patient(agent: Any, patient: Dict[str, Any], bank: Dict[str, Dict[str, List[str]]]) -> Run:
    sender = f"sim-{patient['id']}-{uuid.uuid4().hex[:8]}"
    run = Run(patient["id"])
    previous: List[str] = []
    opening = [patient["says"]] if isinstance(patient["says"], str) else list(patient["says"])
    text = opening.pop(0)
    for turn in range(MAX_TURNS):
        tracker = await agent.tracker_store.retrieve(sender)
        in_form = tracker is not None and tracker.active_loop_name == "interview_form"
        pending = tracker.get_slot("requested_slot") if in_form else None
        messages = await agent.handle_text(text, sender_id=sender)
        said = _texts(messages)
        run.transcript.append(f"You: {text}")
        run.transcript += [f"Bot: {line}" for line in said]
        if len(said) != len(set(said)) or (said and previous and said[-1] == previous[-1]):
            run.repeats.append(text)
        previous = said
        tracker = await agent.tracker_store.retrieve(sender)
        if pending:
            run.answers += 1
            if read_as_meant(patient, pending, tracker):
                run.read_right += 1
            else:
                run.misread.append(f"{pending}: {text!r}")
        question = tracker.get_slot("requested_slot") if tracker.active_loop_name == "interview_form" else None
        if not question:
            if opening:  # "hello" first, then the symptoms
                text = opening.pop(0)
                continue
            break
        text = answer_for(patient, question, bank, turn)
    tracker = await agent.tracker_store.retrieve(sender)
    run.triage = tracker.get_slot("triage")
    run.assessment = tracker.get_slot("assessment")
    run.questions = len(tracker.get_slot("questions_asked") or [])
    return run


def figures(patients: List[Dict[str, Any]], runs: List[Run]) -> Dict[str, Any]:
    by_id = {p["id"]: p for p in patients}
    with_pattern = [r for r in runs if by_id[r.patient]["expect"].get("assessment")]
    routine = [r.questions for r in runs if by_id[r.patient]["expect"]["triage"] == "routine"]
    answers = sum(r.answers for r in runs)
    return {
        "patients": len(runs),
        "triage_right": sum(r.triage == by_id[r.patient]["expect"]["triage"] for r in runs),
        "assessment_right": sum(r.assessment == by_id[r.patient]["expect"]["assessment"] for r in with_pattern),
        "with_expected_assessment": len(with_pattern),
        "answers": answers,
        "answers_read_as_meant": sum(r.read_right for r in runs),
        "read_rate": round(sum(r.read_right for r in runs) / answers, 4) if answers else 1.0,
        "turns_repeating_a_reply": sum(len(r.repeats) for r in runs),
        "median_questions_complete_routine": statistics.median(routine) if routine else None,
        "questions_per_routine_patient": routine,
        "wrong": [
            {"patient": r.patient, "triage": r.triage, "assessment": r.assessment,
             "expected": by_id[r.patient]["expect"], "misread": r.misread, "repeats": r.repeats}
            for r in runs
            if r.misread or r.repeats or r.triage != by_id[r.patient]["expect"]["triage"]
            or (by_id[r.patient]["expect"].get("assessment") and r.assessment != by_id[r.patient]["expect"]["assessment"])
        ],
    }


async def simulate(agent: Any, bank_name: str = "main") -> tuple:
    patients, bank = load_patients(), load_bank(bank_name)
    runs = [await run_patient(agent, patient, bank) for patient in patients]
    return patients, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bank", choices=["main", "heldout"], default="main")
    parser.add_argument("--transcripts", type=int, default=0, help="print this many transcripts")
    parser.add_argument("--only", nargs="*", help="patient ids")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from adapters import patches
    from tests.servers import MODEL, free_port, require_model, start_action_server, stop

    require_model()
    patches.apply()  # as adapters.server does for every Rasa server of the project
    port = free_port()
    Path("results").mkdir(exist_ok=True)
    proc = start_action_server(port, Path("results") / "simulate-actions.log")
    try:
        agent = Agent.load(str(MODEL), action_endpoint=EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        patients, bank = load_patients(), load_bank(args.bank)
        if args.only:
            patients = [p for p in patients if p["id"] in args.only]

        async def all_runs() -> List[Run]:
            return [await run_patient(agent, patient, bank) for patient in patients]

        runs = asyncio.run(all_runs())
    finally:
        stop(proc)
    result = figures(patients, runs)
    for run in runs[: args.transcripts]:
        print(f"--- {run.patient}")
        print("\n".join(run.transcript))
    print(json.dumps({k: v for k, v in result.items() if k != "wrong"}, indent=2))
    for wrong in result["wrong"]:
        print("wrong:", json.dumps(wrong))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
