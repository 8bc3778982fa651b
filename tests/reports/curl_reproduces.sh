#!/usr/bin/env bash
# The curl line a report prints reproduces its case: mx3pid judges a faulty mx3pid-reference-hs, then
# each case's curl line, pasted into bash against the same server, gets an answer with the same
# verdict. A fresh valid client_secret stands in for the redacted one; a malformed one is kept.
set -euo pipefail
bin=$1 source_dir=$2
for tool in curl jq; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done; wait 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
profile=$source_dir/cases/profiles/builtin.yaml

# Starts `$@` in the background with its output in $work/$name.log, waiting (at most 10 s) for "listening on".
start() {
  local name=$1; shift
  "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  timeout 10 bash -c "until grep -q 'listening on' '$work/$name.log'; do sleep 0.05; done"
}

# The verdict an answer earns in the case checked here: what the case expects, from its YAML.
verdict_of() {
  local kind=$1 status=$2 body=$3
  case $kind in
    valid) [[ $status == 200 && $body =~ \"sid\":\"[0-9a-zA-Z.=_-]+\" ]] ;;
    denied) [[ $status == 403 && $body == *M_THREEPID_DENIED* ]] ;;
    client_secret-forbidden-middle) [[ $status == 400 ]] ;;
    *) echo "no rule for $kind" >&2; return 2 ;;
  esac && echo pass || echo fail
}

checked=0
for pair in "no-sid register/email/valid,register/email/client_secret-forbidden-middle" \
            "denied-wrong-status register/email/denied"; do
  variant=${pair%% *} filter=${pair#* }
  identity_port=""
  for attempt in $(seq 1 20); do
    port=$((20000 + RANDOM % 20000))
    start "hs-$variant" "$bin/mx3pid-reference-hs" --listen 127.0.0.1:0 --identity "127.0.0.1:$port" \
      --profile "$profile" --variant "$variant"
    url=$(sed -n 's/.*listening on \(http:\/\/127.0.0.1:[0-9]*\).*/\1/p' "$work/hs-$variant.log")
    set +e
    "$bin/mx3pid" --homeserver "$url" --profile "$profile" --identity-listen "127.0.0.1:$port" \
      --filter "$filter" --json "$work/$variant.json" > "$work/$variant.log" 2>&1
    code=$?
    set -e
    if [ "$code" -ne 2 ]; then identity_port=$port; break; fi  # 2: the identity port was taken; try another
    kill "${pids[-1]}"; unset 'pids[-1]'
  done
  [ -n "$identity_port" ] || { echo "FAIL: no free identity port"; exit 1; }
  [ "$code" -eq 1 ] || { echo "FAIL: mx3pid exited $code against $variant"; cat "$work/$variant.log"; exit 1; }
  # The identity server stays, as it was during the run, for the requests the curl lines send.
  start "identity-$variant" "$bin/mx3pid-identity" --listen "127.0.0.1:$identity_port"

  while IFS= read -r case_json; do
    id=$(jq -r .id <<< "$case_json") kind=$(jq -r .kind <<< "$case_json")
    verdict=$(jq -r .verdict <<< "$case_json") curl_line=$(jq -r .curl <<< "$case_json")
    recorded=$(jq -r '.exchanges[0].status' <<< "$case_json")
    [[ $curl_line != *"<redacted>"* ]] || { echo "FAIL: $id: the curl line holds <redacted>"; exit 1; }
    if [[ $kind == client_secret-forbidden-middle ]]; then
      [[ $curl_line == *'"client_secret":"mx3pid/secret"'* ]] || { echo "FAIL: $id: the malformed secret is not kept: $curl_line"; exit 1; }
    else
      secret=$(grep -o '"client_secret":"[^"]*"' <<< "$curl_line" | cut -d'"' -f4)
      [[ $secret =~ ^[0-9a-zA-Z.=_-]{1,255}$ ]] || { echo "FAIL: $id: no valid client_secret in $curl_line"; exit 1; }
    fi
    reply=$(bash -c "$curl_line -w '\n%{http_code}'")
    status=$(tail -n 1 <<< "$reply")
    body=$(sed '$d' <<< "$reply" | sed -n '/^\r\{0,1\}$/,$p')
    [ "$status" = "$recorded" ] || { echo "FAIL: $id: the run got $recorded, its curl line $status $body"; exit 1; }
    replayed=$(verdict_of "$kind" "$status" "$body")
    [ "$replayed" = "$verdict" ] || { echo "FAIL: $id: the report says $verdict, its curl line gets $status $body ($replayed)"; exit 1; }
    echo "ok: $variant $id: $verdict in the report and from its curl line ($status)"
    checked=$((checked + 1))
  done < <(jq -c '.cases[] | select(.verdict != "skip")' "$work/$variant.json")
  grep -q '"verdict": "fail"' "$work/$variant.json" || { echo "FAIL: no failing case against $variant"; exit 1; }
done
[ "$checked" -eq 3 ] || { echo "FAIL: $checked cases checked, 3 expected"; exit 1; }
