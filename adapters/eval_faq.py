"""`make eval-faq`: the trained model on FAQ question sets (tests/faq_eval/).

    python -m adapters.eval_faq tests/faq_eval/dev.yml tests/faq_eval/heldout.yml \
        [--model models/knee.tar.gz] [--json results/faq_eval.json]

Loads the trained model once, parses every question as the server would (NLU,
including the FAQ ranker), and scores what the bot does with it
(bot.faq.outcome, the same decision as action_match_question) with
bot.eval_faq. The last set named is the held-out one: its figures are checked
against the issue's targets.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import warnings
from pathlib import Path

from bot.eval_faq import format_report, load_question_set, score
from bot.faq import outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", type=Path, nargs="+", help="question sets; the last is the held-out one")
    parser.add_argument("--model", type=Path, default=Path("models/knee.tar.gz"))
    parser.add_argument("--json", type=Path, help="also write every figure and error as JSON here")
    args = parser.parse_args()

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # The libraries' deprecation notices while the model loads are not findings
    # (set after Rasa's imports, which reset the filters).
    warnings.filterwarnings("ignore")
    logging.getLogger().setLevel(logging.ERROR)
    configure_structlog(logging.ERROR)  # else every parse is logged at debug level on stdout

    question_sets = [load_question_set(path) for path in args.sets]
    texts = sorted({t for qs in question_sets for t in [q for q, _ in qs.questions] + qs.out_of_scope})
    agent = Agent.load(str(args.model))

    async def parse_all():
        return {text: outcome(await agent.parse_message(text)) for text in texts}

    outcomes = asyncio.run(parse_all())
    reports = [score(qs, outcomes) for qs in question_sets]
    for number, report in enumerate(reports, 1):
        print(format_report(report, targets=number == len(reports)))
        print()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({r.name: r.summary() for r in reports}, indent=2))


if __name__ == "__main__":
    main()
