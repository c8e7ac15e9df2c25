#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Hearth and starts the desktop app, optionally on a GGUF model file:
#   ./packaging/run-app.sh [path/to/model.gguf]
# Without a model the window opens on its first-run screen (open or drop a .gguf file there).
set -euo pipefail
cd "$(dirname "$0")/.."

./packaging/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target hearth hearth-cli
exec build/release/bin/hearth "$@"
