#!/usr/bin/env bash
# mx3pid-reference-hs behind socat terminating TLS with a self-signed certificate: mx3pid trusts it
# with --ca-file (exit 0) and, without it, refuses to test (exit 3) naming the certificate problem.
set -euo pipefail
bin=$1 source_dir=$2
for tool in socat openssl; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done; wait 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null

# Waits (at most 10 s) until something accepts connections on 127.0.0.1:$1.
wait_for_port() {
  timeout 10 bash -c "until (exec 3<>/dev/tcp/127.0.0.1/$1) 2> /dev/null; do sleep 0.05; done"
}

profile=$source_dir/cases/profiles/builtin.yaml
for attempt in $(seq 1 20); do
  identity_port=$((20000 + RANDOM % 20000))
  tls_port=$((20000 + RANDOM % 20000))
  "$bin/mx3pid-reference-hs" --listen 127.0.0.1:0 --identity "127.0.0.1:$identity_port" --profile "$profile" \
    > "$work/hs.log" 2>&1 &
  pids+=($!)
  timeout 10 bash -c "until grep -q 'listening on' '$work/hs.log'; do sleep 0.05; done"
  hs_port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/hs.log")
  socat "OPENSSL-LISTEN:$tls_port,reuseaddr,fork,cert=$work/cert.pem,key=$work/key.pem,verify=0" \
    "TCP:127.0.0.1:$hs_port" 2> "$work/socat.log" &
  pids+=($!)
  if wait_for_port "$tls_port"; then
    set +e
    "$bin/mx3pid" --homeserver "https://localhost:$tls_port" --ca-file "$work/cert.pem" --profile "$profile" \
      --identity-listen "127.0.0.1:$identity_port" --junit "$work/junit.xml" > "$work/trusted.log" 2>&1
    trusted=$?
    set -e
    if [ "$trusted" -ne 2 ]; then break; fi  # 2: the identity port was taken; try others
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  pids=()
done

[ "$trusted" -eq 0 ] || { echo "FAIL: with --ca-file mx3pid exited $trusted"; cat "$work/trusted.log"; exit 1; }
grep -q ' 0 failed, 0 errors' "$work/trusted.log" || { echo "FAIL: not a clean run"; tail -3 "$work/trusted.log"; exit 1; }
echo "ok: with --ca-file: exit 0, $(tail -1 "$work/trusted.log")"

set +e
"$bin/mx3pid" --homeserver "https://localhost:$tls_port" --profile "$profile" \
  --identity-listen "127.0.0.1:$identity_port" > "$work/untrusted.log" 2>&1
untrusted=$?
set -e
[ "$untrusted" -eq 3 ] || { echo "FAIL: without --ca-file mx3pid exited $untrusted"; cat "$work/untrusted.log"; exit 1; }
grep -qi 'certificate' "$work/untrusted.log" || { echo "FAIL: the reason does not name the certificate"; cat "$work/untrusted.log"; exit 1; }
echo "ok: without --ca-file: exit 3, $(cat "$work/untrusted.log")"
