"""`gitmon ci` as a process under a faithful GitHub Actions environment, on real repos."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from conftest import TOKEN_LOG, GitRepo, make_repo

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((Path(__file__).with_name("schemas") / "sarif-schema-2.1.0.json").read_text())
RULE_MESSAGE = yaml.safe_load((ROOT / "rules/security/secret-logged-python.yaml").read_text(
    ))["rules"][0]["message"].strip()
SECRET_RULE = "security-secret-logged-python"


@dataclass
class CiRun:
    code: int
    out: str
    err: str
    summary: str
    outputs: dict[str, str]
    workdir: Path

    @property
    def annotations(self) -> list[str]:
        """The commands the runner acts on: none after ::stop-commands:: (until its token)."""
        live = self.out.split("::stop-commands::", 1)[0]
        return [line for line in live.splitlines()
                if line.startswith(("::error", "::warning", "::notice"))]

    def record(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(Path(self.outputs["record"]).read_text())
        return data


def parse_outputs(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: name=value, or name<<DELIM ... DELIM."""
    lines, out = iter(text.splitlines()), {}
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            out[name] = "\n".join(iter(lambda: next(lines), delim))
        else:
            name, value = line.split("=", 1)
            out[name] = value
    return out


def run_ci(repo: GitRepo, event: str, payload: dict[str, Any], *args: str) -> CiRun:
    work = repo.path.parent / "runner"
    work.mkdir(exist_ok=True)
    (work / "event.json").write_text(json.dumps(payload))
    summary, output = work / "step_summary.md", work / "output.txt"
    summary.write_text("")
    output.write_text("")
    env = dict(os.environ, GITHUB_ACTIONS="true", CI="true", GITHUB_EVENT_NAME=event,
               GITHUB_EVENT_PATH=str(work / "event.json"), GITHUB_STEP_SUMMARY=str(summary),
               GITHUB_OUTPUT=str(output), GITHUB_WORKSPACE=str(repo.path),
               GITHUB_REPOSITORY="acme/shop", RUNNER_TEMP=str(work))
    proc = subprocess.run([sys.executable, "-m", "gitmon", "ci", *args], cwd=repo.path, env=env,
                          capture_output=True, text=True, check=False)
    return CiRun(proc.returncode, proc.stdout, proc.stderr, summary.read_text(),
                 parse_outputs(output.read_text()), repo.path)


def pull_request(base: str, head: str) -> dict[str, Any]:
    return {"action": "synchronize", "number": 7,
            "pull_request": {"number": 7, "base": {"sha": base, "ref": "main"},
                             "head": {"sha": head, "ref": "feature"}},
            "repository": {"full_name": "acme/shop", "default_branch": "main"}}


def feature(repo: GitRepo, files: dict[str, str]) -> tuple[str, str]:
    """A feature branch off main with these files; returns (main's sha, the branch's sha)."""
    base = repo.head()
    repo.git("checkout", "-q", "-b", "feature")
    for path, text in files.items():
        repo.write(path, text)
    return base, repo.commit("feature")


def test_pull_request_annotations_summary_outputs_sarif_and_record(repo: GitRepo) -> None:
    path = "src/retry/ok, yes: 100%.py"
    base, head = feature(repo, {path: TOKEN_LOG})
    run = run_ci(repo, "pull_request", pull_request(base, head))
    assert run.code == 1, run.err
    record = run.record()
    warning = next(f for f in record["findings"] if f["severity"] == "info")   # missing-test
    message = warning["message"].replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    assert run.annotations == [
        "::error file=src/retry/ok%2C yes%3A 100%25.py,line=6,endLine=6,"
        f"title=security%3A {SECRET_RULE}::{RULE_MESSAGE}",
        f"::notice file=src/retry/ok%2C yes%3A 100%25.py,line={warning['line']},"
        f"endLine={warning['end_line']},title={warning['reviewer']}%3A {warning['rule']}::{message}",
    ]
    runner_temp = repo.path.parent / "runner"      # artifacts stay out of the checkout
    assert run.outputs == {"verdict": "block", "findings": "2", "record": run.outputs["record"],
                           "sarif": str(runner_temp / "gitmon.sarif")}
    assert Path(run.outputs["record"]).parent == runner_temp / "gitmon" / "records"
    assert not (repo.path / ".gitmon").exists() and not (repo.path / "gitmon.sarif").exists()
    assert (record["source"], record["verdict"]) == ("ci", "block")
    assert (record["change"]["kind"], record["change"]["base"], record["change"]["head"]) == (
        "range", base, head)
    assert run.summary.startswith("## gitmon: ❌ BLOCK\n")
    assert f"| error | `{path}:6` | security | `{SECRET_RULE}` |" in run.summary
    assert "Not annotated" not in run.summary
    sarif = json.loads(Path(run.outputs["sarif"]).read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == [
        f["rule"] for f in record["findings"]]
    # The plain report is in the log too, fenced so that none of its lines is a command.
    token = run.out.split("::stop-commands::", 1)[1].split("\n", 1)[0]
    assert run.out.rstrip("\n").endswith(f"::{token}::")
    assert f"{path}:6: error [security] {SECRET_RULE}" in run.out


def test_a_pull_request_cannot_weaken_its_own_gate(repo: GitRepo) -> None:
    assert repo.gitmon("init").code == 0
    policy = (repo.path / "gitmon.yml").read_text()
    base = repo.commit("adopt gitmon")
    weakened = yaml.safe_load(policy)
    del weakened["reviewers"]["security"]
    for area in weakened["areas"].values():
        area["reviewers"] = [r for r in area["reviewers"] if r != "security"] or ["production"]
    from gitmon.findings import fingerprint
    accepted = fingerprint(SECRET_RULE, "src/retry/client.py", TOKEN_LOG.splitlines()[5])
    _, head = feature(repo, {
        "gitmon.yml": yaml.safe_dump(weakened),
        ".gitmon-baseline.json": json.dumps({"findings": [{"fingerprint": accepted}]}),
        "src/retry/client.py": TOKEN_LOG})
    # With the head's own policy and baseline the token would pass: prove it, then gate it.
    assert repo.gitmon("check", "--range", f"{base}..{head}", "--no-record").code == 0
    run = run_ci(repo, "pull_request", pull_request(base, head))
    assert run.code == 1, run.out + run.err
    record = run.record()
    assert record["policy"] == f"gitmon.yml@{base[:12]}"
    assert record["reviewers"]["security"]["status"] == "failed"
    hit = next(f for f in record["findings"] if f["rule"] == SECRET_RULE)
    assert (hit["path"], hit["line"], hit["fingerprint"], hit["baselined"]) == (
        "src/retry/client.py", 6, accepted, False)
    assert "gitmon.yml" in record["areas"]["policy"]["files"]
    assert record["areas"]["policy"]["reviewers"] == ["security"]


def test_shallow_clone_fails_loudly_with_the_fix(repo: GitRepo, tmp_path: Path) -> None:
    base, head = feature(repo, {"src/retry/client.py": TOKEN_LOG})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature",
                    f"file://{repo.path}", str(clone)], check=True, capture_output=True)
    run = run_ci(GitRepo(clone), "pull_request", pull_request(base, head))
    assert run.code == 3
    assert run.err.startswith(f"gitmon: error: the pull_request event names {base}, which is "
                              "not in this clone (this is a shallow clone)\n")
    assert "`fetch-depth: 0` in actions/checkout" in run.err
    assert "git fetch --unshallow" in run.err
    assert "Traceback" not in run.err
    assert (run.outputs, run.summary, run.annotations) == ({}, "", [])
    assert not (clone / "gitmon.sarif").exists()


def test_25_findings_give_10_error_annotations_and_the_rest_in_the_summary(repo: GitRepo) -> None:
    from gitmon.reports import markdown

    body = "".join(f'    log.debug("attempt {i} token %s", api_token)\n' for i in range(25))
    code = TOKEN_LOG.split("    log.debug")[0] + body
    base, head = feature(repo, {"src/retry/client.py": code})
    run = run_ci(repo, "pull_request", pull_request(base, head))
    assert run.code == 1, run.err
    errors = [a for a in run.annotations if a.startswith("::error ")]
    assert [int(a.split(",line=")[1].split(",")[0]) for a in errors] == list(range(6, 16))
    assert run.annotations[-1] == (
        "::notice title=gitmon::15 more finding(s) are not annotated (GitHub shows 10 errors, "
        "10 warnings and 10 notices per step): see the job summary")
    not_annotated = run.summary.split("### Not annotated", 1)[1]
    assert "15 finding(s) have no annotation on the diff" in not_annotated
    rows = [line for line in not_annotated.splitlines() if line.startswith("| error |")]
    assert rows == [f"| error | `src/retry/client.py:{n}` | security | `{SECRET_RULE}` |"
                    for n in range(16, 31)]
    assert run.outputs["findings"] == str(len(errors) + 15 + 1)   # + missing-test warning
    # Under a small byte budget the summary cuts its tables and says so.
    cut = [f for f in run.record()["findings"] if f["severity"] == "error"][10:]
    small = markdown.summary(run.record(), cut, {}, budget=4000)
    assert len(small.encode()) <= 4000
    assert "not shown here: GitHub caps a job summary at 1 MiB" in small


def test_push_event_reviews_before_to_after(repo: GitRepo) -> None:
    before = repo.head()
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("retry")
    after = repo.commit("more")
    run = run_ci(repo, "push", {"ref": "refs/heads/main", "before": before, "after": after,
                                "repository": {"default_branch": "main"}})
    assert run.code == 1, run.err
    change = run.record()["change"]
    assert (change["base"], change["head"], len(change["commits"])) == (before, after, 2)


def test_push_of_a_new_branch_reviews_what_it_adds_to_the_default_branch(repo: GitRepo) -> None:
    base, head = feature(repo, {"src/retry/client.py": TOKEN_LOG})
    run = run_ci(repo, "push", {"ref": "refs/heads/feature", "before": "0" * 40, "after": head,
                                "created": True, "repository": {"default_branch": "main"}})
    assert run.code == 1, run.err
    change = run.record()["change"]
    assert (change["base"], change["head"], change["commits"]) == (base, head, [head])


def test_deleted_branch_push_has_nothing_to_review(repo: GitRepo) -> None:
    run = run_ci(repo, "push", {"ref": "refs/heads/gone", "before": repo.head(),
                                "after": "0" * 40, "deleted": True})
    assert run.code == 0, run.err
    assert run.out == "gitmon: PASS - the push deleted a branch: nothing to review\n"
    assert run.outputs == {"verdict": "pass", "findings": "0", "record": "", "sarif": ""}


def test_merge_group_event(repo: GitRepo) -> None:
    base, head = feature(repo, {"src/retry/client.py": TOKEN_LOG.replace("api_token", "name")})
    run = run_ci(repo, "merge_group", {"merge_group": {"base_sha": base, "head_sha": head,
                                                       "head_ref": "gh-readonly-queue/main/pr-7"}})
    assert run.code == 0, run.out + run.err
    record = run.record()
    assert (record["change"]["base"], record["change"]["head"], record["verdict"]) == (
        base, head, "pass")
    assert run.outputs["verdict"] == "pass"


def test_unknown_event_without_revisions_is_a_usage_error(repo: GitRepo) -> None:
    run = run_ci(repo, "workflow_dispatch", {"inputs": {}})
    assert run.code == 2
    assert run.err == ("gitmon: error: gitmon ci cannot tell what to review from a "
                       "`workflow_dispatch` event\n  hint: run it on pull_request, push or "
                       "merge_group, or pass --base and --head\n")


def test_outside_github_prints_text_and_writes_no_github_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plain")
    base, head = feature(repo, {"src/retry/client.py": TOKEN_LOG})
    result = repo.gitmon("ci", "--base", "main", "--head", "feature", "--sarif-file", "out.sarif")
    assert result.code == 1, result.err
    assert "::" not in result.out
    assert f"src/retry/client.py:6: error [security] {SECRET_RULE}" in result.out
    assert result.out.splitlines()[-2].startswith("gitmon: BLOCK - 1 routed file(s)")
    assert json.loads((repo.path / "out.sarif").read_text())["runs"][0]["results"]
    mistyped = repo.gitmon("ci", "--base", "mian", "--head", "feature")
    assert mistyped.code == 2
    assert mistyped.err.startswith(
        "gitmon: error: unknown revision mian (given with --base/--head), which is not in this clone\n"
        "  hint: check the revisions")
    assert base != head


def test_a_file_name_cannot_inject_workflow_commands(repo: GitRepo) -> None:
    base, head = feature(repo, {"src/retry/x\n::warning::pwned.py": TOKEN_LOG})
    run = run_ci(repo, "pull_request", pull_request(base, head))
    assert run.code == 1, run.err
    assert [a.split(",line=")[0] for a in run.annotations] == [
        "::error file=src/retry/x%0A%3A%3Awarning%3A%3Apwned.py",
        "::notice file=src/retry/x%0A%3A%3Awarning%3A%3Apwned.py"]      # missing-test-change
    # The line that looks like a command comes only inside the ::stop-commands:: fence.
    fenced = run.out.split("::stop-commands::", 1)[1]
    assert "\n::warning::pwned.py:6: error [security]" in fenced


def test_escaping_and_multiline_outputs_follow_the_runner() -> None:
    from gitmon.reports import github

    assert github.escape_data("50% a:b, c\r\nd") == "50%25 a:b, c%0D%0Ad"
    assert github.escape_property("50% a:b, c\r\nd") == "50%25 a%3Ab%2C c%0D%0Ad"
    assert github.command("error", "x", file="a,b.py", line=3) == "::error file=a%2Cb.py,line=3::x"
    entry = github.output("record", "line one\nline=two")
    assert entry.startswith("record<<ghadelimiter_")
    assert parse_outputs(entry + github.output("verdict", "block")) == {
        "record": "line one\nline=two", "verdict": "block"}


def test_a_review_cache_committed_by_the_change_is_not_trusted(repo: GitRepo) -> None:
    base, _ = feature(repo, {"src/retry/client.py": TOKEN_LOG})
    assert repo.gitmon("check", "--commit", "HEAD", "--no-record").code == 1
    entries = list((repo.path / ".gitmon" / "cache").glob("*/*.json"))
    assert entries
    for entry in entries:      # "semgrep found nothing here", for the very same content
        entry.write_text("[]")
    assert repo.gitmon("check", "--commit", "HEAD", "--no-record").code == 0
    repo.git("add", "-f", ".gitmon/cache")
    head = repo.commit("a cache that says all is well")
    run = run_ci(repo, "pull_request", pull_request(base, head))
    assert run.code == 1, run.out + run.err
    assert run.record()["findings"][0]["rule"] == SECRET_RULE


CUSTOM_RULE = """rules:
  - id: no-eval
    languages: [python]
    severity: ERROR
    message: eval() on retry input
    pattern: eval(...)
"""


def test_rules_come_from_the_base_commit(repo: GitRepo) -> None:
    policy = yaml.safe_load((ROOT / "gitmon/default_policy.yml").read_text())
    policy["reviewers"]["security"]["rules"] = ["security", "rules/custom"]
    repo.write("gitmon.yml", yaml.safe_dump(policy))
    repo.write("rules/custom/no-eval.yaml", CUSTOM_RULE)
    base = repo.commit("a custom rule")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("rules/custom/no-eval.yaml", CUSTOM_RULE.replace("eval(...)", "never_called_zz(...)"))
    repo.write("src/retry/parse.py", "def parse(text):\n    return eval(text)\n")
    head = repo.commit("neuter the rule and use eval")
    own = repo.gitmon("check", "--range", f"{base}..{head}", "--format", "json", "--no-record")
    assert "no-eval" not in {f["rule"] for f in json.loads(own.out)["findings"]}
    run = run_ci(repo, "pull_request", pull_request(base, head))
    assert run.code == 1, run.out + run.err
    hits = [(f["rule"], f["path"], f["line"]) for f in run.record()["findings"]
            if f["rule"] == "no-eval"]
    assert hits == [("no-eval", "src/retry/parse.py", 2)]


def test_annotations_are_relative_to_the_workspace_when_checked_out_in_a_subfolder(
        repo: GitRepo) -> None:
    base, head = feature(repo, {"src/retry/client.py": TOKEN_LOG})
    work = repo.path.parent / "runner"
    work.mkdir(exist_ok=True)
    (work / "event.json").write_text(json.dumps(pull_request(base, head)))
    env = dict(os.environ, GITHUB_ACTIONS="true", GITHUB_EVENT_NAME="pull_request",
               GITHUB_EVENT_PATH=str(work / "event.json"),
               GITHUB_WORKSPACE=str(repo.path.parent))     # actions/checkout with `path: repo`
    proc = subprocess.run([sys.executable, "-m", "gitmon", "ci", "--sarif-file", ""],
                          cwd=repo.path, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert f"::error file={repo.path.name}/src/retry/client.py,line=6," in proc.stdout
