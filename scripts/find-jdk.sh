#!/usr/bin/env bash
# Prints the home of a JDK 21 or newer, or explains what to install and fails.
# Order: $JAVA_HOME, the `java` on PATH, then every JDK under /usr/lib/jvm (newest first).
set -euo pipefail

java_major() { # $1 = JDK home; prints its feature version, or nothing
  local v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
  echo "${v%%.*}"
}

candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
if command -v javac >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
fi
if [ -d /usr/lib/jvm ]; then
  while IFS= read -r d; do candidates+=("$d"); done < <(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's:/$::' | sort -Vr)
fi

for home in "${candidates[@]}"; do
  major=$(java_major "$home")
  if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
    echo "$home"
    exit 0
  fi
done

cat >&2 <<'MSG'
chatsdk: no JDK 21 or newer was found.
  Looked at $JAVA_HOME, the javac on PATH and every JDK under /usr/lib/jvm.
  Install one, for example:  apt-get install openjdk-21-jdk-headless   (Debian/Ubuntu)
  or set JAVA_HOME to an existing JDK 21+ and run the command again.
MSG
exit 1
