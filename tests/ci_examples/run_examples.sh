#!/usr/bin/env bash
# Runs the CI examples (scripts/ci/) as far as they run here: the GitLab job's mx3pid lines, with its
# variables (target and profile pointed at a built-in server), checking the exit code and every
# report; its homeserver-config line; and the GitHub workflows' use of the action: every input they
# give is one action.yml declares, and every required input is given.
set -euo pipefail
binary=$1 source_dir=$2 shared_dir=${MX3PID_SHARED_DIR:-$3}
command -v xmllint > /dev/null || { echo "FAIL: xmllint is not installed (bash scripts/setup installs it)"; exit 1; }
python3 -c 'import yaml' 2> /dev/null || { echo "FAIL: python3-yaml is not installed (bash scripts/setup installs it)"; exit 1; }
# Jenkins' schema is an optional extra, checked only where a shared folder beside the project has it.
jenkins_schema=$shared_dir/junit/junit-10.xsd
[ -f "$jenkins_schema" ] || { echo "note: $jenkins_schema is absent: the optional check against Jenkins' schema is skipped"; jenkins_schema=; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$binary" "$work/bin/mx3pid"
cat > "$work/known.yaml" <<'YAML'
- {case: "password/*/duplicate", reason: "the variant under test forwards resets for unknown addresses"}
YAML

# The GitLab job: its variables, then its script lines, as the job's shell would run them.
gitlab=$source_dir/scripts/ci/gitlab-ci.yml
python3 - "$gitlab" > "$work/gitlab.sh" <<'PY'
import shlex, sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
for name, value in config["variables"].items():
    print("export %s=%s" % (name, shlex.quote(str(value))))
job = config["mx3pid"]
assert job["artifacts"]["reports"]["junit"] == "mx3pid-junit.xml", "the job does not hand GitLab its JUnit report"
assert job["artifacts"]["when"] == "always", "the reports are not kept when the job fails"
for line in job["script"]:
    print(line)
PY
grep -q '^export MX3PID_HOMESERVER=' "$work/gitlab.sh" || { echo "FAIL: $gitlab sets no MX3PID_HOMESERVER"; exit 1; }
# Here the target is a built-in variant with two known failures, and the profile the built-in one.
(
  cd "$work"
  set +e
  sed -i "/^export MX3PID_EXPECTATIONS=/a export MX3PID_HOMESERVER=builtin:password-unknown-accepted MX3PID_PROFILE=$source_dir/cases/profiles/builtin.yaml MX3PID_EXPECTATIONS=$work/known.yaml" gitlab.sh
  PATH="$work/bin:$PATH" bash -e gitlab.sh > run.log 2>&1
  echo $? > code
)
code=$(cat "$work/code")
[ "$code" -eq 0 ] || { echo "FAIL: $gitlab: the job's script exited $code"; cat "$work/run.log"; exit 1; }
for report in mx3pid-junit.xml mx3pid.json mx3pid.html mx3pid-summary.md; do
  [ -s "$work/$report" ] || { echo "FAIL: $gitlab wrote no $report"; exit 1; }
done
grep -q '"xfailed": 2' "$work/mx3pid.json" || { echo "FAIL: $gitlab: MX3PID_EXPECTATIONS was not applied"; exit 1; }
grep -q '"target": "builtin:password-unknown-accepted"' "$work/mx3pid.json" || { echo "FAIL: $gitlab: MX3PID_HOMESERVER was not read"; exit 1; }
for schema in "$source_dir/doc/junit.xsd" $jenkins_schema; do
  xmllint --noout --schema "$schema" "$work/mx3pid-junit.xml" 2> "$work/xmllint.log" || {
    echo "FAIL: $gitlab: the JUnit report does not validate against $schema"; cat "$work/xmllint.log"; exit 1; }
done
echo "ok: gitlab-ci.yml: the job's script, with its variables"

# Its homeserver-config line prints Synapse settings with the profile's ports.
line=$(grep -E '^\s*- mx3pid homeserver-config ' "$gitlab" | head -n 1 | sed -E 's/^\s*- //')
[ -n "$line" ] || { echo "FAIL: $gitlab does not print the homeserver settings"; exit 1; }
(cd "$work" && export MX3PID_PROFILE=$source_dir/cases/profiles/builtin-self.yaml && PATH="$work/bin:$PATH" eval "$line" 2> run.log) || {
  echo "FAIL: $gitlab: '$line' exited $?"; cat "$work/run.log"; exit 1; }
grep -q '^public_baseurl: ' "$work/mx3pid-homeserver.yaml" || { echo "FAIL: $gitlab: no settings printed"; exit 1; }
echo "ok: gitlab-ci.yml: mx3pid homeserver-config"

# The GitHub workflows give the action only inputs it declares, and every required one.
python3 - "$source_dir" <<'PY'
import glob, os, sys, yaml
source = sys.argv[1]
inputs = yaml.safe_load(open(os.path.join(source, "action.yml")))["inputs"]
required = {name for name, spec in inputs.items() if spec.get("required")}
used = 0
for path in sorted(glob.glob(os.path.join(source, "scripts/ci/github-*.yml"))):
    workflow = yaml.safe_load(open(path))
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "/mx3pid@" not in step.get("uses", ""):
                continue
            given = set(step.get("with", {}))
            unknown, missing = given - set(inputs), required - given
            assert not unknown, "%s gives the action inputs it does not declare: %s" % (path, sorted(unknown))
            assert not missing, "%s leaves out required inputs: %s" % (path, sorted(missing))
            used += 1
    print("ok: %s uses the action with declared inputs" % os.path.basename(path))
assert used >= 2, "expected the action in at least two GitHub workflows, found %d" % used
PY
