#!/usr/bin/env bash
# actionlint over action.yml's scripts and every YAML block of the README.
# actionlint checks workflows: each README yaml block is one, and action.yml's steps are linted
# inside a generated workflow that runs them (shellcheck checks their run: scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/.github/workflows"
python3 - "$work/.github/workflows" <<'PY'
import re, sys, yaml
out = sys.argv[1]
text = open("README.md").read()
blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
for index, block in enumerate(blocks):
    document = yaml.safe_load(block)
    if not (isinstance(document, dict) and "jobs" in document):
        sys.exit(f"README yaml block {index + 1} is not a whole workflow")
    open(f"{out}/readme-{index + 1}.yml", "w").write(block)
action = yaml.safe_load(open("action.yml"))
steps = []
for step in action["runs"]["steps"]:
    step = dict(step)
    if "run" in step:
        step["shell"] = "bash"
    steps.append(step)
workflow = {
    "name": "action", "on": "push",
    "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": steps}},
}
# Contexts only a composite action has: give them the workflow's equivalents.
dumped = yaml.safe_dump(workflow, sort_keys=False, width=1000)
dumped = dumped.replace("inputs.", "github.event.inputs.").replace("github.action_path", "github.workspace").replace("github.action_ref", "github.ref")
open(f"{out}/action.yml", "w").write(dumped)
print(f"{len(blocks)} README workflows and action.yml")
PY
(cd "$work" && actionlint -shellcheck shellcheck .github/workflows/*.yml)
echo "actionlint: clean"
