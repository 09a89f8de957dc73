"""Never a silent pass: a watched file a reviewer could not read (huge, binary, unparsable,
an engine error, timeout or silent skip on it, a malformed engine result) leaves that
reviewer pending, unless settings.on_unreviewable says otherwise. Helm templates are read
template-tolerantly, at their real lines; a merge commit is judged on its own lines."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo
from test_ci import pull_request, run_ci
from test_engine import SEMGREP, wrapper
from test_hook import commit as hook_commit
from test_hook import install

from gitmon.policy import default_policy_text

BIG = TOKEN_LOG + "# padding\n" * 200          # ~2.1 KB, over a 1000-byte limit
NUL_JS = ('// build marker \x00\nfunction call(token) {\n'
          '  console.log("retrying with token " + token);\n}\n')
HELM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          livenessProbe:
            {{- toYaml .Values.livenessProbe | nindent 12 }}
          readinessProbe:
            {{- toYaml .Values.readinessProbe | nindent 12 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
        - name: sidecar
          image: "busybox:latest"
          ports:
            - containerPort: 8080
"""
# an if/else whose branches are indented differently: no YAML even with the actions blanked
HELM_BROKEN = """\
apiVersion: apps/v1
kind: Deployment
spec:
  {{- if .Values.fixed }}
  replicas: 1
  {{- else }}
    replicas: {{ .Values.replicaCount }}
  {{- end }}
"""


def policy(**settings: object) -> str:
    text = default_policy_text()
    extra = "".join(f"  {k}: {v}\n" for k, v in settings.items())
    return text[: text.index("settings:")] + "settings:\n" + extra


def check(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.gitmon("check", "--format", "json", *args)
    assert result.code in (0, 1, 3), result.err
    return result.code, json.loads(result.out)


def reasons(record: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {name: (r["status"], r["reason"]) for name, r in record["reviewers"].items()
            if r["status"] != "skipped"}


def note(record: dict[str, Any], path: str) -> str:
    return str(next(f for f in record["change"]["files"] if f["path"] == path).get("note"))


def test_max_file_size_applies_by_blob_size_in_every_mode(repo: GitRepo) -> None:
    repo.write("gitmon.yml", policy(max_file_size=1000))
    base = repo.commit("policy")
    repo.write("src/retry/big.py", BIG)
    repo.git("add", "-A")
    want = f"not fully reviewed: src/retry/big.py (huge: {len(BIG)} bytes > max_file_size 1000)"
    for args in (("--staged",), ("--worktree",)):
        code, record = check(repo, *args)
        assert code == 3, args
        assert reasons(record)["security"] == ("pending", want)
        assert record["findings"] == [] and record["engine"]["scanned"] == 0
    repo.commit("big")
    for args in (("--commit", "HEAD"), ("--range", f"{base}..HEAD")):
        code, record = check(repo, *args)
        assert code == 3, args
        assert note(record, "src/retry/big.py") == f"huge: {len(BIG)} bytes > max_file_size 1000"
        assert {s for s, _ in reasons(record).values()} == {"pending"}
        assert reasons(record)["reliability"] == ("pending", want)
    run = run_ci(repo, "pull_request", pull_request(base, repo.head()))
    assert run.code == 3, run.err
    assert run.record()["reviewers"]["security"]["reason"] == want


def test_a_nul_byte_hides_nothing_but_a_png_is_nobodys_blind_spot(repo: GitRepo) -> None:
    repo.write("src/retry/client.js", NUL_JS)
    repo.write("src/retry/diagram.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    repo.commit("both")
    code, record = check(repo, "--commit", "HEAD")
    assert code == 3
    why = "not fully reviewed: src/retry/client.js (binary: a NUL byte in the first 8 KiB)"
    assert reasons(record)["security"] == ("pending", why)
    assert not [r for _, r in reasons(record).values() if "diagram.png" in r]
    assert note(record, "src/retry/diagram.png").startswith("binary")
    repo.git("rm", "-q", "src/retry/client.js")
    repo.commit("only the png left")
    repo.write("src/retry/diagram.png", b"\x89PNG\r\n\x1a\n\x00\x01" + bytes(64))
    repo.commit("png only")
    code, record = check(repo, "--commit", "HEAD")
    assert code == 0 and reasons(record)["security"] == ("passed", "no findings")


@pytest.mark.parametrize(("mode", "code", "status"), [
    ("pass", 0, "passed"), ("block", 1, "failed"), ("pending", 3, "pending")])
def test_on_unreviewable_says_what_a_skipped_file_means(repo: GitRepo, mode: str, code: int,
                                                       status: str) -> None:
    repo.write("gitmon.yml", policy(on_unreviewable=mode))
    repo.commit("policy")
    repo.write("src/retry/client.js", NUL_JS)
    repo.commit("nul")
    got, record = check(repo, "--commit", "HEAD")
    assert got == code
    got_status, reason = reasons(record)["security"]
    assert got_status == status
    assert "src/retry/client.js (binary: a NUL byte in the first 8 KiB)" in reason
    if mode == "pass":
        assert reason.startswith("no findings; not fully reviewed: src/retry/client.js")
        assert reason.endswith(" - accepted by settings.on_unreviewable: pass")


def test_a_bad_on_unreviewable_is_a_policy_error(repo: GitRepo) -> None:
    repo.write("gitmon.yml", policy(on_unreviewable="ignore"))
    result = repo.gitmon("check")
    assert result.code == 2
    assert "settings.on_unreviewable ==> `ignore` is not allowed" in result.err
    assert "hint: use one of: pending, pass, block" in result.err


def test_the_hook_names_the_file_and_the_reason(repo: GitRepo) -> None:
    install(repo)
    repo.write("src/retry/client.js", NUL_JS)
    repo.git("add", "-A")
    code, out = hook_commit(repo)
    assert code != 0, out
    assert ("security: pending - not fully reviewed: src/retry/client.js (binary: a NUL byte "
            "in the first 8 KiB)") in out
    assert "gitmon: PENDING" in out


def test_an_engine_timeout_on_a_file_leaves_its_reviewers_pending(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # real semgrep, with a per-file rule timeout no file can meet
    slow = wrapper(tmp_path, f'exec {SEMGREP} "$@" --timeout=0.001')
    monkeypatch.setenv("GITMON_SEMGREP", slow)
    body = "".join(f"def call{i}(token):\n    for _ in range(3):\n        log.info('retry %s', "
                   "token)\n" for i in range(3000))
    repo.write("src/retry/client.py", "import logging\nlog = logging.getLogger()\n" + body)
    repo.write("deploy/k8s/api.yaml", "apiVersion: v1\nkind: ConfigMap\n")
    repo.git("add", "-A")
    code, record = check(repo, "--staged")
    assert code == 3
    assert note(record, "src/retry/client.py").startswith(
        "engine timeout: semgrep gave up on rule(s) ")
    assert "security-secret-logged-python" in note(record, "src/retry/client.py")
    status, reason = reasons(record)["reliability"]
    assert status == "pending" and reason.startswith(
        "not fully reviewed: src/retry/client.py (engine timeout")
    # the deployment reviewer has no Python rules: its YAML file was reviewed in full
    assert reasons(record)["deployment"][0] == "passed"
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit("slow")
    run = run_ci(repo, "pull_request", pull_request(base, head))
    assert run.code == 3, run.err
    assert run.record()["reviewers"]["security"]["status"] == "pending"
    assert [a for a in run.annotations if a.startswith(
        "::error title=gitmon::security: pending - not fully reviewed: src/retry/client.py "
        "(engine timeout: semgrep gave up on rule(s) ")]
    sarif = json.loads(Path(run.outputs["sarif"]).read_text())
    told = [n["message"]["text"] for n in sarif["runs"][0]["invocations"][0].get(
        "toolExecutionNotifications", [])]
    assert any(t.startswith("security: pending - not fully reviewed: src/retry/client.py")
               for t in told)
    assert "| not fully reviewed: src/retry/client.py (engine timeout" in run.summary


def test_helm_templates_and_broken_yaml_are_pending_never_passed(repo: GitRepo) -> None:
    repo.write("deploy/chart/templates/deployment.yaml", HELM_BROKEN)
    repo.write("deploy/chart/templates/_helpers.tpl", '{{- define "app.labels" -}}\n{{- end }}\n')
    repo.write("k8s/broken.yaml", "apiVersion: v1\nkind: [Service\n")
    repo.commit("chart")
    code, record = check(repo, "--commit", "HEAD")
    assert code == 3
    status, reason = reasons(record)["deployment"]
    assert status == "pending"
    assert ("deploy/chart/templates/deployment.yaml (unparsable: semgrep Other syntax error at "
            "line 5 (a Helm template: read with its {{ }} actions as placeholders))") in reason
    assert "k8s/broken.yaml (unparsable: semgrep " in reason
    assert "_helpers.tpl" not in reason
    assert note(record, "k8s/broken.yaml").endswith("at line 2")
    assert reasons(record)["security"] == ("passed", "no findings")   # no YAML rules


def test_helm_templates_are_reviewed_at_their_real_lines(repo: GitRepo) -> None:
    repo.write("deploy/chart/templates/deployment.yaml", HELM)
    repo.commit("chart")
    code, record = check(repo, "--commit", "HEAD")
    assert code == 1
    errors = [(f["rule"], f["line"], f["snippet"].splitlines()[0]) for f in record["findings"]
              if f["severity"] == "error"]
    assert errors == [   # the sidecar serves a port, so it needs a readiness probe
        ("deployment-k8s-missing-readiness-probe", 22, "        - name: sidecar"),
        ("deployment-k8s-image-latest-tag", 23, '          image: "busybox:latest"')]
    assert note(record, "deploy/chart/templates/deployment.yaml") == (
        "a Helm template: read with its {{ }} actions as placeholders")
    # the templated container has its probes and a templated tag: no error on it
    assert not [f for f in record["findings"] if f["line"] < 22 and f["severity"] == "error"]


@pytest.mark.parametrize("corrupt", [
    's/"line": *[0-9]*/"line": "x"/g',          # a non-numeric line
    's/"start"/"begin"/g',                       # a missing key
])
def test_a_malformed_engine_result_degrades_never_crashes(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corrupt: str) -> None:
    monkeypatch.setenv("GITMON_SEMGREP", wrapper(tmp_path, f"{SEMGREP} \"$@\" | sed '{corrupt}'"))
    repo.write("src/retry/client.py", TOKEN_LOG)
    code, record = check(repo)
    assert code == 3
    assert note(record, "src/retry/client.py") == (
        "engine error: semgrep gave a malformed result for this file")
    assert reasons(record)["security"][0] == "pending"


@pytest.mark.parametrize(("corrupt", "why"), [
    ('s/"results":\\[/"results":[7,/', "semgrep gave a malformed result: no file path"),
    ('s/"errors":\\[\\]/"errors":"none"/', "semgrep gave malformed output: `results` or "
                                           "`errors` is not a list"),
])
def test_a_malformed_engine_report_degrades_the_run(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corrupt: str,
        why: str) -> None:
    monkeypatch.setenv("GITMON_SEMGREP", wrapper(tmp_path, f"{SEMGREP} \"$@\" | sed '{corrupt}'"))
    repo.write("src/retry/client.py", TOKEN_LOG)
    code, record = check(repo)
    assert code == 3
    assert record["degraded"] == {"reason": why}
    assert reasons(record)["security"] == ("pending", f"degraded: {why}")


def test_a_merge_commit_is_judged_on_what_it_adds_beyond_its_parents(repo: GitRepo) -> None:
    repo.write("src/retry/shared.py", "def ok():\n    return 1\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("src/retry/side.py", TOKEN_LOG)
    repo.write("src/retry/shared.py", TOKEN_LOG + "\n\ndef ok():\n    return 1\n")
    repo.commit("side: a token log (reviewed, and blocked, on its own commit)")
    repo.git("checkout", "-q", "main")
    repo.write("src/retry/main.py", "def main():\n    return 2\n")
    repo.commit("main moves on")
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    code, record = check(repo, "--commit", "HEAD")
    assert code == 0, record["findings"]
    assert [f["path"] for f in record["change"]["files"]] == []
    # an evil merge: a line of its own, new to both parents, is the merge's to answer for
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side")
    added = "\n\ndef again(api_token):\n    log.info('retry with %s', api_token)\n"
    repo.write("src/retry/side.py", TOKEN_LOG + added)
    repo.commit("evil merge")
    assert len(repo.git("rev-list", "--parents", "-n1", "HEAD").split()) == 3
    code, record = check(repo, "--commit", "HEAD")
    assert code == 1
    assert [(f["path"], f["line"]) for f in record["findings"] if f["severity"] == "error"] == [
        ("src/retry/side.py", 10)]


def test_a_binary_attribute_cannot_hide_a_text_file(repo: GitRepo) -> None:
    repo.write(".gitattributes", "*.py binary\n")
    repo.commit("attributes")
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("token")
    diff = subprocess.run(["git", "show", "HEAD"], cwd=repo.path, capture_output=True, text=True)
    assert "Binary files" in diff.stdout
    code, record = check(repo, "--commit", "HEAD")
    assert code == 1
    assert ("src/retry/client.py", 6) in [(f["path"], f["line"]) for f in record["findings"]]


def test_a_change_that_accepts_unreviewable_files_weakens_the_gate(repo: GitRepo) -> None:
    repo.write("gitmon.yml", policy(on_unreviewable="pending"))
    base = repo.commit("policy")
    relaxed = policy(on_unreviewable="pass")
    repo.write("gitmon.yml", relaxed)
    head = repo.commit("accept skipping")
    line = relaxed.splitlines().index("  on_unreviewable: pass") + 1
    repo.git("checkout", "-q", base)
    code, record = check(repo, "--range", f"{base}..{head}")
    assert code == 1
    [hit] = [f for f in record["findings"] if f["rule"] == "policy-weakened"]
    assert (hit["severity"], hit["line"]) == ("error", line)
    assert "settings.on_unreviewable relaxed from pending to pass" in hit["message"]


def test_a_gate_file_too_big_to_read_is_not_a_way_around_policy_weakened(repo: GitRepo) -> None:
    repo.write("gitmon.yml", policy(max_file_size=5000))
    base = repo.commit("policy")
    weakened = policy(max_file_size=5000).replace("block_on: error", "block_on: never")
    repo.write("gitmon.yml", weakened + "# padding\n" * 300)
    head = repo.commit("weaken, padded past max_file_size")
    repo.git("checkout", "-q", base)
    code, record = check(repo, "--range", f"{base}..{head}")
    assert code == 3
    status, reason = reasons(record)["security"]
    assert status == "pending" and reason.startswith("not fully reviewed: gitmon.yml (huge: ")


def test_a_file_the_engine_skips_silently_is_not_reviewed(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # semgrep's own size limit (gitmon turns it off; a wrapper turns it back on)
    swap = ('for a in "$@"; do shift; case "$a" in --max-target-bytes=0) '
            'set -- "$@" --max-target-bytes=100;; *) set -- "$@" "$a";; esac; done\n')
    monkeypatch.setenv("GITMON_SEMGREP", wrapper(tmp_path, f'{swap}exec {SEMGREP} "$@"'))
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.write("src/retry/tiny.py", "x = 1\n")
    repo.write("src/retry/notes.md", "# notes\n" * 40)     # no rules read Markdown
    code, record = check(repo)
    assert code == 3
    assert reasons(record)["security"] == ("pending", "not fully reviewed: src/retry/client.py "
                                           "(engine skipped it: semgrep did not scan this file)")
    assert note(record, "src/retry/tiny.py") == "None" and note(record, "src/retry/notes.md") == "None"


def test_the_hook_reviews_a_helm_template_at_its_real_lines(repo: GitRepo) -> None:
    install(repo)
    repo.write("deploy/chart/templates/deployment.yaml", HELM)
    repo.git("add", "-A")
    code, out = hook_commit(repo)
    assert code == 1, out
    assert ("deploy/chart/templates/deployment.yaml:23: error [deployment] "
            "deployment-k8s-image-latest-tag") in out


def test_an_unreadable_test_file_holds_nothing_up_unless_the_reviewer_gates_tests(
        repo: GitRepo) -> None:
    # test code is not gated by the service rules, so a test file they cannot read hides nothing
    repo.write("src/retry/tests/test_client.py", "x = 1\n\0\n")
    repo.git("add", "-A")
    assert repo.gitmon("check", "--staged", "--no-record").code == 0
    gated = default_policy_text().replace("    block_on: error\n",
                                          "    block_on: error\n    review_tests: true\n")
    assert "review_tests: true" in gated
    repo.write("gitmon.yml", gated)
    repo.git("add", "-A")
    result = repo.gitmon("check", "--staged", "--no-record")
    assert result.code == 3, result.out
    assert "src/retry/tests/test_client.py (binary" in result.out
