#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built (cwd: $ROOT/source).
# It installs the kit into its own virtual environment; the system python3 stays untouched.
set -euo pipefail
ROOT="${DLNLP_AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
VENV="$ROOT/dlnlp-venv"
PYTHON="${DLNLP_SETUP_PYTHON:-}"
# Extra pip options, e.g. "--no-index --find-links /wheels" to install from a local folder.
PIP_OPTIONS="${DLNLP_PIP_OPTIONS:-}"
TORCH_INDEX="$(cat "$SRC/course/TORCH_INDEX_URL")"

# the kit needs Python >= 3.11; Gradescope's Ubuntu 22.04 ships 3.10 as python3, 3.11 as a package
if [ -z "$PYTHON" ]; then
  if command -v python3.11 >/dev/null 2>&1; then
    PYTHON=python3.11
  elif python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON=python3
  else
    apt-get update -qq && apt-get install -y -qq python3.11 python3.11-venv
    PYTHON=python3.11
  fi
fi
if ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq "$(basename "$PYTHON")-venv"
fi
"$PYTHON" -m venv "$VENV"
# torch first, from the CPU wheel index: the default index would pull a multi-GB CUDA build
if [ -n "$PIP_OPTIONS" ]; then
  "$VENV/bin/pip" install --quiet $PIP_OPTIONS "torch==2.13.0"
else
  "$VENV/bin/pip" install --quiet --index-url "$TORCH_INDEX" "torch==2.13.0"
fi
"$VENV/bin/pip" install --quiet $PIP_OPTIONS "$SRC/kit"

# student code runs as a uid of each worker's own (no account needed); it may not read the source
chmod -R go-rwx "$SRC"
chmod 755 "$SRC"
chmod 755 "$SRC/run_autograder"
"$VENV/bin/python" -c "import torch, dlnlp; print('dlnlp', dlnlp.__version__, 'torch', torch.__version__)"
