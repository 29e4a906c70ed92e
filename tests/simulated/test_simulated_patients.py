"""Simulated patients answering in their own words, against the real agent (issue 12).

Both answer banks are run: answers.yml (written with the bot's answer phrases) and
answers_heldout.yml (written by someone who never saw them). The figures are written to
results/simulated_<bank>.json and printed by `make simulate`.
"""
import json
from pathlib import Path

import pytest

from tests.simulated.simulate import figures, load_bank, load_patients, run_patient


@pytest.mark.parametrize("bank_name", ["main", "heldout"])
def test_simulated_patients(bank_name, agent, event_loop_for_agent):
    patients, bank = load_patients(), load_bank(bank_name)
    assert len(patients) >= 30
    runs = [event_loop_for_agent.run_until_complete(run_patient(agent, p, bank)) for p in patients]
    result = figures(patients, runs)
    Path("results").mkdir(exist_ok=True)
    Path(f"results/simulated_{bank_name}.json").write_text(json.dumps(result, indent=2))
    summary = {k: v for k, v in result.items() if k != "wrong"}
    assert result["triage_right"] == result["patients"], result["wrong"]
    assert result["assessment_right"] >= result["with_expected_assessment"] - 3, result["wrong"]
    assert result["read_rate"] >= 0.95, result["wrong"]
    assert result["turns_repeating_a_reply"] == 0, result["wrong"]
    assert result["median_questions_complete_routine"] <= 5, summary
