#!/usr/bin/env bash
# Train the model only when its inputs changed: data/, domain.yml, config.yml,
# the NLU component and the lexicon it is built from. The fingerprint is a hash
# of file contents (not mtimes), so a fresh clone of a trained tree is judged
# by content. Random seeds are fixed in config.yml.
set -euo pipefail
cd "$(dirname "$0")/.."

# The clinical extractor is trained from the pipeline prebuilt in .build/knee_nlp:
# rebuild it first when the lexicon or bot/nlp changed (a no-op otherwise), so a
# direct call of this script never packs a stale pipeline into the model.
bash scripts/build_nlp.sh

MODEL=models/knee.tar.gz
FINGERPRINT=models/.fingerprint

inputs() {
  find data bot/nlp bot/data/lexicon.yml bot/data/context_rules.yml bot/data/features.yml \
       bot/faq_ranker.py adapters/pipeline domain.yml config.yml constraints.txt \
       -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null | LC_ALL=C sort
}
want=$(inputs | xargs sha256sum | sha256sum | cut -c1-16)

# One training at a time: a second caller waits, then finds the model fresh.
mkdir -p models
exec 9>models/.train.lock
flock 9

if [[ -f "$MODEL" && -f "$FINGERPRINT" && "$(cat "$FINGERPRINT")" == "$want" ]]; then
  echo "train: model is up to date ($MODEL)"
  exit 0
fi
echo "train: inputs changed, training $MODEL (1-3 minutes)"
mkdir -p models
log=models/train.log
start=$SECONDS
# through adapters.server: its patches apply to training too (adapters/patches.py)
if ! .venv/bin/python -m adapters.server train --fixed-model-name knee --out models "$@" >"$log" 2>&1; then
  grep -v -i -E "warning|deprecat" "$log" | tail -40 >&2
  echo "train: FAILED (full log: $log)" >&2
  exit 1
fi
echo "train: done in $((SECONDS - start)) s (log: $log)"
echo "$want" > "$FINGERPRINT"
