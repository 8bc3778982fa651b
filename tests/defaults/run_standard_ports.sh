#!/usr/bin/env bash
set -euo pipefail
reference=$1 mx3pid=$2
work=$(mktemp -d)
hs=
cleanup() { [ -z "$hs" ] || { kill "$hs" 2> /dev/null; wait "$hs" 2> /dev/null; }; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Other build trees on this machine run the same test: one at a time.
exec 9> "${TMPDIR:-/tmp}/mx3pid-standard-ports.lock"
flock -w 200 9 || fail "the standard ports stayed locked for 200 s"

cd /
"$reference" > "$work/hs.log" 2>&1 &
hs=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$work/hs.log" && break
  kill -0 "$hs" 2> /dev/null || break
  sleep 0.1
done
grep -q 'listening on http://127.0.0.1:8008 .*identity server 127.0.0.1:8090' "$work/hs.log" ||
  fail "mx3pid-reference-hs with no flag: $(cat "$work/hs.log")"

set +e
"$mx3pid" --homeserver http://127.0.0.1:8008 --json "$work/run.json" > "$work/run.log" 2>&1
code=$?
set -e
[ "$code" -eq 0 ] || { tail -n 40 "$work/run.log"; fail "mx3pid --homeserver http://127.0.0.1:8008 exited $code"; }
grep -A1 '"name": "identity_server"' "$work/run.json" | grep -q '"value": "127.0.0.1:8090"' || fail "the run's identity server is not 127.0.0.1:8090"
passed=$(sed -nE 's/.*"passed": ([0-9]+).*/\1/p' "$work/run.json" | head -n 1)
[ "${passed:-0}" -ge 20 ] || fail "only ${passed:-0} cases passed: $(tail -n 3 "$work/run.log")"
echo "ok: the standalone reference and mx3pid met on the standard ports; $passed cases passed"
