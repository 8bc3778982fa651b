#!/usr/bin/env bash
# mx3pid against mx3pid-reference-hs in another process, as a user tries it on a real server:
#  1. requires-id-access-token (v1.2, email mailed by the server, msisdn delegated), a profile with
#     registration: {open: true} and no bound:: mx3pid makes its own bound addresses, the full suite
#     exits 0, and the duplicate and password-reset cases run (at least 8, none skipped).
#  2. The same server, a profile whose bound: names addresses nobody bound: the console says each is
#     not bound (naming the profile key), none of the cases relying on them fails, and the run exits
#     6 (incomplete) with those cases not run.
#  3. A server with shared-secret registration only: a profile with the secret runs; one asking for
#     open registration exits 3 naming the step and the fix.
#  4. Registration closed: exit 3, naming the step and the fix.
# The standard ports are fixed: one run at a time (a lock shared across build trees).
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

# Runs mx3pid against the reference on its standard port; the exit code goes to $code.
run_mx3pid() {
  local log=$1
  shift
  set +e
  "$mx3pid" --homeserver http://127.0.0.1:8008 "$@" > "$work/$log" 2>&1
  code=$?
  set -e
}

profile() {  # profile NAME VALIDATION EXTRA-LINES…
  local name=$1 validation=$2
  shift 2
  {
    echo "validation: $validation"
    echo 'fresh: {email_domain: allowed.example, msisdn: {country: GB, prefix: "7700"}}'
    echo 'denied: {email: someone@denied.example, msisdn: {country: US, phone_number: "2025550123"}}'
    printf '%s\n' "$@"
  } > "$work/$name.yaml"
}

self='{email: self, msisdn: delegate}' delegate='{email: delegate, msisdn: delegate}'
profile fresh "$self" 'registration: {open: true}'
profile unbound "$self" 'bound: {email: nobody@allowed.example, msisdn: {country: GB, phone_number: "7700900999"}}'
profile shared "$delegate" 'registration: {shared_secret: "mx3pid-builtin-delegate-secret"}'
profile open "$delegate" 'registration: {open: true}'

bound_cases='*/duplicate,password/*/valid,password/*/repeat,password/*/resend,password/*/client_secret-255'

cd /
start_reference --variant requires-id-access-token --spec v1.2 --profile "$source_dir/cases/profiles/builtin-self.yaml"

# 1. Self-made fixtures: the full suite, then the cases relying on a bound address alone.
run_mx3pid full.log --profile "$work/fresh.yaml" --spec v1.2 --json "$work/full.json"
[ "$code" -eq 0 ] || { tail -n 40 "$work/full.log"; fail "self-made fixtures, full suite: mx3pid exited $code"; }
grep -q '^setup: register: registered @' "$work/full.log" || fail "no registration step: $(head -n 20 "$work/full.log")"
grep -q '^setup: email: bind: bound' "$work/full.log" || fail "no email bound: $(head -n 20 "$work/full.log")"
grep -q '^setup: msisdn: bind: bound' "$work/full.log" || fail "no msisdn bound: $(head -n 20 "$work/full.log")"
if grep -E '^SKIP ' "$work/full.log" | grep -v -e 'applies to editions' -e 'for servers that validate'; then fail "cases skipped for want of a fixture"; fi
run_mx3pid bound.log --profile "$work/fresh.yaml" --spec v1.2 --filter "$bound_cases"
[ "$code" -eq 0 ] || { cat "$work/bound.log"; fail "self-made fixtures, bound cases: mx3pid exited $code"; }
passed=$(grep -cE '^PASS +[a-z0-9/_-]+/(duplicate|valid|repeat|resend|client_secret-255) ' "$work/bound.log" || true)
[ "$passed" -ge 8 ] || fail "only $passed duplicate and password-reset cases passed: $(cat "$work/bound.log")"
if grep -qE '^(SKIP|FAIL|ERROR) ' "$work/bound.log"; then fail "not every case passed: $(grep -E '^(SKIP|FAIL|ERROR) ' "$work/bound.log")"; fi

# 2. The same server, bound: naming addresses nobody bound: a fixture error, no failure.
run_mx3pid unbound.log --profile "$work/unbound.yaml" --spec v1.2 --json "$work/unbound.json"
[ "$code" -eq 6 ] || { tail -n 40 "$work/unbound.log"; fail "a wrong bound: fixture: mx3pid exited $code, not 6"; }
for key in 'bound.email nobody@allowed.example' 'bound.msisdn GB 7700900999'; do
  grep -q "^setup: fixture error: profile $key is not bound on the server (register/" "$work/unbound.log" ||
    fail "the console does not say $key is not bound: $(grep '^setup' "$work/unbound.log")"
done
if grep -qE '^FAIL ' "$work/unbound.log"; then fail "a case blames the server: $(grep -E '^FAIL ' "$work/unbound.log")"; fi
for id in register/email/duplicate 3pid/msisdn/duplicate password/email/valid password/msisdn/valid; do
  grep -qE "^SKIP +$id .*not run: fixture error: profile bound\.(email|msisdn)" "$work/unbound.log" ||
    fail "$id is not reported as not run for the fixture: $(grep -E " $id " "$work/unbound.log")"
done
not_run=$(grep -o '"not_run": [0-9]*' "$work/unbound.json" | head -n 1 | grep -o '[0-9]*$')
[ "${not_run:-0}" -ge 8 ] || fail "the JSON report counts $not_run cases not run"
stop_reference

# 3. Shared-secret registration only (the delegate profile's server): with the secret the run goes
#    through; asking for open registration is refused, naming the fix.
start_reference --profile "$source_dir/cases/profiles/builtin-delegate.yaml"
run_mx3pid shared.log --profile "$work/shared.yaml" --filter "$bound_cases"
[ "$code" -eq 0 ] || { cat "$work/shared.log"; fail "shared-secret registration: mx3pid exited $code"; }
grep -q '^setup: register (shared secret): registered @' "$work/shared.log" || fail "no shared-secret registration: $(head "$work/shared.log")"
run_mx3pid open.log --profile "$work/open.yaml" --filter "$bound_cases"
[ "$code" -eq 3 ] || { cat "$work/open.log"; fail "open registration on a shared-secret server: mx3pid exited $code, not 3"; }
grep -q 'register: registration is closed .*registration: {shared_secret: …}' "$work/open.log" ||
  fail "the refusal does not name the step and the fix: $(cat "$work/open.log")"
stop_reference

# 4. Registration closed altogether: exit 3, naming the step and the fix.
start_reference --variant registration-closed --spec v1.11 --profile "$source_dir/cases/profiles/builtin-self.yaml"
run_mx3pid closed.log --profile "$work/fresh.yaml" --spec v1.11
stop_reference
[ "$code" -eq 3 ] || { cat "$work/closed.log"; fail "against closed registration mx3pid exited $code, not 3"; }
grep -q 'register: registration is closed .*name bound addresses in bound:' "$work/closed.log" ||
  fail "the refusal is not named with its fix: $(cat "$work/closed.log")"
echo "ok: self-made fixtures on requires-id-access-token; a wrong bound: is a fixture error; shared-secret and closed registration"
