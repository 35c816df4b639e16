#!/usr/bin/env bash
# Times the README's first command on a fresh clone with an empty package cache: a clone of this repository at REV
# (default HEAD) in a temporary directory, npm's cache and pnpm's store, cache and state directories empty inside it,
# then `npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start` until the relay prints its ready line.
# Needs the network (the packages are downloaded); the relay listens on a free loopback port and is stopped after.
# Usage: scripts/first-install-time.sh [REV]
set -euo pipefail
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
rev=${1:-HEAD}
work=$(mktemp -d "${TMPDIR:-/tmp}/concord-first-install-XXXXXX")
git clone -q "$repo" "$work/repo"
git -C "$work/repo" checkout -q "$(git -C "$repo" rev-parse "$rev")"
cd "$work/repo"
export npm_config_cache="$work/npm-cache" npm_config_store_dir="$work/pnpm-store"
export XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data-home" XDG_STATE_HOME="$work/state"
export CONCORD_PORT=0 CONCORD_DATA="$work/relay-data"
start=$(date +%s.%N)
setsid bash -c 'npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start' >"$work/stdout.log" 2>"$work/stderr.log" &
group=$!
until grep -qs 'concord-relay listening' "$work/stdout.log"; do
  if ! kill -0 "$group" 2>/dev/null; then
    echo "the first command ended before the ready line; see $work/stderr.log" >&2
    exit 1
  fi
  sleep 0.2
done
end=$(date +%s.%N)
kill -TERM -- "-$group" 2>/dev/null || true
echo "ready after $(echo "$end - $start" | bc) s (rev $(git rev-parse --short HEAD); logs in $work)"
grep -E 'Packages: |Done in ' "$work/stdout.log" || true
if grep -q 'node-gyp rebuild' "$work/stdout.log"; then echo 'compiled from source:'; grep 'install\$ .*node-gyp rebuild' "$work/stdout.log" | sort -u; fi
