#!/usr/bin/env bash
# Create .venv with a Python 3.8-3.10 interpreter and install the pinned
# dependencies. Idempotent: when requirements and constraints are unchanged
# it does nothing and returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.installed"
want=$(cat requirements.txt requirements-dev.txt constraints.txt | sha256sum | cut -c1-16)

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi

supported() {  # prints the interpreter if it is CPython 3.8-3.10
  local py=$1
  command -v "$py" >/dev/null 2>&1 || return 1
  "$py" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 10) else 1)' 2>/dev/null \
    && command -v "$py"
}

find_python() {
  if [[ -n "${PYTHON:-}" ]]; then
    supported "$PYTHON" && return 0
    echo "setup: \$PYTHON=$PYTHON is not Python 3.8-3.10; looking elsewhere" >&2
  fi
  supported python3.10 && return 0
  if command -v pyenv >/dev/null 2>&1; then
    local v prefix
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V -r); do
      prefix=$(pyenv prefix "$v" 2>/dev/null) || continue
      supported "$prefix/bin/python3.10" && return 0
    done
  fi
  supported python3.9 && return 0
  supported python3.8 && return 0
  return 1
}

if ! PY=$(find_python); then
  cat >&2 <<'MSG'
setup: no Python 3.10 interpreter found.
  Rasa Open Source 3.6.21 runs on Python 3.8-3.10 only. Install Python 3.10, e.g.
    pyenv install 3.10.13            (pyenv)
    apt-get install python3.10-venv  (Debian/Ubuntu with 3.10 packages)
  or point PYTHON at one:  make test PYTHON=/path/to/python3.10
MSG
  exit 1
fi
echo "setup: using $PY ($("$PY" -V 2>&1))"

if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2] <= (3, 10) else 1)'; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

echo "setup: installing pinned dependencies into $VENV (first time: several minutes, ~3 GB)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pip==24.0"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r requirements.txt -r requirements-dev.txt -c constraints.txt
# Make the project's packages (bot, actions) importable from anywhere in the venv.
"$VENV/bin/python" - <<'PY'
import pathlib, site, sys
root = pathlib.Path.cwd().resolve()
pth = pathlib.Path(site.getsitepackages()[0]) / "knee_or_back.pth"
pth.write_text(str(root) + "\n")
PY
"$VENV/bin/python" -m pip check
echo "$want" > "$STAMP"
echo "setup: done"
