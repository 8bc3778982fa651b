#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium loads it offline, runs its script, and the
# DOM it leaves shows a faulty variant's failing case with its checks, and filters by verdict.
set -euo pipefail
bin=$1
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "SKIP: chromium is not installed"; exit 77; }
command -v xmllint > /dev/null || { echo "SKIP: xmllint is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

set +e
"$bin/mx3pid" --homeserver builtin:denied-wrong-status --html "$work/report.html" > "$work/run.log" 2>&1
code=$?
set -e
[ "$code" -eq 1 ] || { echo "FAIL: mx3pid exited $code"; tail -5 "$work/run.log"; exit 1; }
size=$(stat -c %s "$work/report.html")
[ "$size" -lt $((2 * 1024 * 1024)) ] || { echo "FAIL: the report of a full run is $size bytes, 2 MiB at most"; exit 1; }

# Renders $1 (a file:// URL) and leaves the DOM after its scripts ran in $2.
render() {
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-extensions --no-first-run \
    --user-data-dir="$work/profile" --virtual-time-budget=2000 --dump-dom "$1" > "$2" 2> "$work/chromium.log" \
    || { echo "FAIL: chromium did not render $1"; tail -5 "$work/chromium.log"; exit 1; }
}
# The text of an XPath over a rendered DOM.
query() { xmllint --html --xpath "$2" "$1" 2> /dev/null || true; }

render "file://$work/report.html" "$work/all.html"
[ "$(query "$work/all.html" 'string(/html/body/@data-ready)')" = true ] || { echo "FAIL: the page's script did not run"; exit 1; }
case_path="//section[@data-id='register/email/denied']"
[ "$(query "$work/all.html" "string($case_path/@data-verdict)")" = fail ] || { echo "FAIL: register/email/denied is not shown as a failure"; exit 1; }
[ -z "$(query "$work/all.html" "string($case_path/@hidden)")" ] || { echo "FAIL: the failing case is hidden"; exit 1; }
check="$case_path//table[@class='checks']//tr[td[1]='status']"
[ "$(query "$work/all.html" "string($check/td[2])")" = fail ] || { echo "FAIL: its status check is not shown failing"; exit 1; }
[ "$(query "$work/all.html" "string($check/td[3])")" = 403 ] || { echo "FAIL: the check's expected value is missing"; exit 1; }
[[ "$(query "$work/all.html" "string($check/td[4])")" == "400 {"*M_THREEPID_DENIED* ]] || { echo "FAIL: the check's actual value is missing"; exit 1; }
first=$(query "$work/all.html" "string((//section[contains(@class,'case')])[1]/@data-verdict)")
[ "$first" = fail ] || { echo "FAIL: the first case listed is $first, not a failure"; exit 1; }
echo "ok: register/email/denied is shown failing with status expected 403, got 400 M_THREEPID_DENIED; failures first; $size bytes"

render "file://$work/report.html#show=fail" "$work/failures.html"
shown=$(query "$work/failures.html" "count(//section[contains(@class,'case') and not(@hidden)])")
failing=$(query "$work/failures.html" "count(//section[contains(@class,'case') and @data-verdict='fail'])")
hidden_passes=$(query "$work/failures.html" "count(//section[@data-verdict='pass' and @hidden])")
[ "$shown" = "$failing" ] && [ "$shown" -gt 0 ] || { echo "FAIL: filtered to failures, $shown cases shown, $failing failing"; exit 1; }
[ "$hidden_passes" -gt 100 ] || { echo "FAIL: the filter hid $hidden_passes passing cases"; exit 1; }
echo "ok: filtered to failures: $shown shown, $hidden_passes passes hidden"
