#!/usr/bin/env bash
# Makes sure Node.js 20.19+ and npm are on PATH, for the web SDK, the React kit and their tests (native-apps/).
# Installs Debian's nodejs and npm with apt-get when node is missing; prints the node binary's path.
set -euo pipefail
ok() { command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; }
if ok; then command -v node; exit 0; fi
if ! command -v node >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chatsdk: installing Node.js (Debian packages nodejs and npm) for the web SDK's tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends nodejs npm >&2
  if ok; then command -v node; exit 0; fi
fi
echo "chatsdk: the web SDK needs Node.js 20.19 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
echo "  Install it from your distribution or nodejs.org, and put node and npm on PATH." >&2
exit 1
