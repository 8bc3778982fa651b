#!/usr/bin/env bash
# mx3pid-reference-hs --profile builtin-self.yaml (registration open), then mx3pid against it with a
# profile that opens registration and names no bound address: mx3pid binds its own, and the
# duplicate and password-reset cases run and pass. Against the reference with registration closed,
# the refused step is named and mx3pid exits 3. The standard ports are fixed: one run at a time.
set -euo pipefail
reference=$1 mx3pid=$2 source_dir=$3
work=$(mktemp -d)
hs=
stop_reference() { [ -z "$hs" ] || { kill "$hs" 2> /dev/null; wait "$hs" 2> /dev/null || true; }; hs=; }
trap 'stop_reference; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

exec 9> "${TMPDIR:-/tmp}/mx3pid-standard-ports.lock"
flock -w 200 9 || fail "the standard ports stayed locked for 200 s"

start_reference() {
  "$reference" "$@" > "$work/hs.log" 2>&1 &
  hs=$!
  for _ in $(seq 100); do
    grep -q 'listening on' "$work/hs.log" && return 0
    kill -0 "$hs" 2> /dev/null || break
    sleep 0.1
  done
  fail "mx3pid-reference-hs $*: $(cat "$work/hs.log")"
}

cat > "$work/fresh.yaml" <<'YAML'
homeserver: http://127.0.0.1:8008
validation: {email: self, msisdn: delegate}
fresh: {email_domain: allowed.example, msisdn: {country: GB, prefix: "7700"}}
denied: {email: someone@denied.example, msisdn: {country: US, phone_number: "2025550123"}}
registration: {open: true}
YAML

cd /
start_reference --profile "$source_dir/cases/profiles/builtin-self.yaml"
set +e
"$mx3pid" --profile "$work/fresh.yaml" --filter '*/duplicate,password/*/valid' --json "$work/run.json" > "$work/run.log" 2>&1
code=$?
set -e
stop_reference
[ "$code" -eq 0 ] || { cat "$work/run.log"; fail "mx3pid with self-made fixtures exited $code"; }
grep -q '^setup: register: registered @' "$work/run.log" || fail "no registration step: $(head -n 20 "$work/run.log")"
grep -q '^setup: email: bind: bound' "$work/run.log" || fail "no email bound: $(head -n 20 "$work/run.log")"
grep -q '^setup: msisdn: bind: bound' "$work/run.log" || fail "no msisdn bound: $(head -n 20 "$work/run.log")"
for id in register/email/duplicate 3pid/email/duplicate register/msisdn/duplicate 3pid/msisdn/duplicate password/email/valid password/msisdn/valid; do
  grep -qE "^PASS +$id " "$work/run.log" || fail "$id did not pass: $(grep -E " $id " "$work/run.log")"
done
if grep -qE '^SKIP ' "$work/run.log"; then fail "cases were skipped: $(grep -E '^SKIP ' "$work/run.log")"; fi

# Registration closed (the plain built-in profile): the refused step is named, exit 3.
start_reference --profile "$source_dir/cases/profiles/builtin.yaml"
set +e
"$mx3pid" --profile "$work/fresh.yaml" --spec r0.4.0 > "$work/closed.log" 2>&1
code=$?
set -e
stop_reference
[ "$code" -eq 3 ] || { cat "$work/closed.log"; fail "against closed registration mx3pid exited $code, not 3"; }
grep -q 'register: registration is closed' "$work/closed.log" || fail "the refusal is not named: $(cat "$work/closed.log")"
echo "ok: self-made fixtures against mx3pid-reference-hs; closed registration exits 3 naming the step"
