#!/usr/bin/env bash
# Regenerates docs/screenshot.png (the README's picture): the real app under Xvfb (the xcb platform, as on a
# desktop) chatting with ../shared/models/stories260K.gguf. It reuses the end-to-end test, which loads the model,
# sends a prompt, stops, regenerates and, with HEARTH_E2E_SCREENSHOT set, grabs the window after the answer has
# streamed, so the speed panel and the context meter show real figures.
#   ./packaging/screenshot.sh            (builds in build/release; HEARTH_BUILD_DIR=<dir> to use another tree)
set -euo pipefail
cd "$(dirname "$0")/.."

model=../shared/models/stories260K.gguf
[ -f "$model" ] || { echo "screenshot.sh: needs $model (the small model next to the checkout)" >&2; exit 1; }
build=${HEARTH_BUILD_DIR:-build/release}

./packaging/install-deps.sh
if [ "$build" = build/release ]; then
  cmake --preset release >/dev/null
else
  cmake -S . -B "$build" >/dev/null
fi
cmake --build "$build" --target app_e2e_test

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A 24-bit screen larger than the window (1180x760), so nothing is clipped; the test's own checks must pass too.
HEARTH_E2E_SCREENSHOT="$out/screenshot.png" QT_QPA_PLATFORM=xcb \
  xvfb-run -a -s "-screen 0 1400x900x24" "$build/bin/app_e2e_test" chatsWithStories260K
mkdir -p docs
cp "$out/screenshot.png" docs/screenshot.png
echo "wrote docs/screenshot.png"
