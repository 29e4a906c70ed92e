"""Build the extraction pipeline once and save it: ``python -m bot.nlp.build OUTDIR``.

Load it later with ``bot.nlp.load_nlp(OUTDIR)``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from bot.nlp.pipeline import build_nlp


def main(argv: Optional[List[str]] = None) -> int:
    """Parse arguments, build the pipeline from the YAML data and write it to OUTDIR."""
    parser = argparse.ArgumentParser(prog="python -m bot.nlp.build", description=__doc__)
    parser.add_argument("outdir", type=Path, help="directory to write the pipeline to")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="directory holding lexicon.yml and context_rules.yml (default: bot/data)")
    args = parser.parse_args(argv)
    nlp = build_nlp(args.data_dir)
    nlp.to_disk(args.outdir)
    print(f"saved pipeline {nlp.pipe_names} to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
