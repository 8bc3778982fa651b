#!/usr/bin/env python3
"""Runs the steps of action.yml as GitHub Actions would, in a simulated GITHUB_* environment,
against built-in targets: the reference (installed from a release-style tarball), a faulty variant
(mx3pid restored by the cache step), an unreachable URL, and a package that does not exist. Each
`run:` step is executed as written, with its `env:` expressions filled in from the inputs, the
runner and earlier steps' outputs; `uses:` steps are simulated (the cache restores a folder, the
upload checks what it would upload). Checks exit codes, outputs, annotations, the job summary and
the reports.

usage: run_action.py BUILD_DIR SOURCE_DIR CMAKE"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

build_dir, source_dir, cmake = sys.argv[1:4]
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


action = yaml.safe_load(open(os.path.join(source_dir, "action.yml")))
declared = action["inputs"]


def expand(text, context):
    """Fills in ${{ inputs.X }}, ${{ runner.temp }} and ${{ steps.ID.outputs.K }}."""
    def value(match):
        expression = match.group(1).strip()
        if expression.startswith("inputs."):
            name = expression[len("inputs."):]
            if name not in declared:
                fail("action.yml uses the undeclared input " + name)
            return context["inputs"].get(name, declared[name].get("default", ""))
        if expression == "runner.temp":
            return context["runner_temp"]
        found = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if found:
            return context["outputs"].get(found.group(1), {}).get(found.group(2), "")
        fail("action.yml uses an expression the simulation does not know: " + expression)
        return ""
    return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))


def read_outputs(path):
    outputs = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                key, _, value = line.rstrip("\n").partition("=")
                outputs[key] = value
    return outputs


def simulate_uses(step, context, log, work):
    uses = step["uses"]
    with_ = {key: expand(value, context) for key, value in step.get("with", {}).items()}
    if uses.startswith("actions/cache@"):
        restored = context.get("cache")
        if restored:
            shutil.copytree(restored, with_["path"], dirs_exist_ok=True)
        log.append(("cache", with_))
    elif uses.startswith("actions/upload-artifact@"):
        folder = os.path.join(work, with_["path"])
        context["uploaded"] = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        log.append(("upload", with_))
    else:
        fail("action.yml uses an action the simulation does not know: " + uses)


def run_action(name, inputs, work, cache=None):
    """Runs every step in order; returns the context (outputs, step results, console)."""
    runner_temp = os.path.join(work, "runner-temp")
    os.makedirs(runner_temp, exist_ok=True)
    files = {key: os.path.join(work, key.lower()) for key in ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_ENV")}
    context = {"inputs": inputs, "runner_temp": runner_temp, "outputs": {}, "results": {}, "console": "", "cache": cache}
    failed = False
    log = []
    for index, step in enumerate(action["runs"]["steps"]):
        condition = str(step.get("if", "success()"))
        if failed and "always()" not in condition:
            continue
        step_id = step.get("id", "step%d" % index)
        if "uses" in step:
            simulate_uses(step, context, log, work)
            continue
        open(files["GITHUB_OUTPUT"], "w").close()
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("MX3PID_", "GITHUB_"))}
        environment.update(files)
        environment.update({"GITHUB_ACTIONS": "true", "GITHUB_ACTION_PATH": source_dir, "RUNNER_TEMP": runner_temp, "CI": "true"})
        for key, value in step.get("env", {}).items():
            environment[key] = expand(value, context)
        assert step.get("shell") == "bash", "every run step says shell: bash"
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=work, env=environment, capture_output=True, text=True, timeout=300)
        context["console"] += done.stdout + done.stderr
        context["results"][step_id] = done.returncode
        context["outputs"][step_id] = read_outputs(files["GITHUB_OUTPUT"])
        failed = failed or done.returncode != 0
    context["summary"] = open(files["GITHUB_STEP_SUMMARY"]).read() if os.path.exists(files["GITHUB_STEP_SUMMARY"]) else ""
    context["path"] = open(files["GITHUB_PATH"]).read() if os.path.exists(files["GITHUB_PATH"]) else ""
    context["prefix"] = os.path.join(runner_temp, "mx3pid")
    print("ran the action: %s -> steps %s" % (name, context["results"]))
    return context


def junit_valid(path):
    return subprocess.run(["xmllint", "--noout", "--schema", os.path.join(source_dir, "doc/junit.xsd"), path],
                          capture_output=True).returncode == 0


def expect_reports(name, context, work, inputs):
    reports = os.path.join(work, inputs.get("report-dir", declared["report-dir"]["default"]))
    for report in ("junit.xml", "report.json", "report.html", "summary.md"):
        if not os.path.isfile(os.path.join(reports, report)):
            fail("%s: no %s in the report folder" % (name, report))
    if os.path.isfile(os.path.join(reports, "junit.xml")) and not junit_valid(os.path.join(reports, "junit.xml")):
        fail("%s: the JUnit report does not validate against doc/junit.xsd" % name)
    if context.get("uploaded") != ["junit.xml", "report.html", "report.json", "summary.md"]:
        fail("%s: the upload step would upload %s" % (name, context.get("uploaded")))
    return json.load(open(os.path.join(reports, "report.json")))


def make_tarball(work):
    """A release-style tarball: a stripped install under one top folder, as scripts/package makes it."""
    stage = os.path.join(work, "stage", "mx3pid-0.0.0-linux-amd64")
    subprocess.run([cmake, "--install", build_dir, "--strip", "--prefix", stage], check=True, capture_output=True)
    tarball = os.path.join(work, "mx3pid-0.0.0-linux-amd64.tar.gz")
    subprocess.run(["tar", "-czf", tarball, "-C", os.path.dirname(stage), os.path.basename(stage)], check=True)
    return tarball


def scenario_reference(work, tarball):
    inputs = {"homeserver": "builtin", "package": tarball, "spec": "v1.11"}
    context = run_action("reference", inputs, work)
    if context["results"].get("run") != 0:
        fail("reference: the run step exited %s, not 0\n%s" % (context["results"].get("run"), context["console"][-3000:]))
    if context["outputs"].get("run", {}).get("exit-code") != "0":
        fail("reference: the output exit-code is %s" % context["outputs"].get("run"))
    if context["prefix"] + "/bin" not in context["path"]:
        fail("reference: mx3pid's bin/ is not on GITHUB_PATH: " + context["path"])
    report = expect_reports("reference", context, work, inputs)
    if report["counts"]["failed"] != 0 or report["counts"]["passed"] < 100:
        fail("reference: counts %s" % report["counts"])
    if "# mx3pid conformance report" not in context["summary"] or "Failures\n\nNone." not in context["summary"]:
        fail("reference: the job summary is not the Markdown report:\n" + context["summary"][:500])
    if "::error" in context["console"]:
        fail("reference: annotations on a conformant run")
    return context["prefix"]


def scenario_faulty(work, cache):
    inputs = {"homeserver": "builtin:json-as-text-plain", "spec": "v1.11", "args": "--jobs 2"}
    context = run_action("faulty variant", inputs, work, cache=cache)
    if "using the mx3pid in" not in context["console"]:
        fail("faulty variant: the install step did not use what the cache restored")
    if context["results"].get("run") != 1 or context["outputs"].get("run", {}).get("exit-code") != "1":
        fail("faulty variant: the run step exited %s, not 1" % context["results"].get("run"))
    errors = [line for line in context["console"].splitlines() if line.startswith("::error")]
    if not 1 <= len(errors) <= 10:
        fail("faulty variant: %d ::error lines (1 to 10 expected)" % len(errors))
    if not any("content type" in line and "https://spec.matrix.org/" in line and "mx3pid repro " in line for line in errors):
        fail("faulty variant: no annotation names the cause, the spec URL and a reproduction:\n" + "\n".join(errors))
    if "## Failures by cause" not in context["summary"] or len(context["summary"].encode()) > 65536 + 1:
        fail("faulty variant: the job summary has no causes, or is over 65,536 bytes")
    if context["results"].get("step5", 0) != 0:
        fail("faulty variant: the summary step failed")
    report = expect_reports("faulty variant", context, work, inputs)
    if report["counts"]["failed"] == 0:
        fail("faulty variant: no failure in the JSON report")


def scenario_unreachable(work, cache):
    inputs = {"homeserver": "http://127.0.0.1:9", "wait-for-server": "1", "report-dir": "out/reports"}
    context = run_action("unreachable", inputs, work, cache=cache)
    if context["results"].get("run") != 3:
        fail("unreachable: the run step exited %s, not 3" % context["results"].get("run"))
    report = expect_reports("unreachable", context, work, inputs)
    if report["counts"]["errors"] != 1 or "127.0.0.1:9" not in report["cases"][0]["message"]:
        fail("unreachable: the JSON report has no ERROR naming the target: %s" % report["cases"][:1])
    if "127.0.0.1:9" not in context["summary"] or "--wait-for-server" not in context["summary"]:
        fail("unreachable: the job summary does not name the target and the fix:\n" + context["summary"][:800])
    if not any(line.startswith("::error") and "127.0.0.1:9" in line for line in context["console"].splitlines()):
        fail("unreachable: no ::error annotation names the target")


def scenario_no_package(work):
    inputs = {"homeserver": "builtin", "package": os.path.join(work, "no-such-package.tar.gz")}
    context = run_action("missing package", inputs, work)
    if context["results"].get("install") in (0, None):
        fail("missing package: the install step did not fail")
    if "run" in context["results"]:
        fail("missing package: mx3pid ran though it was not installed")
    if "mx3pid did not run" not in context["summary"]:
        fail("missing package: the job summary does not say that mx3pid did not run:\n" + context["summary"])


def main():
    for name, spec in declared.items():
        if "description" not in spec:
            fail("the input %s has no description" % name)
    with tempfile.TemporaryDirectory() as top:
        tarball = make_tarball(top)
        work = {name: os.path.join(top, name) for name in ("reference", "faulty", "unreachable", "missing")}
        for folder in work.values():
            os.makedirs(folder)
        prefix = scenario_reference(work["reference"], tarball)
        scenario_faulty(work["faulty"], prefix)
        scenario_unreachable(work["unreachable"], prefix)
        scenario_no_package(work["missing"])
    if failures:
        sys.exit(1)
    print("ok: action.yml's steps: reference, faulty variant, unreachable target, missing package")


main()
