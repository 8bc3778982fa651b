#!/usr/bin/env bash
# Runs every mx3pid command line of the CI examples (scripts/ci/*.yml): the one of a job that
# builds from source (mx3pid/build/bin/mx3pid) and the one of a job that installed the package
# (mx3pid on PATH), against a built-in target, as the job would against a live server, and checks
# the exit code and the reports.
set -euo pipefail
binary=$1 source_dir=$2 shared_dir=${MX3PID_SHARED_DIR:-$3}
command -v xmllint > /dev/null || { echo "FAIL: xmllint is not installed (bash scripts/setup installs it)"; exit 1; }
# Jenkins' schema is an optional extra, checked only where a shared folder beside the project has it.
jenkins_schema=$shared_dir/junit/junit-10.xsd
[ -f "$jenkins_schema" ] || { echo "note: $jenkins_schema is absent: the optional check against Jenkins' schema is skipped"; jenkins_schema=; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/known.yaml" <<'YAML'
- {case: "password/*/duplicate", reason: "the variant under test forwards resets for unknown addresses"}
YAML
export MX3PID_HOMESERVER=builtin:password-unknown-accepted
export MX3PID_PROFILE=$source_dir/cases/profiles/builtin.yaml
export MX3PID_EXPECTATIONS=$work/known.yaml
mkdir -p "$work/bin"
ln -s "$binary" "$work/bin/mx3pid"
checked=0
for example in "$source_dir"/scripts/ci/*.yml; do
  lines=$(grep -E '^\s*(- )?(mx3pid/build/bin/)?mx3pid --homeserver ' "$example" | sed -E 's/^\s*(- )?//')
  [ -n "$lines" ] || { echo "FAIL: no mx3pid command line in $example"; exit 1; }
  grep -q '^mx3pid/build/bin/mx3pid ' <<< "$lines" || { echo "FAIL: $example does not build from source"; exit 1; }
  grep -q '^mx3pid ' <<< "$lines" || { echo "FAIL: $example does not install the package"; exit 1; }
  while read -r line; do
    command=${line/#mx3pid\/build\/bin\/mx3pid/$binary}
    (cd "$work" && rm -f mx3pid-junit.xml mx3pid.json mx3pid-summary.md && PATH="$work/bin:$PATH" eval "$command" > run.log 2>&1) || {
      echo "FAIL: $example: '$line' exited $?"; cat "$work/run.log"; exit 1; }
    for report in mx3pid-junit.xml mx3pid.json mx3pid-summary.md; do
      [ -s "$work/$report" ] || { echo "FAIL: $example wrote no $report"; exit 1; }
    done
    grep -q '"xfailed": 2' "$work/mx3pid.json" || { echo "FAIL: $example: the known failures were not applied"; exit 1; }
    for schema in "$source_dir/doc/junit.xsd" $jenkins_schema; do
      xmllint --noout --schema "$schema" "$work/mx3pid-junit.xml" 2> "$work/xmllint.log" || {
        echo "FAIL: $example: the JUnit report does not validate against $schema"; cat "$work/xmllint.log"; exit 1; }
    done
    echo "ok: $(basename "$example"): ${line%% *}"
    checked=$((checked + 1))
  done <<< "$lines"
done
# The settings line of a package job: prints Synapse settings with the profile's ports.
for example in "$source_dir"/scripts/ci/*.yml; do
  line=$(grep -E '^\s*(- )?mx3pid homeserver-config ' "$example" | head -n 1 | sed -E 's/^\s*(- )?//')
  [ -n "$line" ] || { echo "FAIL: $example does not print the homeserver settings"; exit 1; }
  (cd "$work" && rm -f mx3pid-homeserver.yaml && PATH="$work/bin:$PATH" eval "$line" 2> run.log) || {
    echo "FAIL: $example: '$line' exited $?"; cat "$work/run.log"; exit 1; }
  grep -q '^public_baseurl: ' "$work/mx3pid-homeserver.yaml" || { echo "FAIL: $example: no settings printed"; exit 1; }
  grep -q '^allowed_local_3pids:' "$work/mx3pid-homeserver.yaml" || { echo "FAIL: $example: no address policy"; exit 1; }
  echo "ok: $(basename "$example"): mx3pid homeserver-config"
done
[ "$checked" -ge 4 ] || { echo "FAIL: expected both ways in the GitHub and GitLab examples, found $checked"; exit 1; }
