#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine needs to build, run and test Hearth.
# Idempotent: apt-get skips what is already installed. Run as root (or with sudo available).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  clang clang-14 libclang-rt-14-dev lld
  # engine and kernels
  libspdlog-dev libfmt-dev libxsimd-dev xtl-dev libpcre2-dev
  # Qt 6 (front ends) and coroutines
  qt6-base-dev qt6-declarative-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qcoro-qt6-dev libgl-dev libqt6sql6-sqlite qt6-qpa-plugins
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-dialogs qml6-module-qtqml-workerscript qml6-module-qttest
  qml6-module-qtquick-templates qml6-module-qtquick-window qml6-module-qtqml
  # Qt's own file dialog (used where the desktop has no native one) lists folders with it
  qml6-module-qt-labs-folderlistmodel
  # icons (SVG rendered to PNG at build time, SVG window icon), Qt's own translations
  qt6-svg-dev libqt6svg6 qt6-translations-l10n
  # the hub token in the system keyring (Secret Service / KWallet)
  qtkeychain-qt6-dev libqt6keychain1
  # documents for retrieval: PDF text (Qt PDF), DOCX unzipping (minizip)
  qt6-pdf-dev libqt6pdf6 libminizip-dev
  # the Debian package and its checks (cpack DEB with dpkg-shlibdeps, desktop and AppStream validators)
  dpkg-dev desktop-file-utils appstream
  # tests and benchmarks
  libgtest-dev libgmock-dev nlohmann-json3-dev libbenchmark-dev xvfb xauth python3
  # ARM NEON cross build and its kernel tests under emulation
  g++-aarch64-linux-gnu qemu-user
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "install-deps: all ${#packages[@]} packages present"
