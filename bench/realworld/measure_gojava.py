"""Precision and recall of the default policy on the Go, Rust, Java and Kubernetes/Helm corpus.

A stop-gap until `run.py` (which reads the same `projects/` and `recall/` files and the
same finding keys) covers these groups; it may then be folded in.

    python bench/realworld/measure_gojava.py                  # scan + recall, every group
    python bench/realworld/measure_gojava.py --only go        # one group
    python bench/realworld/measure_gojava.py --recall-only    # only the mined cases
    (one results file per group: groups may run as parallel processes)
    python bench/realworld/measure_gojava.py --report         # re-render from results/

Precision: every file of each project committed at once in a fresh repo and reviewed
whole (`gitmon check --commit HEAD --filter file`), plus `gitmon audit` over the pinned
history slice. Every distinct finding is looked up in `triage-gojava.json` by its key.
Recall: each case's file as it was before the fix, at its real path, default filter.
Debian packages come from `apt-get download` (run `apt-get update` once first), git
histories from the local mirrors the `fetch` tool brings (/work/.mirror).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from scan import commit_files

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
TRIAGE = HERE / "triage-gojava.json"
GROUPS = ("go", "rust", "java", "k8s")
MIRRORS = Path("/work/.mirror")
AUDIT_MAX = 200
IDENTITY = {"GIT_AUTHOR_NAME": "corpus", "GIT_AUTHOR_EMAIL": "corpus@gitmon.invalid",
            "GIT_COMMITTER_NAME": "corpus", "GIT_COMMITTER_EMAIL": "corpus@gitmon.invalid"}
Finding = dict[str, Any]
# Every file to every reviewer, built-in checks off: what the rules say once content
# routing (a file that imports a resilience library, any workload YAML) finds a file.
WIDE_POLICY = """version: 1
areas:
  everything: {paths: ["**", "!.gitmon-wide.yml"], reviewers: [security, reliability, production, deployment]}
reviewers:
  security: {rules: [security], checks: [], block_on: error}
  reliability: {rules: [reliability], checks: [], block_on: error}
  production: {rules: [production], checks: [], block_on: error}
  deployment: {rules: [deployment], checks: [], block_on: error}
"""


class CorpusError(RuntimeError):
    """A project could not be brought here or reviewed; the message says what to do."""


def run(cmd: list[str], cwd: Path | None = None, data: bytes | None = None) -> bytes:
    env = dict(os.environ, **IDENTITY, PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, cwd=cwd, input=data, capture_output=True, env=env, timeout=3600)
    if proc.returncode != 0:
        raise CorpusError(f"{' '.join(cmd)}: {proc.stderr.decode(errors='replace')[-600:]}")
    return proc.stdout


def mirror(repo: str) -> Path:
    path = MIRRORS / repo.replace("/", "+") / "repo"
    if not (path / "HEAD").exists():
        raise CorpusError(f"no mirror of {repo}: call the fetch tool with `fetch github:{repo}`")
    return path


def export_git(git_dir: Path, commit: str, into: Path) -> None:
    """The commit's regular files; blobs the snapshot left out (big images) are skipped."""
    entries = [line.split("\t", 1) for line in
               run(["git", "ls-tree", "-r", "-z", commit], cwd=git_dir).decode().split("\0") if line]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[0] in
             ("100644", "100755")]
    batch = run(["git", "cat-file", "--batch", "--buffer"], cwd=git_dir,
                data="".join(f"{sha}\n" for sha, _ in blobs).encode())
    pos = 0
    for _, path in blobs:
        header_end = batch.index(b"\n", pos)
        header = batch[pos:header_end].split()
        pos = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        (into / path).parent.mkdir(parents=True, exist_ok=True)
        (into / path).write_bytes(batch[pos:pos + size])
        pos += size + 1


def source_tree(p: dict[str, Any]) -> Path:
    """The project's files under their real paths (downloaded or exported once)."""
    target = CACHE / "src" / str(p["name"])
    if not target.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=CACHE))
        if p["kind"] == "git":
            export_git(mirror(p["repo"]), p["commit"], tmp)
        else:
            run(["apt-get", "download", f"{p['package']}={p['version']}"], cwd=tmp)
            deb = next(tmp.glob("*.deb"))
            run(["dpkg-deb", "-x", str(deb), str(tmp / "x")])
            shutil.move(str(tmp / "x" / p.get("subdir", "")), str(tmp / "tree"))
            shutil.rmtree(tmp / "x")
            deb.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        if p["kind"] == "git":
            tmp.rename(target)
        else:
            (tmp / "tree").rename(target)
            tmp.rmdir()
    return target


def gitmon(args: list[str], cwd: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "gitmon", *args, "--format", "json"]
    env = dict(os.environ, **IDENTITY, PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=3600)
    if proc.returncode not in (0, 1, 3) or not proc.stdout.strip():
        raise CorpusError(f"gitmon {' '.join(args)}: exit {proc.returncode}: {proc.stderr[-600:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def fresh_repo(tmp: Path, files: Path | dict[str, bytes]) -> Path:
    """A repo whose HEAD adds `files` (a tree, or path -> content) onto an empty root."""
    repo = tmp / "repo"
    commit_files(repo, files)     # the runner's own, so both measures build repos alike
    return repo


def key(project: str, f: Finding) -> str:
    """The triage key: project, path, rule and the matched code (the same as run.py's)."""
    code = "\n".join(line.strip() for line in (f.get("snippet") or "").splitlines())
    raw = "\0".join((project, f["path"], f["rule"], code or str(f.get("line"))))
    return hashlib.sha1(raw.encode()).hexdigest()[:12]


def flatten(project: str, origin: str, record: dict[str, Any]) -> list[Finding]:
    head = record.get("change", {}).get("head", "")
    return [{"key": key(project, f), "project": project, "origin": origin, "commit": head,
             "path": f["path"], "line": f.get("line"), "rule": f["rule"],
             "reviewer": f["reviewer"], "severity": f["severity"],
             "snippet": f.get("snippet", "")}
            for f in record.get("findings", []) if not (f.get("suppressed") or f.get("baselined"))]


def scan(p: dict[str, Any], wide: bool) -> list[Finding]:
    with tempfile.TemporaryDirectory(prefix="gitmon-gojava-") as tmp:
        repo = fresh_repo(Path(tmp), source_tree(p))
        check = ["check", "--commit", "HEAD", "--filter", "file", "--no-record"]
        found = flatten(p["name"], "files", gitmon(check, repo))
        if wide:
            (repo / ".gitmon-wide.yml").write_text(WIDE_POLICY)
            found += flatten(p["name"], "wide",
                             gitmon([*check, "--policy", ".gitmon-wide.yml"], repo))
    if p["kind"] == "git" and p.get("slice"):
        with tempfile.TemporaryDirectory(prefix="gitmon-gojava-") as tmp:
            repo = Path(tmp) / "repo"
            run(["git", "clone", "-q", "--shared", "--no-checkout", str(mirror(p["repo"])),
                 str(repo)])
            run(["git", "checkout", "-q", "--detach", p["commit"]], cwd=repo)
            gitmon(["audit", p["slice"], "-n", str(AUDIT_MAX)], repo)
            for path in sorted((repo / ".gitmon" / "records").glob("*.json")):
                found += flatten(p["name"], "audit", json.loads(path.read_text()))
    return found


def recall(case: dict[str, Any]) -> dict[str, Any]:
    """Caught with the default policy at the real path; `rule_caught`: by the rule at all."""
    spec = f"{case['fix_commit']}^:{case['path']}"
    before = run(["git", "show", spec], cwd=mirror(case["repo"]))
    with tempfile.TemporaryDirectory(prefix="gitmon-gojava-") as tmp:
        repo = fresh_repo(Path(tmp), {case["path"]: before})
        (repo / ".gitmon-wide.yml").write_text(WIDE_POLICY)
        found = {}
        for name, extra in (("default", []), ("wide", ["--policy", ".gitmon-wide.yml"])):
            record = gitmon(["check", "--commit", "HEAD", "--no-record", *extra], repo)
            found[name] = {(f["rule"], f["reviewer"]) for f in record.get("findings", [])
                           if not f.get("suppressed")}
    want = (case["rule"], case["reviewer"])
    return {**case, "caught": want in found["default"], "rule_caught": want in found["wide"],
            "reported": sorted({r for r, _ in found["default"]})}


def unique(findings: list[Finding]) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    for f in findings:
        out.setdefault(f["key"], f)
    return out


def reviewer_table(state: dict[str, Any], labels: dict[str, Any],
                   cases: list[dict[str, Any]]) -> list[str]:
    """Per reviewer: precision of its semgrep rules (built-in checks apart) without test
    code, and recall by the rule once the file is routed."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for k, f in unique(state["findings"]).items():
        label = labels.get(k, {})
        if f["rule"] == "missing-test-change" or label.get("reason", "").startswith("test code"):
            continue
        rows[f["reviewer"]][0 if label.get("verdict") == "true" else 1] += 1
    for c in cases:
        rows[c["reviewer"]][2] += 1
        rows[c["reviewer"]][3] += bool(c.get("rule_caught"))
    lines = ["| reviewer | true | false | precision | recall cases | caught by the rule |",
             "|---|---|---|---|---|---|"]
    for name, (t, fa, n, hit) in sorted(rows.items()):
        prec = f"{100 * t / (t + fa):.0f}%" if t + fa else "-"
        lines.append(f"| {name} | {t} | {fa} | {prec} | {n} | {hit} |")
    return lines


def report(state: dict[str, Any], cases: list[dict[str, Any]]) -> list[str]:
    """Per-rule precision from the labels; a false finding in test code is counted apart
    (routing excludes test code, another part of issue 9), then recall."""
    labels = json.loads(TRIAGE.read_text()) if TRIAGE.exists() else {}
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for k, f in unique(state["findings"]).items():
        label = labels.get(k, {})
        column = {"true": 0, "false": 1}.get(label.get("verdict", ""), 3)
        if column == 1 and label.get("reason", "").startswith("test code"):
            column = 2
        per[(f["rule"], f["severity"])][column] += 1
    lines = ["| rule | severity | true | false | false: test code | untriaged | precision "
             "| without test code |", "|---|---|---|---|---|---|---|---|"]
    for (rule, sev), (t, fa, test, u) in sorted(per.items()):
        every = f"{100 * t / (t + fa + test):.0f}%" if t + fa + test else "-"
        routed = f"{100 * t / (t + fa):.0f}%" if t + fa else "-"
        lines.append(f"| {rule} | {sev} | {t} | {fa} | {test} | {u} | {every} | {routed} |")
    lines += ["", *reviewer_table(state, labels, cases)]
    caught = sum(c["caught"] for c in cases)
    by_rule = sum(c.get("rule_caught", False) for c in cases)
    lines += ["", f"recall, default policy at the real path: {caught}/{len(cases)} caught; "
              f"by the rule once the file is routed: {by_rule}/{len(cases)}"]
    lines += [f"- missed {'(by the rule too) ' if not c.get('rule_caught') else ''}"
              f"{c['project']} {c['fix_commit'][:10]} {c['path']} {c['rule']}"
              for c in cases if not c["caught"]]
    return lines


def save(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def load(path: Path, default: Any) -> Any:
    return json.loads(path.read_text()) if path.exists() else default


def measure(group: str, wide: bool, recall_only: bool) -> None:
    """One group: its findings and recall cases, each saved as soon as it is known (one
    file per group, so groups can be measured by parallel processes)."""
    state_path = RESULTS / f"gojava-{group}-findings.json"
    state = load(state_path, {"findings": []})
    if not recall_only:
        for p in json.loads((HERE / "projects" / f"{group}.json").read_text()):
            found = scan(p, wide)
            state["findings"] = [f for f in state["findings"] if f["project"] != p["name"]]
            state["findings"] += found
            save(state_path, state)
            print(f"{group}/{p['name']}: {len(unique(found))} distinct finding(s)", flush=True)
    recall_file = HERE / "recall" / f"{group}.json"
    if recall_file.exists():
        save(RESULTS / f"gojava-{group}-recall.json",
             [recall(c) for c in json.loads(recall_file.read_text())])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=GROUPS)
    parser.add_argument("--recall-only", action="store_true")
    parser.add_argument("--report", action="store_true", help="re-render only, scan nothing")
    parser.add_argument("--wide", action="store_true",
                        help="also review every file with every rule pack (content routing)")
    args = parser.parse_args()
    if not args.report:
        for group in args.only or GROUPS:
            measure(group, args.wide, args.recall_only)
    state: dict[str, Any] = {"findings": []}
    cases: list[dict[str, Any]] = []
    for group in GROUPS:
        state["findings"] += load(RESULTS / f"gojava-{group}-findings.json",
                                  {"findings": []})["findings"]
        cases += load(RESULTS / f"gojava-{group}-recall.json", [])
    text = "\n".join(report(state, cases))
    (RESULTS / "gojava-summary.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
