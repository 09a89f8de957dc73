"""CI's own matrix: `gitmon ci --shard I/N`, `gitmon audit --shard I/N` and `gitmon merge`,
on real repositories with real semgrep and the default policy's rules.

The pull request touches six routed files whose findings fall to all four reviewers
(blocking ones among them), weakens the policy (a built-in check over the whole change)
and changes no test (another). N shards merged must say what one run says.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import TOKEN_LOG, GitRepo, Result, make_repo
from test_ci import SARIF_SCHEMA, parse_outputs

from gitmon import counting

SCHEMA = json.loads(resources.files("gitmon").joinpath("schemas/record-1.schema.json").read_text())

SWALLOW = ("def drain(queue, sink):\n    for event in queue:\n        try:\n"
           "            sink.write(event)\n        except Exception:\n            pass\n")
RETRY_ALL = ("from tenacity import retry, retry_if_exception_type, stop_after_attempt\n\n\n"
             "@retry(stop=stop_after_attempt(3), retry=retry_if_exception_type(Exception))\n"
             "def fetch(client, url):\n    return client.get(url, timeout=5)\n")
SLEEP = ("import time\n\n\nasync def poll(client, url):\n    while True:\n"
         "        if await client.get(url):\n            return\n        time.sleep(1)\n")
MANIFEST = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n"
            "    spec:\n      containers:\n        - name: api\n"
            "          image: registry.example.com/api:latest\n")
CLEAN = "def call(api_token):\n    return api_token\n"
PR = {"src/retry/token.py": TOKEN_LOG, "src/services/sink_service.py": SWALLOW,
      "src/retry/fetch.py": RETRY_ALL, "src/retry/poll.py": SLEEP,
      "k8s/deployment.yaml": MANIFEST, "docs/notes.md": "unrouted\n"}


def ci(repo: GitRepo, change: tuple[str, str], out: Path, shard: str | None = None) -> Result:
    """`gitmon ci` on base..head outside GitHub, its record written to out."""
    extra = ("--shard", shard) if shard else ()
    return repo.gitmon("ci", "--base", change[0], "--head", change[1], "--no-record",
                       "--sarif-output", "", "--json-output", str(out), *extra)


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def shard_records(repo: GitRepo, change: tuple[str, str], n: int, folder: Path) -> list[Path]:
    """Each shard of an n-job matrix, run as its own process; every one must finish."""
    paths = []
    for i in range(1, n + 1):
        path = folder / f"n{n}" / f"shard-{i}" / "record.json"    # download-artifact's layout
        path.parent.mkdir(parents=True)
        run = ci(repo, change, path, f"{i}/{n}")
        assert run.code in (0, 1), run.err
        paths.append(path)
    return paths


def shards_of(pr: dict[str, Any], n: int) -> list[Path]:
    """The pull request's n-shard records, run once for the module."""
    if n not in pr["shards"]:
        pr["shards"][n] = shard_records(pr["repo"], pr["change"], n, pr["out"])
    paths: list[Path] = pr["shards"][n]
    return paths


def merge(repo: GitRepo, *args: str | Path) -> Result:
    return repo.gitmon("merge", *map(str, args))


@pytest.fixture(scope="module")
def pr(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A repo whose main carries gitmon.yml (the default), and the pull request."""
    repo = make_repo(tmp_path_factory.mktemp("shard") / "repo")
    assert repo.gitmon("init").code == 0
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    for path, text in PR.items():
        repo.write(path, text)
    policy = repo.path / "gitmon.yml"
    policy.write_text(policy.read_text().replace("checks: []\n    block_on: error",
                                                 "checks: []\n    block_on: never"))
    change = (base, repo.commit("feature"))
    out = repo.path.parent / "out"
    one = ci(repo, change, out / "one.json")
    assert one.code == 1, one.err
    return {"repo": repo, "change": change, "out": out, "one": load(out / "one.json"),
            "shards": {}}


def identity(record: dict[str, Any]) -> Counter[tuple[str, str, str, int]]:
    return Counter((f["fingerprint"], f["reviewer"], f["rule"], f["line"])
                   for f in record["findings"])


def test_the_pull_request_has_what_the_shards_must_agree_on(pr: dict[str, Any]) -> None:
    one = pr["one"]
    rules = {f["rule"] for f in one["findings"]}
    assert {"policy-weakened", "missing-test-change", "security-secret-logged-python",
            "production-swallowed-error-python", "reliability-retry-all-exceptions-python",
            "reliability-blocking-sleep-in-async-python"} <= rules
    assert {f["reviewer"] for f in one["findings"]} == {"security", "reliability", "production",
                                                        "deployment"}
    assert {r["status"] for r in one["reviewers"].values()} == {"failed"}
    assert one["unrouted"] == 1 and "shard" not in one


@pytest.mark.parametrize("n", [1, 2, 3])
def test_n_shards_merged_say_what_one_run_says(pr: dict[str, Any], n: int) -> None:
    repo, one = pr["repo"], pr["one"]
    paths = shards_of(pr, n)
    merged_file = pr["out"] / f"merged-{n}.json"
    run = merge(repo, pr["out"] / f"n{n}", "--json-output", merged_file,
                "--sarif-output", pr["out"] / f"merged-{n}.sarif")
    assert run.code == 1, run.err
    merged = load(merged_file)
    assert merged["verdict"] == one["verdict"] == "block"
    assert identity(merged) == identity(one)
    assert [f["rule"] for f in merged["findings"]] == [f["rule"] for f in one["findings"]]
    for name, result in one["reviewers"].items():
        assert merged["reviewers"][name]["status"] == result["status"]
        assert merged["reviewers"][name]["findings"] == result["findings"]
        assert merged["reviewers"][name]["files"] == result["files"]
    assert merged["change"] == one["change"] and merged["areas"] == one["areas"]
    assert merged["unrouted"] == 1
    assert merged["shard"] == {"total": n, "merged": list(range(1, n + 1)), "missing": []}
    sarif = json.loads((pr["out"] / f"merged-{n}.sarif").read_text())
    jsonschema.validate(sarif, SARIF_SCHEMA)
    assert len(sarif["runs"][0]["results"]) == len(one["findings"])
    for path in paths:
        jsonschema.validate(load(path), SCHEMA, format_checker=jsonschema.FormatChecker())
    jsonschema.validate(merged, SCHEMA, format_checker=jsonschema.FormatChecker())


def test_each_routed_file_is_in_one_shard_and_the_checks_run_once(pr: dict[str, Any]) -> None:
    shards = [load(p) for p in shards_of(pr, 3)]
    routed = [f["path"] for f in pr["one"]["change"]["files"] if f["areas"]]
    dealt = [p for s in shards for p in s["shard"]["files"]]
    assert sorted(dealt) == sorted(routed)                      # each once, none lost
    assert all(s["shard"]["files"] for s in shards)             # six files: none idle
    for rule in ("policy-weakened", "missing-test-change"):     # whole-change checks
        assert [sum(f["rule"] == rule for f in s["findings"]) for s in shards] == [1, 0, 0]
    for s in shards:   # semgrep's findings come only from the files the shard scanned
        assert {f["path"] for f in s["findings"] if f.get("engine") != "builtin"} \
            <= set(s["shard"]["files"])


def test_the_deal_is_the_same_on_another_machine(pr: dict[str, Any], tmp_path: Path) -> None:
    """Another clone elsewhere (a runner of its own) gives shard 2 the same files."""
    here = load(shards_of(pr, 3)[1])
    clone = GitRepo(tmp_path / "clone")
    pr["repo"].git("clone", "-q", "--no-local", str(pr["repo"].path), str(clone.path))
    there = load(shard_records(clone, pr["change"], 3, tmp_path / "there")[1])
    assert there["shard"] == here["shard"] == {"index": 2, "total": 3,
                                               "files": here["shard"]["files"]}
    assert identity(there) == identity(here)


@pytest.fixture(scope="module")
def small(pr: dict[str, Any]) -> dict[str, Any]:
    """A clean pull request with two routed files and a test: it passes."""
    repo = pr["repo"]
    repo.git("checkout", "-q", "-b", "small", pr["change"][0])
    repo.write("src/retry/a.py", CLEAN)
    repo.write("src/retry/b.py", CLEAN.replace("call", "other") * 3)
    repo.write("tests/test_a.py", "def test_a():\n    assert True\n")
    change = (pr["change"][0], repo.commit("small"))
    repo.git("checkout", "-q", "feature")
    return {"repo": repo, "change": change}


def test_a_missing_shard_is_pending_never_a_pass(small: dict[str, Any], tmp_path: Path) -> None:
    repo = small["repo"]
    first, second = shard_records(repo, small["change"], 2, tmp_path)
    assert merge(repo, first, second).code == 0
    run = merge(repo, first, "--format", "json")
    assert run.code == 3, run.err
    merged = json.loads(run.out)
    assert merged["verdict"] == "pending"
    assert merged["degraded"] == {"reason": "shard 2 of 2 missing"}
    assert merged["shard"]["missing"] == [2]
    lost = load(second)["shard"]["files"]
    assert lost and all(r["status"] == "pending" and lost[0] in r["reason"]
                        for r in merged["reviewers"].values() if r["files"])
    assert "shard 2 of 2 missing" in run.err
    without_first = json.loads(merge(repo, second, "--format", "json").out)
    assert without_first["verdict"] == "pending"     # the built-in checks never ran
    assert "built-in checks did not run" in without_first["reviewers"]["production"]["reason"]


def test_a_missing_shard_still_blocks_on_what_the_others_found(pr: dict[str, Any]) -> None:
    first, second, third = shards_of(pr, 3)
    run = merge(pr["repo"], first.parent, third.parent, "--format", "json")
    assert run.code == 1
    merged = json.loads(run.out)
    assert merged["verdict"] == "block" and merged["degraded"]["reason"] == "shard 2 of 3 missing"
    lost = load(second)["shard"]["files"]
    assert all(lost[0] in r["reason"] for r in merged["reviewers"].values()
               if lost[0] in r["files"])


def test_a_file_no_shard_scanned_leaves_its_reviewers_pending(pr: dict[str, Any],
                                                              tmp_path: Path) -> None:
    """Shards that dealt the files differently (different gitmon versions) lose none."""
    first, second = shards_of(pr, 2)
    record = load(second)
    dropped = record["shard"]["files"].pop()
    (tmp_path / "second.json").write_text(json.dumps(record))
    run = merge(pr["repo"], first, tmp_path / "second.json", "--format", "json")
    merged = json.loads(run.out)
    assert merged["shard"]["missing"] == []
    owners = [r for r in merged["reviewers"].values() if dropped in r["files"]]
    assert owners and all(f"no shard scanned them (shards of different gitmon versions?): "
                          f"not reviewed: {dropped}" in r["reason"] for r in owners)
    assert all(r["status"] in ("pending", "failed") for r in owners)


def test_an_empty_share_passes_and_says_so(small: dict[str, Any], tmp_path: Path) -> None:
    records = [load(p) for p in shard_records(small["repo"], small["change"], 3, tmp_path)]
    assert [len(r["shard"]["files"]) for r in records] == [1, 1, 0]
    assert records[2]["verdict"] == "pass" and records[2]["findings"] == []
    run = ci(small["repo"], small["change"], tmp_path / "again.json", "3/3")
    assert run.code == 0 and "shard 3 of 3 scans 0 of 2 routed file(s)" in run.err


def test_records_of_different_changes_do_not_merge(pr: dict[str, Any], small: dict[str, Any],
                                                   tmp_path: Path) -> None:
    one = shards_of(pr, 2)[0]
    two = shard_records(small["repo"], small["change"], 2, tmp_path / "small")[1]
    run = merge(pr["repo"], one, two)
    assert run.code == 2
    assert f"{two} is not a shard of the same change as {one}" in run.err
    assert small["change"][1] in run.err and "hint:" in run.err


def test_bad_shards_and_bad_inputs_are_usage_errors(small: dict[str, Any],
                                                    tmp_path: Path) -> None:
    repo = small["repo"]
    for bad, said in (("0/3", "between 1 and the number of shards (3)"),
                      ("4/3", "between 1 and the number of shards (3)"), ("x", "is not I/N"),
                      ("1/0", "between 1 and the number of shards (0)")):
        run = ci(repo, small["change"], tmp_path / "bad.json", bad)
        assert run.code == 2 and said in run.err and "hint: give --shard I/N" in run.err, run.err
    assert not (tmp_path / "bad.json").exists()
    ok = repo.gitmon("ci", "--base", small["change"][0], "--head", small["change"][1],
                     "--no-record", "--sarif-output", "", "--shard=2/2", "--format", "json")
    assert ok.code == 0 and json.loads(ok.out)["shard"]["index"] == 2
    first, second = shard_records(repo, small["change"], 2, tmp_path)
    third = shard_records(repo, small["change"], 3, tmp_path / "three")[2]
    (tmp_path / "notes.json").write_text('{"hello": "world"}')
    (tmp_path / "broken.json").write_text("{")
    for args, said in (
            ((first, first), f"shard 1 is given twice: {first} and {first}"),
            ((first, third), "matrices of different sizes ([2, 3] shards)"),
            ((first, tmp_path / "notes.json"), "is not a gitmon record (its schema is None"),
            ((tmp_path / "broken.json",), "is not a readable JSON file"),
            ((tmp_path / "nowhere",), "no such file or folder")):
        run = merge(repo, *args)
        assert run.code == 2 and said in run.err and "hint:" in run.err, run.err
    merged = tmp_path / "merged.json"
    assert merge(repo, first, second, "--json-output", merged).code == 0
    run = merge(repo, merged)
    assert run.code == 2 and "is already a merged record" in run.err


def audit(repo: GitRepo, out: Path, *args: str) -> dict[str, Any]:
    run = repo.gitmon("audit", "--no-record", "--json-output", str(out), *args)
    assert run.code in (0, 1), run.err
    return load(out)


def test_audit_shards_merged_equal_one_audit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    for i in range(8):
        text = TOKEN_LOG if i % 3 == 0 else CLEAN.replace("call", f"call{i}")
        repo.write(f"src/retry/m{i}.py", text)
        if i == 4:   # a watched file nobody could read: its commit is pending
            repo.write("src/retry/blob.py", b"x = 1\n\0\n")
        if i == 6:
            repo.write("docs/n.md", "unrouted\n")
        repo.commit(f"commit {i}")
    one = audit(repo, tmp_path / "one.json")
    assert one["blocked"] and one["pending"] and one["verdicts"]["pass"]
    for n in (2, 3):
        folder = tmp_path / f"n{n}"
        for i in range(1, n + 1):
            audit(repo, folder / f"audit-{i}.json", "--shard", f"{i}/{n}")
        run = merge(repo, folder, "--format", "json")
        assert run.code == 0, run.err
        merged = json.loads(run.out)
        for key in ("commits", "routed", "verdicts", "reviewers", "top_rules"):
            assert merged[key] == one[key], key
        for key in ("blocked", "pending"):
            assert sorted(e["commit"] for e in merged[key]) == \
                sorted(e["commit"] for e in one[key])
        assert merged["degraded"] is None and merged["shard"]["missing"] == []
    run = merge(repo, tmp_path / "n3" / "audit-1.json", tmp_path / "n3" / "audit-3.json")
    assert run.code == 3 and "degraded: shard 2 of 3 missing" in run.out
    page = tmp_path / "audit.md"
    assert merge(repo, tmp_path / "n2", "--markdown-output", page).code == 0
    text = page.read_text()
    assert text.startswith("## gitmon audit `HEAD`") and f"{len(one['blocked'])} block," in text
    run = merge(repo, tmp_path / "n2", "--sarif-output", tmp_path / "audit.sarif")
    assert run.code == 2 and "upload each shard's --sarif-output" in run.err
    shutil.copy(tmp_path / "one.json", tmp_path / "n3" / "one.json")
    assert merge(repo, tmp_path / "n3").code == 2     # an unsharded summary is a 1 of 1


def test_merge_on_github_annotates_once_and_sets_the_outputs(pr: dict[str, Any],
                                                             tmp_path: Path) -> None:
    """The merge job is the gate: the same annotations as one run, the step outputs and
    the job summary, run where no repository is checked out."""
    repo, (base, head) = pr["repo"], pr["change"]
    one = repo.gitmon("ci", "--base", base, "--head", head, "--no-record", "--sarif-output", "",
                      "--format", "github")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = dict(os.environ, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary),
               GITHUB_OUTPUT=str(output), RUNNER_TEMP=str(tmp_path))
    sarif = tmp_path / "gitmon.sarif"
    proc = subprocess.run([sys.executable, "-m", "gitmon", "merge", str(pr["out"] / "n2"),
                           "--sarif-output", str(sarif)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert annotations(proc.stdout) == annotations(one.out) != []
    outputs = parse_outputs(output.read_text())
    assert outputs["verdict"] == "block" and outputs["sarif"] == str(sarif) and sarif.is_file()
    assert outputs["findings"] == str(sum(counting.counts(f) for f in pr["one"]["findings"]))
    assert "policy-weakened" in summary.read_text()


def annotations(out: str) -> list[str]:
    live = out.split("::stop-commands::", 1)[0]
    return [line for line in live.splitlines() if line.startswith(("::error", "::warning"))]


def test_a_shard_notes_no_verdict_on_the_commit(small: dict[str, Any], tmp_path: Path) -> None:
    """Shard 2's pass is not the commit's verdict: only a whole review notes the commit."""
    repo, (base, head) = small["repo"], small["change"]
    env_free = ("--base", base, "--head", head, "--sarif-output", "")
    assert repo.gitmon("ci", *env_free, "--shard", "2/2").code == 0
    assert repo.git("notes", "--ref", "gitmon", "list", head, check=False) == ""
    assert repo.gitmon("ci", *env_free).code == 0
    assert repo.git("notes", "--ref", "gitmon", "list", head, check=False).strip()


def test_a_shard_whose_engine_failed_leaves_the_merge_pending(small: dict[str, Any],
                                                             tmp_path: Path) -> None:
    repo, (base, head) = small["repo"], small["change"]
    first, second = shard_records(repo, small["change"], 2, tmp_path)
    env = dict(os.environ, GITMON_SEMGREP=str(tmp_path / "no-semgrep"))
    broken = tmp_path / "broken.json"
    proc = subprocess.run([sys.executable, "-m", "gitmon", "ci", "--base", base, "--head", head,
                           "--no-record", "--sarif-output", "", "--shard", "2/2",
                           "--json-output", str(broken)], cwd=repo.path, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 3, proc.stderr
    assert merge(repo, first, second).code == 0
    run = merge(repo, first, broken, "--format", "json")
    assert run.code == 3
    merged = json.loads(run.out)
    assert merged["verdict"] == "pending" and merged["shard"]["missing"] == []
    assert merged["degraded"]["reason"].startswith("shard 2 of 2: ")
    assert merged["reviewers"]["security"]["status"] == "pending"
    assert merged["reviewers"]["security"]["reason"].startswith("shard 2: degraded: ")
