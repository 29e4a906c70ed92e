# The single entry point. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
PY := $(BIN)/python
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup nlp train run shell test test-unit test-conversations validate \
        eval-nlu eval-faq crossval bench clean lock
.PHONY: forget export simulate

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

setup:  ## create .venv with Python 3.10 and the pinned dependencies, npm ci for the web page (no-op when up to date)
	@bash scripts/setup.sh
	@bash scripts/install_web.sh

nlp: setup  ## build the clinical spaCy pipeline from bot/data into .build/knee_nlp
	@bash scripts/build_nlp.sh

train: setup  ## train the model if data/, domain.yml, config.yml or the NLU changed (rebuilds .build/knee_nlp first when stale)
	@bash scripts/train_if_needed.sh

run: train  ## set up, train if needed, start the action server and Rasa (Ctrl-C stops both)
	@bash scripts/run.sh

shell: train  ## chat in the terminal (rasa shell) with the action server running
	@bash scripts/shell.sh

validate: setup  ## rasa data validate --fail-on-warnings
	@mkdir -p .data
	$(RASA) data validate --fail-on-warnings --quiet

test-unit: nlp  ## pytest: the core (tests/bot), actions and the in-process adapter tests, no server
	$(PY) -m pytest tests/bot tests/actions tests/test_architecture.py tests/adapters/test_patches.py tests/adapters/test_server.py tests/adapters/stores -q

test-conversations: train  ## conversation tests (tests/test_*.yml) against the trained model
	@bash scripts/test_conversations.sh

test: validate train  ## set up, train if needed, validate, run every test; non-zero on any failure
	@bash scripts/install_browser.sh
	@bash scripts/install_services.sh
	$(PY) -m pytest tests -q
	@bash scripts/test_conversations.sh

eval-nlu: nlp  ## extraction P/R/F1, red flags, false alarms: real messages (tune, held-out), the dev set and the probe sets
	$(PY) -m bot.eval_nlu tests/nlu_eval/real/gold.jsonl --split tune --errors 0 --json results/nlu_eval_real_tune.json
	$(PY) -m bot.eval_nlu tests/nlu_eval/real/gold.jsonl --split heldout --errors 0 --json results/nlu_eval_real_heldout.json
	$(PY) -m bot.eval_nlu tests/nlu_eval/dev.yml --errors 0 --json results/nlu_eval.json
	@for probes in tests/nlu_eval/probes/*.yml; do \
	  $(PY) -m bot.eval_nlu $$probes --errors 0 --json results/nlu_eval_probes_$$(basename $$probes .yml).json || exit 1; \
	done

eval-faq: train  ## FAQ: top-1 accuracy, confusions and out-of-scope honest answers (tests/faq_eval: dev, then held-out)
	$(PY) -m adapters.eval_faq tests/faq_eval/dev.yml tests/faq_eval/heldout.yml --json results/faq_eval.json

simulate: train  ## 40 simulated patients answering in their own words (both answer banks): triage, assessment, answers read, questions
	$(PY) -m tests.simulated.simulate --json results/simulated_main.json
	$(PY) -m tests.simulated.simulate --bank heldout --json results/simulated_heldout.json

crossval: setup  ## Rasa NLU cross-validation; report kept in results/crossval
	$(RASA) test nlu --nlu data/nlu.yml --cross-validation --folds 3 --out results/crossval

bench: train  ## speed, memory and accuracy, ours vs a stock `rasa init` bot (BENCHMARKS.md)
	$(PY) -m bench.run $(BENCH_ARGS)

forget: setup  ## delete every stored event of one conversation: make forget SENDER=<sender id>
	@test -n "$(SENDER)" || { echo "usage: make forget SENDER=<sender id>" >&2; exit 2; }
	@$(PY) -m adapters.privacy forget "$(SENDER)"

export: setup  ## write one conversation as JSON to exports/<sender>.json: make export SENDER=<sender id>
	@test -n "$(SENDER)" || { echo "usage: make export SENDER=<sender id>" >&2; exit 2; }
	@$(PY) -m adapters.privacy export "$(SENDER)"

clean:  ## remove the venv, models, built pipeline, results and local conversations
	rm -rf $(VENV) models .build results .data .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

lock:  ## regenerate constraints.txt from a fresh install of requirements*.txt
	@bash scripts/lock.sh
