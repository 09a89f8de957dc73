"""`gitmon ci`: review a pull request, push or merge group the way a gate must.

The policy, the rules and the baseline come from the BASE commit, never from the
head or the working tree: a pull request cannot switch off its own gate, and
nothing from the head is ever run. The head is only read as data (its blobs).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from gitmon import baseline as baseline_file
from gitmon import counting, fsio, gitio
from gitmon.change.selection import Selector
from gitmon.ci import event as ci_event
from gitmon.ci.event import Skip, Target
from gitmon.commands.check import execute, write_outputs
from gitmon.errors import FatalError, GitError, PolicyError, UsageError
from gitmon.policy import BUILTIN_ORIGIN, POLICY_FILE, Policy, default_policy_text, parse_policy
from gitmon.record import FindingEntry, Record
from gitmon.reports import github, markdown, renderer
from gitmon.rulesets import Reader, commit_reader


def run(*, cwd: str = ".", base: str | None = None, head: str | None = None,
        policy_path: str | None = None, fail_on: str | None = None,
        diff_filter: str | None = None, sarif_file: str | None = None,
        outputs: Mapping[str, str] | None = None, fmt: str | None = None,
        record: bool = True, env: Mapping[str, str] | None = None) -> int:
    """`sarif_file`: None for the default place, '' for no SARIF; `outputs`: json, markdown."""
    env = os.environ if env is None else env
    on_github = env.get("GITHUB_ACTIONS") == "true"
    fmt = fmt or ("github" if on_github else "text")
    root = gitio.toplevel(cwd)
    found = ci_event.target(root, env, base, head)
    if isinstance(found, Skip):
        sys.stdout.write(f"gitmon: PASS - {found.reason}\n")
        _outputs(env, {"verdict": "pass", "findings": "0", "record": "", "sarif": ""})
        return 0
    files = artifacts(cwd, env, sarif_file, outputs or {})
    selector, policy_rev = _select(root, found)
    policy = _policy(root, policy_rev, _repo_path(root, cwd, policy_path))
    reader: Reader = commit_reader(root, policy_rev) if policy_rev else _no_rules
    result, data = execute(root=root, policy=policy, reader=reader, selector=selector,
                           fail_on=fail_on, diff_filter=diff_filter, record=record, source="ci",
                           baseline=_baseline(root, policy_rev, policy),
                           # The checkout is the head's: a cache in it could be the change's own.
                           use_cache=False, state=_state(env))
    _report(data, fmt, files, env, root, _workspace_prefix(root, env))
    return result.verdict.exit_code


def artifacts(cwd: str, env: Mapping[str, str], sarif_file: str | None,
              outputs: Mapping[str, str]) -> dict[str, str]:
    """Output files by format. SARIF goes to $RUNNER_TEMP unless named: a workspace file
    is the pull request's to shape (it could commit `gitmon.sarif` as a link)."""
    if sarif_file is None:
        temp = env.get("RUNNER_TEMP")
        sarif_file = os.path.join(temp, "gitmon.sarif") if temp else "gitmon.sarif"
    named = {"sarif": sarif_file, **outputs}
    return {k: os.path.abspath(os.path.join(cwd, v)) for k, v in named.items() if v}


def _state(env: Mapping[str, str]) -> Path | None:
    """Records go under $RUNNER_TEMP on a runner (None: settings.records in the checkout)."""
    temp = env.get("RUNNER_TEMP")
    return Path(temp, "gitmon") if temp else None


def _select(root: Path, target: Target) -> tuple[Selector, str | None]:
    """The change to review and the commit whose policy gates it; missing history fails loudly."""
    head = _resolve(root, target.head, target)
    if target.base is None:
        return Selector("commit", head), gitio.first_parent(root, head)
    base = _resolve(root, target.base, target)
    if gitio.merge_base(root, base, head) is None:
        raise _missing(root, f"no merge-base between {target.base} and {target.head}", target)
    return Selector("range", f"{base}..{head}"), base


def _resolve(root: Path, rev: str, target: Target) -> str:
    try:
        return gitio.resolve(root, rev)
    except UsageError:
        where = f"the {target.origin} names {rev}" if target.from_event else \
            f"unknown revision {rev} (given with --base/--head)"
        raise _missing(root, f"{where}, which is not in this clone", target) from None


def _missing(root: Path, message: str, target: Target) -> FatalError:
    """Exit 3 (with the fix) when history is missing; exit 2 for a mistyped --base/--head."""
    if gitio.is_shallow(root):
        return GitError(f"{message} (this is a shallow clone)", hint=gitio.SHALLOW_HINT)
    if target.from_event:
        return GitError(message, hint=gitio.SHALLOW_HINT)
    return UsageError(message, hint="check the revisions with `git log --oneline --all`")


def _repo_path(root: Path, cwd: str, policy_path: str | None) -> str | None:
    """--policy as a path inside the repository (it is read from the base commit)."""
    if policy_path is None:
        return None
    rel = os.path.relpath(Path(cwd, policy_path).resolve(), root.resolve())
    if rel.startswith(".."):
        raise UsageError(f"--policy {policy_path} is outside the repository",
                         hint="in ci the policy is read from the base commit: name a file in the repo")
    return Path(rel).as_posix()


def _policy(root: Path, rev: str | None, path: str | None) -> Policy:
    name = path or POLICY_FILE
    data = gitio.read_at(root, rev, name) if rev else None
    if data is None:
        if path:
            sys.stderr.write(f"gitmon: {name} is not in the base commit: using the built-in "
                             "default policy (a change cannot bring its own policy)\n")
        return parse_policy(default_policy_text(), BUILTIN_ORIGIN)
    origin = f"{name}@{(rev or '')[:12]}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{origin}: the policy file is not UTF-8 text",
                          hint="save it as UTF-8 on the base branch") from exc
    return parse_policy(text, origin)


def _no_rules(entry: str) -> list[tuple[str, bytes]]:
    """No base commit (a root commit): there is no rule file to trust but the built-in packs."""
    return []


def _baseline(root: Path, rev: str | None, policy: Policy) -> frozenset[str]:
    """The fingerprints the base commit's baseline accepts (a change cannot accept its own)."""
    name = policy.settings.baseline
    data = gitio.read_at(root, rev, name) if rev else None
    if data is None:
        return frozenset()
    entries = baseline_file.parse(data, Path(f"{name}@{(rev or '')[:12]}"),
                                  hint="fix it on the base branch (`gitmon baseline` re-creates it)")
    return frozenset(e.fingerprint for e in entries)


def _workspace_prefix(root: Path, env: Mapping[str, str]) -> str:
    """Annotations name files relative to GITHUB_WORKSPACE; the repo may be a subfolder
    of it (actions/checkout's `path:`)."""
    workspace = env.get("GITHUB_WORKSPACE")
    if not workspace:
        return ""
    try:
        rel = root.resolve().relative_to(Path(workspace).resolve())
    except ValueError:
        return ""
    return "" if str(rel) == "." else f"{rel.as_posix()}/"


def _report(data: Record, fmt: str, files: dict[str, str], env: Mapping[str, str],
            root: Path, prefix: str = "") -> None:
    write_outputs(data, files, root)
    notes = github.annotate(data, prefix)
    if fmt == "github":
        text = renderer("text")(data)
        sys.stdout.write("\n".join(notes.lines) + "\n" if notes.lines else "")
        sys.stdout.write(github.quoted(text))
    else:
        sys.stdout.write(renderer(fmt)(data))
    sys.stdout.flush()
    shown = {"Record": str(data.get("record_path") or ""), "SARIF": files.get("sarif", ""),
             "JSON": files.get("json", ""), "Markdown": files.get("markdown", "")}
    _summary(env, data, notes.cut, {k: v for k, v in shown.items() if v})
    _outputs(env, {"verdict": str(data["verdict"]), "findings": str(len(counting.counted(data))),
                   "record": shown["Record"], "sarif": shown["SARIF"]})


def _summary(env: Mapping[str, str], data: Record, cut: list[FindingEntry],
             files: dict[str, str]) -> None:
    path = env.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    used = Path(path).stat().st_size if Path(path).exists() else 0
    budget = max(markdown.SUMMARY_CAP - used - 1024, 0)
    _append(path, markdown.summary(data, cut, files, budget))


def _outputs(env: Mapping[str, str], values: dict[str, str]) -> None:
    path = env.get("GITHUB_OUTPUT")
    if path:
        _append(path, "".join(github.output(k, v) for k, v in values.items()))


def _append(path: str, text: str) -> None:
    fsio.append(path, text)
