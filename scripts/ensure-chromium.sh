#!/usr/bin/env bash
# Makes sure Debian's headless-capable Chromium is installed, for the demo page's browser test.
# Installs it with apt-get when missing (needs root, as on the project's machines and CI). Prints the binary's path.
set -euo pipefail
for candidate in "${CHATSDK_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chatsdk: Chromium is missing and cannot be installed here (needs root and apt-get)." >&2
  echo "  Install Debian's 'chromium' package, or set CHATSDK_CHROMIUM to a Chromium binary." >&2
  exit 1
fi
echo "chatsdk: installing Chromium (Debian package 'chromium') for the browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium >&2
echo /usr/bin/chromium
