#!/usr/bin/env bash
# Installs this bundle on one host, without network: the appliance with its embedded PostgreSQL and Artemis.
#   sudo ./install.sh [--key RELEASE.pub] [--prefix /opt/chatsdk] [--etc /etc/chatsdk] [--data /var/lib/chatsdk]
#                     [--user chatsdk] [--port 8080] [--unit-dir /etc/systemd/system] [--no-start]
# It checks the bundle (its signature with --key, its checksums always), creates the service account, copies the
# bundle to PREFIX/releases/VERSION and points PREFIX/current at it, writes ETC/chatsdk.env once (never overwrites it)
# and the systemd unit, then, where systemd runs, enables and starts chatsdk.service and waits until it is ready.
# Running it again with the same bundle changes nothing; with a newer bundle it upgrades (and restarts the service).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
key='' prefix=/opt/chatsdk etc=/etc/chatsdk data=/var/lib/chatsdk user=chatsdk port=8080 unit_dir=/etc/systemd/system start=1
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --etc) etc=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --unit-dir) unit_dir=$2; shift 2 ;;
    --no-start) start=0; shift ;;
    *) echo "install.sh: unknown option $1" >&2; sed -n '2,3p' "$0" >&2; exit 2 ;;
  esac
done
die() { echo "install.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run it as root (it creates a service account and writes $unit_dir)"
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "--port must be 1 to 65535, not '$port'"
[[ "$user" =~ ^[a-z_][a-z0-9_-]{0,30}$ ]] || die "--user '$user' is not a valid account name"
version=$(cat "$here/VERSION")
[[ "$version" =~ ^[0-9A-Za-z.+_-]{1,64}$ ]] || die "the bundle's VERSION '$version' is not a version"
command -v curl >/dev/null || die "curl is needed (the health check); install Debian's curl package"
command -v openssl >/dev/null || die "openssl is needed (the signature check); install Debian's openssl package"

if [ -n "$key" ]; then
  "$here/bin/chatsdkctl" verify-bundle "$here" --key "$key"
else
  (cd "$here" && sha256sum --quiet -c SHA256SUMS) || die "a file of the bundle does not match its checksum"
  echo "install.sh: checksums match; the signature was NOT checked (pass --key with the release's public key)" >&2
fi

id "$user" >/dev/null 2>&1 || useradd --system --home-dir "$data" --no-create-home --shell /usr/sbin/nologin "$user"
install -d -m 755 "$prefix/releases"
install -d -m 700 -o "$user" -g "$user" "$data"
install -d -m 750 "$etc"

release="$prefix/releases/$version"
changed=0
if [ ! -f "$release/SHA256SUMS" ] || ! cmp -s "$release/SHA256SUMS" "$here/SHA256SUMS"; then
  rm -rf "$release.new"; mkdir -p "$release.new"
  (cd "$here" && tar -cf - --exclude=./install.sh .) | tar -C "$release.new" --no-same-owner -xf -
  chown -R root:root "$release.new"; chmod -R go-w "$release.new"
  rm -rf "$release"; mv "$release.new" "$release"
  changed=1
fi
if [ "$(readlink "$prefix/current" 2>/dev/null)" != "$release" ]; then
  ln -sfn "$release" "$prefix/current.new" && mv -T "$prefix/current.new" "$prefix/current"
  changed=1
fi
if [ ! -f "$etc/chatsdk.env" ]; then
  sed -e "s|^CHATSDK_PORT=.*|CHATSDK_PORT=$port|" -e "s|^CHATSDK_DATA_DIR=.*|CHATSDK_DATA_DIR=$data|" \
    "$here/etc/chatsdk.env.example" > "$etc/chatsdk.env"
  chmod 600 "$etc/chatsdk.env"
  changed=1
fi
unit=$(sed -e "s|@HOME@|$prefix|g" -e "s|@USER@|$user|g" -e "s|@ETC@|$etc|g" -e "s|@DATA@|$data|g" "$here/systemd/chatsdk.service")
mkdir -p "$unit_dir"
if [ "$(cat "$unit_dir/chatsdk.service" 2>/dev/null)" != "$unit" ]; then
  printf '%s\n' "$unit" > "$unit_dir/chatsdk.service"
  changed=1
fi
echo "install.sh: ChatSDK $version in $release, settings in $etc/chatsdk.env, data in $data ($([ $changed = 1 ] && echo changed || echo unchanged))"

if [ "$start" = 1 ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable chatsdk.service >/dev/null
  if [ $changed = 1 ]; then systemctl restart chatsdk.service; else systemctl start chatsdk.service; fi
  "$prefix/current/bin/chatsdkctl" --env "$etc/chatsdk.env" health --wait 180
  echo "install.sh: the operator token is in $data/secrets.properties (operator-token); create an app with the operator API"
elif [ "$start" = 1 ]; then
  echo "install.sh: systemd is not running here; start the service with: $unit_dir/chatsdk.service's ExecStart, as $user, with $etc/chatsdk.env" >&2
fi
