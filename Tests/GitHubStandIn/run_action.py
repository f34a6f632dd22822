#!/usr/bin/env python3
"""Runs a composite action.yml the way the runner does, for runlens's tests.

Each `run:` step runs with `bash --noprofile --norc -eo pipefail` and the runner's files and
variables (GITHUB_OUTPUT per step, GITHUB_STEP_SUMMARY, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH,
GITHUB_*); `${{ … }}` in `env:`, `with:`, `if:` and outputs is evaluated for the contexts the
action uses (inputs, github, runner, steps). actions/cache/restore and actions/cache/save are
simulated by a folder of entries (--cache); --seed-binary puts a runlens binary under any
`runlens-` key, standing in for an entry an earlier run saved. Prints a JSON result.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Context:
    def __init__(self, inputs, github, runner):
        self.inputs = inputs
        self.github = github
        self.runner = runner
        self.steps = {}

    def value(self, path):
        parts = path.split(".")
        root = {"inputs": self.inputs, "github": self.github, "runner": self.runner,
                "steps": self.steps}.get(parts[0])
        for part in parts[1:]:
            if not isinstance(root, dict):
                return ""
            root = root.get(part)
        return "" if root is None else str(root)

    def evaluate(self, expression):
        expression = expression.strip()
        if "&&" in expression:
            return all(self.truth(part) for part in expression.split("&&"))
        return self.truth(expression)

    def truth(self, expression):
        expression = expression.strip()
        for operator in ("!=", "=="):
            if operator in expression:
                left, right = (side.strip() for side in expression.split(operator, 1))
                left_value = self.operand(left)
                right_value = self.operand(right)
                return (left_value == right_value) == (operator == "==")
        return self.operand(expression) not in ("", "false", "0")

    def operand(self, text):
        if text.startswith("'") and text.endswith("'"):
            return text[1:-1]
        return self.value(text)

    def substitute(self, text):
        return EXPRESSION.sub(lambda match: self.value(match.group(1)), str(text))


def read_outputs(path):
    outputs = {}
    with open(path) as handle:
        lines = handle.read().split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and "=" not in line.split("<<")[0]:
            name, delimiter = line.split("<<", 1)
            values = []
            index += 1
            while index < len(lines) and lines[index] != delimiter:
                values.append(lines[index])
                index += 1
            outputs[name] = "\n".join(values)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        index += 1
    return outputs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--action", required=True)
    parser.add_argument("--inputs", default="{}")
    parser.add_argument("--github", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--seed-binary")
    arguments = parser.parse_args()

    with open(arguments.action) as handle:
        action = yaml.safe_load(handle)
    work = arguments.work
    temp = os.path.join(work, "runner-temp")
    cache = os.path.join(work, "actions-cache")
    os.makedirs(temp, exist_ok=True)
    os.makedirs(cache, exist_ok=True)
    summary = os.path.join(work, "step-summary.md")
    open(summary, "a").close()
    github = json.loads(arguments.github)
    github.setdefault("action_path", os.path.dirname(os.path.abspath(arguments.action)))
    runner = {"temp": temp, "os": "Linux", "arch": "X64"}
    context = Context({}, github, runner)
    # Defaults are expressions too; an input given by the workflow replaces them.
    given = json.loads(arguments.inputs)
    for name, spec in (action.get("inputs") or {}).items():
        context.inputs[name] = given.get(name, context.substitute(spec.get("default", "")))

    base_env = dict(os.environ)
    base_env.update({
        "RUNNER_TEMP": temp, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
        "GITHUB_STEP_SUMMARY": summary, "GITHUB_REPOSITORY": github.get("repository", ""),
        "GITHUB_RUN_ID": str(github.get("run_id", "")),
        "GITHUB_RUN_ATTEMPT": str(github.get("run_attempt", "")),
        "GITHUB_EVENT_NAME": github.get("event_name", ""),
        "GITHUB_ACTION_PATH": github["action_path"], "GITHUB_ACTIONS": "true",
    })
    result = {"steps": [], "stdout": "", "cacheKeys": []}
    failed = False
    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"__step{index}")
        record = {"id": step_id, "outcome": "skipped"}
        result["steps"].append(record)
        if failed or ("if" in step and not context.evaluate(step["if"])):
            continue
        outputs = {}
        uses = step.get("uses", "")
        with_values = {k: context.substitute(v) for k, v in (step.get("with") or {}).items()}
        if uses.startswith("actions/cache/restore@"):
            key = with_values["key"]
            result["cacheKeys"].append(key)
            entry = os.path.join(cache, key)
            if not os.path.isdir(entry) and arguments.seed_binary and key.startswith("runlens-"):
                os.makedirs(entry)
                shutil.copy(arguments.seed_binary, os.path.join(entry, "runlens"))
            if os.path.isdir(entry):
                shutil.copytree(entry, with_values["path"], dirs_exist_ok=True)
                outputs = {"cache-hit": "true", "cache-primary-key": key, "cache-matched-key": key}
            else:
                outputs = {"cache-primary-key": key, "cache-matched-key": ""}
            record["outcome"] = "success"
        elif uses.startswith("actions/cache/save@"):
            shutil.copytree(with_values["path"], os.path.join(cache, with_values["key"]),
                            dirs_exist_ok=True)
            record["outcome"] = "success"
        elif "run" in step:
            output_file = os.path.join(temp, f"output-{index}")
            open(output_file, "w").close()
            env = dict(base_env)
            env["GITHUB_OUTPUT"] = output_file
            for name, value in (step.get("env") or {}).items():
                env[name] = context.substitute(value)
            with tempfile.NamedTemporaryFile("w", suffix=".sh", dir=temp, delete=False) as script:
                script.write(step["run"])
            process = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", script.name],
                env=env, capture_output=True, text=True, timeout=600)
            result["stdout"] += process.stdout
            sys.stderr.write(process.stderr)
            outputs = read_outputs(output_file)
            record["outcome"] = "success" if process.returncode == 0 else "failure"
            failed = process.returncode != 0
        context.steps[step_id] = {"outputs": outputs, "outcome": record["outcome"]}
        record["outputs"] = outputs
    result["outputs"] = {name: context.substitute(spec.get("value", ""))
                         for name, spec in (action.get("outputs") or {}).items()}
    with open(summary) as handle:
        result["summary"] = handle.read()
    print(json.dumps(result))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
