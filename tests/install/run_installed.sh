#!/usr/bin/env bash
# cmake --install into a scratch prefix, then: the installed mx3pid runs the suite from / against
# the built-in target, reads the cases installed beside it (not the source's), and says where it
# looks in --help; mx3pid-reference-hs finds its default profile there too.
set -euo pipefail
build_dir=$1 cmake_command=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$cmake_command" --install "$build_dir" --prefix "$prefix" > "$prefix/install.log" || { cat "$prefix/install.log"; fail "cmake --install"; }
for binary in mx3pid mx3pid-reference-hs mx3pid-identity mx3pid-mutation-score; do
  [ -x "$prefix/bin/$binary" ] || fail "no $prefix/bin/$binary"
done
[ -f "$prefix/share/mx3pid/cases/profiles/builtin.yaml" ] || fail "no built-in profile under share/mx3pid/cases/profiles"
[ -f "$prefix/share/man/man1/mx3pid.1" ] || fail "no man page"

cd /
"$prefix/bin/mx3pid" --homeserver builtin > "$prefix/run.log" 2>&1 || { tail -n 30 "$prefix/run.log"; fail "installed mx3pid --homeserver builtin exited $?"; }
grep -q ' passed' "$prefix/run.log" || fail "no summary in the run's output"

# The standalone reference finds its default profile beside itself too.
"$prefix/bin/mx3pid-reference-hs" --listen 127.0.0.1:0 > "$prefix/hs.log" 2>&1 &
hs=$!
for _ in $(seq 100); do grep -q 'listening on' "$prefix/hs.log" && break; kill -0 "$hs" 2> /dev/null || break; sleep 0.1; done
kill "$hs" 2> /dev/null || true
wait "$hs" || true
grep -q 'listening on' "$prefix/hs.log" || fail "installed mx3pid-reference-hs did not start: $(cat "$prefix/hs.log")"

# The installed copy reads the installed cases: with all but one case file removed, --list shows
# only that file's cases.
find "$prefix/share/mx3pid/cases" -maxdepth 1 -name '*.yaml' ! -name '01-valid.yaml' -delete
listed=$("$prefix/bin/mx3pid" --list) || fail "--list with the installed cases"
echo "$listed" | grep -q '/valid ' || fail "--list shows no valid case: $listed"
if echo "$listed" | grep -q '/duplicate '; then fail "the installed mx3pid read cases that are not installed"; fi

help=$("$prefix/bin/mx3pid" --help)
echo "$help" | grep -qF "$prefix/share/mx3pid/cases" || fail "--help does not name $prefix/share/mx3pid/cases"

# Without its cases it says so and where it looked, exit 2.
rm -rf "$prefix/share/mx3pid/cases"
set +e
"$prefix/bin/mx3pid" --homeserver builtin > "$prefix/missing.log" 2>&1
code=$?
set -e
[ "$code" -eq 2 ] || fail "without cases the exit code is $code, not 2"
grep -qF "$prefix/share/mx3pid/cases" "$prefix/missing.log" || fail "the error does not name where it looked: $(cat "$prefix/missing.log")"
echo "ok: installed into $prefix and ran from /"
