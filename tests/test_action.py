"""action.yml: valid for GitHub (the real check-jsonschema), and its review step really runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from conftest import TOKEN_LOG, GitRepo

ACTION = Path(__file__).resolve().parent.parent / "action.yml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def test_action_validates_against_the_github_actions_schema() -> None:
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-actions",
                           str(ACTION)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_action_installs_from_its_own_checkout_and_runs_gitmon_ci() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    install = next(s for s in data["runs"]["steps"] if s.get("name") == "Install gitmon")
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert set(data["outputs"]) == {"verdict", "findings", "record", "sarif"}
    assert {"policy", "fail-on", "filter", "sarif-file", "working-directory"} <= set(data["inputs"])


def test_review_step_passes_inputs_and_sets_the_outputs(repo: GitRepo, tmp_path: Path) -> None:
    """Run the step's own script with bash as the runner does, inputs given as the runner gives them."""
    base = repo.head()
    repo.write("src/retry/client.py", TOKEN_LOG)
    head = repo.commit("retry client")
    step = next(s for s in action()["runs"]["steps"] if s.get("id") == "gitmon")
    runner_temp = tmp_path / "runner"
    (runner_temp / "gitmon-venv" / "bin").mkdir(parents=True)
    (runner_temp / "gitmon-venv" / "bin" / "gitmon").symlink_to(Path(sys.executable).parent / "gitmon")
    outputs = tmp_path / "output"
    inputs = {"policy": "", "fail-on": "never", "filter": "", "sarif-file": "out dir/g.sarif",
              "base": base, "head": head}
    env = dict(os.environ, RUNNER_TEMP=str(runner_temp), GITHUB_OUTPUT=str(outputs),
               GITHUB_ACTIONS="true")
    for key, expr in step["env"].items():
        name = expr.removeprefix("${{ inputs.").removesuffix(" }}")
        env[key] = inputs[name]
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=repo.path, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr   # --fail-on never reached gitmon
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert set(values) == set(action()["outputs"])
    assert values["verdict"] == "pass"
    assert values["sarif"] == str(repo.path / "out dir" / "g.sarif")
    assert json.loads(Path(values["sarif"]).read_text())["runs"][0]["results"]
    assert json.loads(Path(values["record"]).read_text())["source"] == "ci"
