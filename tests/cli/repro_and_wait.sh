#!/usr/bin/env bash
# Two things a CI job does with no process started by hand:
# 1. `mx3pid repro CASE --hold S` against a faulty built-in variant: mx3pid starts the homeserver and
#    the mock identity server, reproduces the failure verbosely, and keeps them running while the
#    printed curl line is pasted; the curl line gets the same failing answer.
# 2. `--wait-for-server`: mx3pid started before the homeserver waits for it, says so, then runs.
set -euo pipefail
bin=$1 source_dir=$2
command -v curl > /dev/null || { echo "SKIP: curl is not installed"; exit 77; }
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done; wait 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
# Waits (at most 30 s) until the file holds the text, or the process has ended.
wait_for_text() {
  local file=$1 text=$2 pid=$3
  timeout 30 bash -c "until grep -q '$text' '$file'; do kill -0 $pid 2> /dev/null || exit 1; sleep 0.05; done"
}

# 1. The no-sid variant answers a valid request 200 without a sid, after forwarding to the mock.
"$bin/mx3pid" repro register/email/valid --homeserver builtin:no-sid --spec v1.11 --hold 60 > "$work/repro.log" 2>&1 &
repro=$!
pids+=("$repro")
wait_for_text "$work/repro.log" "holding the mocks" "$repro" || { cat "$work/repro.log"; fail "repro did not reach --hold"; }
grep -q '^FAIL  register/email/valid' "$work/repro.log" || { cat "$work/repro.log"; fail "repro did not reproduce the failure"; }
grep -q '^      > POST http://127.0.0.1:' "$work/repro.log" || fail "repro did not print the exchange"
curl_line=$(grep -A1 '^curl line of register/email/valid' "$work/repro.log" | tail -n 1)
[[ $curl_line == curl\ * ]] || fail "no curl line: $curl_line"
reply=$(bash -c "$curl_line -w '\n%{http_code}'")
status=$(tail -n 1 <<< "$reply")
[ "$status" = 200 ] || fail "the curl line got $status, not the 200 of the run: $reply"
[[ $reply != *'"sid"'* ]] || fail "the curl line's answer has a sid: the failure did not reproduce: $reply"
kill -INT "$repro"
set +e
wait "$repro"
code=$?
set -e
[ "$code" -eq 1 ] || fail "repro exited $code, not 1 (the case fails)"
echo "ok: mx3pid repro reproduced register/email/valid against builtin:no-sid, and its curl line did too, with the mocks held"

# 2. A free port for a homeserver that is not there yet.
port=$(python3 "$source_dir/tests/support/free_port.py")
"$bin/mx3pid" --homeserver "http://127.0.0.1:$port" --wait-for-server 60 --identity-listen 127.0.0.1:0 --smtp-listen 127.0.0.1:0 \
  --filter register/email/body-not-json --spec v1.11 > "$work/wait.out" 2> "$work/wait.err" &
waiting=$!
pids+=("$waiting")
wait_for_text "$work/wait.err" "waiting for http://127.0.0.1:$port" "$waiting" || { cat "$work/wait.err"; fail "mx3pid did not say it waits"; }
"$bin/mx3pid-reference-hs" --listen "127.0.0.1:$port" --spec v1.11 > "$work/hs.log" 2>&1 &
pids+=($!)
set +e
timeout 60 tail --pid="$waiting" -f /dev/null
wait "$waiting"
code=$?
set -e
[ "$code" -eq 0 ] || { cat "$work/wait.err" "$work/wait.out"; fail "mx3pid exited $code after waiting"; }
grep -q "answered after" "$work/wait.err" || fail "mx3pid did not say when the server answered"
grep -q "^PASS  register/email/body-not-json" "$work/wait.out" || fail "the case did not run"
echo "ok: --wait-for-server waited for a homeserver started after mx3pid"
