#!/usr/bin/env bash
# Build the clinical spaCy pipeline from bot/data into .build/knee_nlp, only
# when the lexicon, the ConText rules or bot/nlp changed.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build/knee_nlp
want=$(find bot/nlp bot/data/lexicon.yml bot/data/context_rules.yml bot/data/features.yml -type f \
         \( -name '*.py' -o -name '*.yml' \) | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
if [[ -f "$OUT/.fingerprint" && "$(cat "$OUT/.fingerprint")" == "$want" ]]; then
  exit 0
fi
rm -rf "$OUT"
mkdir -p .build
.venv/bin/python -m bot.nlp.build "$OUT"
echo "$want" > "$OUT/.fingerprint"
echo "nlp: built $OUT"
