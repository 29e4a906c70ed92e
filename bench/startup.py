"""Cold start: from starting a server's processes to its first non-empty REST answer."""
from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from typing import List, Optional

from bench.processes import tail


def post(url: str, sender: str, text: str, timeout: float = 60) -> list:
    """One message over the REST channel; the bot's messages."""
    req = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def wait_first_answer(url: str, procs: List[subprocess.Popen], t0: float, timeout: float = 300,
                      ready_url: Optional[str] = None) -> float:
    """Seconds from t0 to the first non-empty REST answer to "hi" (asked once ready_url answers)."""
    while time.monotonic() - t0 < timeout:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a server exited with {proc.returncode} during start-up:\n{tail(proc.logfile)}")
        try:
            if ready_url:
                urllib.request.urlopen(ready_url, timeout=2)
                ready_url = None
            if post(url, "bench-cold-start", "hi"):
                return time.monotonic() - t0
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")
