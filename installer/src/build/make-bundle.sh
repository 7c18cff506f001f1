#!/usr/bin/env bash
# Makes the offline bundle: installer/target/chatsdk-<version>.tar and, beside it, its SHA-256 and the release's public key.
#   make-bundle.sh OUT_DIR VERSION APPLIANCE_JAR ARTEMIS_TAR_GZ SBOM_JSON JAVA_HOME
# The tree inside: lib/ (the appliance jar), jre/ (a Java runtime made with jlink from JAVA_HOME, so a host needs no JDK),
# artemis/ (the broker distribution from Maven Central, as published), bin/ (launcher and operator commands),
# systemd/ (units), etc/ (environment template), install.sh, sbom.cdx.json, SHA256SUMS and SHA256SUMS.sig.
# SHA256SUMS is signed with Ed25519: the key in CHATSDK_BUNDLE_SIGNING_KEY (PKCS#8 PEM), or else a development key made
# once in OUT_DIR/dev-signing.key (the build says so; a release must be signed with the release key).
set -euo pipefail
out=$1 version=$2 jar=$3 artemis=$4 sbom=$5 jdk=$6
src="$(cd "$(dirname "$0")/../bundle" && pwd)"
name="chatsdk-$version"
stage="$out/bundle/$name"
rm -rf "$out/bundle"
mkdir -p "$stage/lib" "$stage/artemis"
cp -r "$src/bin" "$src/systemd" "$src/etc" "$src/install.sh" "$stage/"
chmod 755 "$stage/bin/"* "$stage/install.sh"
cp "$jar" "$stage/lib/chatsdk-appliance.jar"
cp "$artemis" "$stage/artemis/"
cp "$sbom" "$stage/sbom.cdx.json"
echo "$version" > "$stage/VERSION"

# the runtime: every module of the build's JDK but its development tools, compressed, with the JDK's own class-data-sharing
# archive (the base the launcher's per-jar archive builds on; without it the JVM makes none)
modules=$("$jdk/bin/java" --list-modules | sed 's/@.*//' \
  | grep -v -E '^jdk\.(jlink|jpackage|javadoc|compiler|jshell|jdeps|hotspot\.agent|jartool|editpad|jstatd|internal\.ed|internal\.le|internal\.opt|incubator\..*)$' | paste -sd,)
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 --generate-cds-archive --output "$stage/jre"
# jlink links the modules' legal notices to java.base's; the bundle holds no links (its check refuses them), so copy them
find "$stage/jre" -type l | while IFS= read -r link; do cp --remove-destination "$(readlink -f "$link")" "$link"; done

key="${CHATSDK_BUNDLE_SIGNING_KEY:-}"
if [ -z "$key" ]; then
  key="$out/dev-signing.key"
  [ -f "$key" ] || openssl genpkey -algorithm ed25519 -out "$key"
  echo "make-bundle: signed with a DEVELOPMENT key ($key); set CHATSDK_BUNDLE_SIGNING_KEY for a release" >&2
fi
openssl pkey -in "$key" -pubout -out "$out/$name.signing-key.pub"

(cd "$stage" && find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.sig -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS)
openssl pkeyutl -sign -rawin -inkey "$key" -in "$stage/SHA256SUMS" -out "$stage/SHA256SUMS.sig"

# the jar, the runtime and Artemis are compressed already: a plain tar
tar -C "$out/bundle" --owner=0 --group=0 --numeric-owner -cf "$out/$name.tar" "$name"
(cd "$out" && sha256sum "$name.tar" > "$name.tar.sha256")
echo "make-bundle: $out/$name.tar ($(du -h "$out/$name.tar" | cut -f1))" >&2
