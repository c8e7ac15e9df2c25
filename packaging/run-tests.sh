#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs every test: the release build (all tests, incl. the AArch64 NEON
# kernel tests under qemu and the bounded libFuzzer run), then the engine and kernel tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

./packaging/install-deps.sh

cmake --preset release
cmake --build --preset release
ctest --preset release

cmake --preset asan
cmake --build --preset asan
ctest --preset asan
