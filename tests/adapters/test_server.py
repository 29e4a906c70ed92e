"""adapters.server: Rasa's command line, with the project's patches applied first."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import rasa.__main__
seen = {}
rasa.__main__.main = lambda: seen.update(argv=list(sys.argv))
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from adapters import patches
assert RemoteAction.run is not patches.run_or_guide  # importing changes nothing
from adapters.server import main
main(["run", "-m", "models/x.tar.gz"])
print(RemoteAction.run is patches.run_or_guide,
      RemoteAction._validate_action_result is patches.validate_action_result,
      Event.resolve_by_type is patches.resolve_event_type,
      seen["argv"])
"""


def test_the_launcher_patches_rasa_then_runs_its_command_line():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True True True ['rasa', 'run', '-m', 'models/x.tar.gz']"


def test_importing_the_nlu_components_patches_nothing():
    probe = ("from rasa.core.actions.action import RemoteAction\n"
             "before = RemoteAction.run\n"
             "import adapters.pipeline.clinical_features, adapters.pipeline.input_guard\n"
             "print(RemoteAction.run is before)\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True"
