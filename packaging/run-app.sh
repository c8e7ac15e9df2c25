#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Hearth and starts it on a GGUF model file:
#   ./packaging/run-app.sh path/to/model.gguf
# (Until the desktop UI lands this starts an interactive chat in the terminal with hearth-cli.)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: $0 MODEL.gguf [hearth-cli chat options]" >&2
  exit 1
fi
model=$1; shift

./packaging/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target hearth-cli
exec build/release/bin/hearth-cli chat -m "$model" "$@"
