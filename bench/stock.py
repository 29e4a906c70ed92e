"""The stock bot: `rasa init --no-prompt` in a temporary folder (which trains it), then
`rasa run --enable-api` with the credentials.yml and endpoints.yml that `rasa init`
wrote (in-memory tracker store, no action server)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, Optional

from bench.paths import BIN
from bench.processes import Processes, bench_env, log, tail
from bench.startup import wait_first_answer
from tests.servers import free_port


def train_stock(p: Processes, tmp: Path, reuse: Optional[Path]) -> Dict:
    """Create and train the stock bot (or reuse one: --stock-dir); its training time."""
    if reuse:
        models = sorted((reuse / "models").glob("*.tar.gz"))
        if not models:
            raise SystemExit(f"--stock-dir {reuse}: no model in models/")
        log(f"stock: reusing {reuse} (no training measured)")
        return {"dir": reuse, "model": models[-1], "train_s": None, "train_how": f"not measured (--stock-dir {reuse})"}
    stock = tmp / "stock"
    stock.mkdir()  # `rasa init --no-prompt` wants the folder to exist
    log("stock: rasa init --no-prompt (scaffold + training, empty cache) ...")
    seconds = p.run([BIN / "rasa", "init", "--no-prompt", "--init-dir", stock], cwd=tmp, logfile=tmp / "stock-init.log",
                    env=bench_env(RASA_CACHE_DIRECTORY=str(tmp / "cache-stock")), timeout=1200)
    models = sorted((stock / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model:\n{tail(tmp / 'stock-init.log')}")
    log(f"stock: trained in {seconds:.0f} s")
    return {"dir": stock, "model": models[-1], "train_s": round(seconds, 1),
            "train_how": "`rasa init --no-prompt` (scaffold + full training), empty Rasa cache"}


def start_stock(p: Processes, stock: Dict) -> Dict:
    """Start the stock bot's server; its URL, cold start and process."""
    port = free_port()
    t0 = time.monotonic()
    rasa = p.start([BIN / "rasa", "run", "-m", stock["model"], "-i", "127.0.0.1", "-p", str(port), "--enable-api",
                    "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
                   cwd=stock["dir"], logfile=stock["dir"] / "bench-rasa.log", env=bench_env())
    url = f"http://127.0.0.1:{port}"
    cold = wait_first_answer(url, [rasa], t0)
    return {"url": url, "cold_s": cold, "rasa": rasa, "actions": None}
