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
    assert {"policy", "fail-on", "filter", "sarif-file", "json-output", "markdown-output",
            "working-directory"} <= set(data["inputs"])


def test_action_and_workflows_pass_zizmor() -> None:
    """Actions pinned to commits, no persisted credentials, least permissions."""
    root = ACTION.parent
    proc = subprocess.run([str(Path(sys.executable).parent / "zizmor"), "--offline",
                           "--persona=pedantic", str(ACTION), str(root / ".github/workflows")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("No findings to report.")
    for text in (ACTION.read_text(), *(p.read_text() for p in
                                       (root / ".github/workflows").glob("*.yml"))):
        uses = [line.strip().removeprefix("- ") for line in text.splitlines()]
        pins = [u.split()[1] for u in uses if u.startswith("uses:") and "@" in u]
        assert pins
        assert all(len(pin.split("@")[1]) == 40 for pin in pins), pins


def review_step() -> dict[str, Any]:
    return next(s for s in action()["runs"]["steps"] if s.get("id") == "gitmon")


def run_step(repo: GitRepo, tmp_path: Path, step: dict[str, Any], env: dict[str, str],
             **extra: str) -> tuple[Path, dict[str, str]]:
    """Run the step's own script with bash as the runner does (gitmon --fail-on never):
    the runner's temp folder and the step's outputs."""
    runner_temp = tmp_path / "runner"
    (runner_temp / "gitmon-venv" / "bin").mkdir(parents=True)
    (runner_temp / "gitmon-venv" / "bin" / "gitmon").symlink_to(Path(sys.executable).parent / "gitmon")
    outputs = tmp_path / "output"
    full = dict(os.environ, RUNNER_TEMP=str(runner_temp), GITHUB_OUTPUT=str(outputs), **env,
                **extra)
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=repo.path, env=full, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return runner_temp, dict(line.split("=", 1) for line in outputs.read_text().splitlines())


def test_review_step_passes_inputs_and_sets_the_outputs(repo: GitRepo, tmp_path: Path) -> None:
    """Run the step's own script with bash as the runner does, inputs given as the runner gives them."""
    base = repo.head()
    repo.write("src/retry/client.py", TOKEN_LOG)
    head = repo.commit("retry client")
    inputs = {"policy": "", "fail-on": "never", "filter": "", "sarif-file": "out dir/g.sarif",
              "json-output": "", "markdown-output": "out dir/g.md", "base": base, "head": head}
    step = review_step()
    env = {key: inputs[expr.removeprefix("${{ inputs.").removesuffix(" }}")]
           for key, expr in step["env"].items()}
    runner_temp, values = run_step(repo, tmp_path, step, env, GITHUB_ACTIONS="true")
    assert set(values) == set(action()["outputs"])
    assert values["verdict"] == "pass"
    assert values["sarif"] == str(repo.path / "out dir" / "g.sarif")
    assert json.loads(Path(values["sarif"]).read_text())["runs"][0]["results"]
    assert json.loads(Path(values["record"]).read_text())["source"] == "ci"
    assert Path(values["record"]).is_relative_to(runner_temp)     # not in the checkout
    assert "## gitmon:" in (repo.path / "out dir" / "g.md").read_text()


def test_without_sarif_file_the_artifacts_go_to_runner_temp(repo: GitRepo, tmp_path: Path) -> None:
    base = repo.head()
    repo.write("src/retry/client.py", TOKEN_LOG)
    head = repo.commit("retry client")
    env = {"GITMON_BASE": base, "GITMON_HEAD": head, "GITMON_FAIL_ON": "never"}
    runner_temp, values = run_step(repo, tmp_path, review_step(), env)
    assert values["sarif"] == str(runner_temp / "gitmon.sarif")
    assert json.loads(Path(values["sarif"]).read_text())["runs"][0]["results"]
    assert repo.git("status", "--porcelain", "--ignored") == ""      # nothing in the checkout
