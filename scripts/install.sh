#!/bin/sh
# Installs (or updates) sysray on this host from a release directory:
#
#   sudo sh scripts/install.sh [--from DIR] [--no-service]
#
#   --from DIR     where the single executable `sysray` (and SHA256SUMS) are; default: dist-release/ of
#                  this checkout (npm run build:release), else the directory of this script
#   --no-service   install the files only
#
# The single executable is the agent and the local tools; the gateway runs from the npm install or its
# container image (docs/deploy.md), so this script installs the agent service only.
#
# Environment: PREFIX (default /usr/local), SYSCONFDIR (default /etc), DESTDIR (stage into this root, for
# packaging and tests: the service is then only shown, with `sysray service install --dry-run`).
#
# What it does: checks the binary against SHA256SUMS when present, installs it to $PREFIX/bin/sysray
# (replacing a running one safely), installs $SYSCONFDIR/sysray/sysray.toml only if there is none (an
# update keeps your configuration), then runs `sysray service install` (systemd, or launchd on macOS).
set -eu

PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
DESTDIR=${DESTDIR:-}
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
from=
service=yes

die() {
  echo "install.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case $1 in
    --from)
      [ $# -ge 2 ] || die "--from needs a directory"
      from=$2
      shift 2
      ;;
    --no-service)
      service=
      shift
      ;;
    -h | --help)
      sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

if [ -z "$from" ]; then
  if [ -x "$here/../dist-release/sysray" ]; then from=$here/../dist-release; else from=$here; fi
fi
binary=$from/sysray
[ -f "$binary" ] || die "no sysray executable in $from (build it with: npm run build:release)"

# The example configuration: next to the binary in a release archive, or deploy/ of this checkout.
example=
for candidate in "$from/sysray.example.toml" "$here/../deploy/sysray.example.toml"; do
  if [ -f "$candidate" ]; then
    example=$candidate
    break
  fi
done

if [ -f "$from/SHA256SUMS" ]; then
  expected=$(awk '$2 == "sysray" || $2 == "*sysray" { print $1 }' "$from/SHA256SUMS")
  if [ -n "$expected" ]; then
    if command -v sha256sum >/dev/null 2>&1; then
      actual=$(sha256sum "$binary" | awk '{ print $1 }')
    else
      actual=$(shasum -a 256 "$binary" | awk '{ print $1 }')
    fi
    [ "$actual" = "$expected" ] || die "$binary does not match SHA256SUMS (expected $expected, got $actual)"
    echo "checksum ok: $binary"
  fi
fi

bindir=$DESTDIR$PREFIX/bin
target=$bindir/sysray
mkdir -p "$bindir"
# Copy beside the target, then rename over it: a running agent keeps its old inode ("text file busy"
# never happens) and nobody sees a half-written binary.
cp "$binary" "$target.new.$$"
chmod 0755 "$target.new.$$"
mv -f "$target.new.$$" "$target"
echo "installed $target"

confdir=$DESTDIR$SYSCONFDIR/sysray
config=$confdir/sysray.toml
if [ -e "$config" ]; then
  echo "kept $config (an update never replaces your configuration)"
elif [ -n "$example" ]; then
  mkdir -p "$confdir"
  cp "$example" "$config"
  chmod 0640 "$config"
  echo "installed $config (from $(basename "$example"))"
else
  echo "no example configuration found: the agent runs on its defaults (docs/configuration.md)"
fi

if [ -n "$service" ]; then
  # The agent reads /etc/sysray/sysray.toml by default; another SYSCONFDIR is passed explicitly.
  set --
  if [ "$SYSCONFDIR" != /etc ] && [ -e "$config" ]; then set -- --config "$SYSCONFDIR/sysray/sysray.toml"; fi
  if [ -n "$DESTDIR" ]; then
    # A staged tree cannot be enabled on this machine; show what the service would be.
    "$target" service install --dry-run "$@"
  else
    "$target" service install "$@"
  fi
fi
