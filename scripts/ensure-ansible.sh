#!/usr/bin/env bash
# Makes sure Debian's ansible-core and ansible-lint are installed, for the installer's tests (installer/, ansible/).
# Installs them with apt-get when missing (needs root, as on the project's machines and CI). Prints ansible-playbook's path.
set -euo pipefail
if command -v ansible-playbook >/dev/null 2>&1 && command -v ansible-lint >/dev/null 2>&1; then
  command -v ansible-playbook
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chatsdk: Ansible is missing and cannot be installed here (needs root and apt-get)." >&2
  echo "  Install Debian's 'ansible-core' and 'ansible-lint' packages." >&2
  exit 1
fi
echo "chatsdk: installing Ansible (Debian packages 'ansible-core', 'ansible-lint') for the installer tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends ansible-core ansible-lint >&2
command -v ansible-playbook
