#!/usr/bin/env bash
# A homeserver whose database outlives a run: two full-depth runs in a row against one
# mx3pid-reference-hs process (email mailed by the server itself, so its sessions, accounts and
# bindings stay between the runs) give the verdicts a fresh process gives, case by case. The fresh
# run repeats the second run's seed, so its requests are the second run's, byte for byte; only the
# server's memory differs. Two profiles: bound addresses the profile names (the password-reset and
# duplicate cases of both runs use the same address, as on a real server) and bound addresses
# mx3pid registers itself; v1.11, and r0.6.1 (before the v3 paths).
set -euo pipefail
bin=$1 source_dir=$2
work=$(mktemp -d)
hs=
stop_reference() { [ -z "$hs" ] || { kill "$hs" 2> /dev/null; wait "$hs" 2> /dev/null || true; }; hs=; }
trap 'stop_reference; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The profiles for the server and mx3pid: the mocks and the mail sink on free ports, outside the
# ephemeral range, since each of the nine runs binds them again.
mapfile -t ports < <(python3 "$source_dir/tests/support/free_port.py" 3)
[ "${#ports[@]}" -eq 3 ] || fail "no three free ports below the ephemeral range"
listen="identity: {listen: \"127.0.0.1:${ports[0]}\", decoy_listen: \"127.0.0.1:${ports[1]}\"}
smtp: {listen: \"127.0.0.1:${ports[2]}\"}"
{
  grep -v '^homeserver:' "$source_dir/cases/profiles/builtin-self.yaml"
  echo "$listen"
} > "$work/registered.yaml"
{
  grep -v -e '^homeserver:' -e '^registration:' "$source_dir/cases/profiles/builtin-self.yaml"
  echo 'bound: {email: taken@allowed.example, msisdn: {country: GB, phone_number: "7700900001"}}'
  echo "$listen"
} > "$work/named.yaml"

url=
start_reference() {  # start_reference PROFILE EDITION: a new process, its URL in $url
  : > "$work/hs.log"  # emptied here: the child opens it only after the fork, and the last process's line is stale
  "$bin/mx3pid-reference-hs" --listen 127.0.0.1:0 --profile "$work/$1.yaml" --spec "$2" > "$work/hs.log" 2>&1 &
  hs=$!
  timeout 30 bash -c "until grep -q 'listening on' '$work/hs.log'; do kill -0 $hs 2> /dev/null || exit 1; sleep 0.05; done" ||
    fail "mx3pid-reference-hs --profile $1 --spec $2: $(cat "$work/hs.log")"
  url=$(sed -nE 's/.*listening on (http:[^ ]+) .*/\1/p' "$work/hs.log")
}

run_mx3pid() {  # run_mx3pid NAME PROFILE EDITION [FLAGS…]: must pass (exit 0), JSON in $work/NAME.json
  local name=$1 profile=$2 edition=$3
  shift 3
  local code=0
  timeout 300 "$bin/mx3pid" --homeserver "$url" --profile "$work/$profile.yaml" --spec "$edition" --depth full --quiet \
    --color never --json "$work/$name.json" "$@" > "$work/$name.log" 2>&1 || code=$?
  [ "$code" -eq 0 ] || { tail -n 40 "$work/$name.log"; fail "$name run ($profile bound addresses, $edition): mx3pid exited $code"; }
}

# Each case ID, its verdict, and whether it ran, sorted by ID.
verdicts() {
  python3 - "$1" << 'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
for case in sorted(report["cases"], key=lambda c: c["id"]):
    print(case["id"], case["verdict"], "not-run" if case["not_run"] else "run")
EOF
}
seed_of() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seed"])' "$1"; }

cd /
for run in named:v1.11 registered:v1.11 named:r0.6.1; do
  profile=${run%%:*} edition=${run#*:}
  start_reference "$profile" "$edition"
  run_mx3pid first "$profile" "$edition"
  run_mx3pid reused "$profile" "$edition"
  stop_reference
  seed=$(seed_of "$work/reused.json")
  [ "$(seed_of "$work/first.json")" != "$seed" ] || fail "$run: two runs drew the same seed $seed"
  start_reference "$profile" "$edition"
  run_mx3pid fresh "$profile" "$edition" --seed "$seed"
  stop_reference

  for name in first reused fresh; do verdicts "$work/$name.json" > "$work/$name.txt"; done
  diff "$work/fresh.txt" "$work/reused.txt" ||
    fail "$run: a run against a server that kept the previous run's data is judged otherwise than a fresh one (< fresh, > reused)"
  diff "$work/first.txt" "$work/reused.txt" ||
    fail "$run: the second run in a row is judged otherwise than the first (< first, > second)"
  cases=$(wc -l < "$work/fresh.txt")
  passed=$(grep -c ' pass run$' "$work/fresh.txt" || true)
  [ "$passed" -ge 300 ] || fail "$run: only $passed of $cases cases passed: too few to compare"
  echo "ok: $profile bound addresses, $edition: $cases cases ($passed passed) judged alike in a first run, a second against the same server, and a fresh one"
done
