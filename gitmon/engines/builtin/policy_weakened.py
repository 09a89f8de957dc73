"""A change that weakens the gate itself: the policy file, the baseline, or the rule files.

The base-side policy (or the built-in default when there was no file) is compared
with the new one, both loaded by `parse_policy`. Each weakening is reported on the
line of the changed key in the new file; for a deleted key, on the line of its
nearest surviving parent (`reviewers:` for a removed reviewer), else line 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from gitmon.change import FileChange
from gitmon.engines.builtin.base import CheckContext
from gitmon.engines.builtin.gatefiles import fingerprints, key_lines, line_of, rule_severities
from gitmon.engines.builtin.policydiff import weakenings
from gitmon.errors import PolicyError
from gitmon.findings import Finding
from gitmon.policy import BUILTIN_PACKS, POLICY_FILE, Policy, Reviewer, default_policy_text, parse_policy
from gitmon.rulesets import is_rule_file
from gitmon.severity import Severity


class PolicyWeakened:
    id = "policy-weakened"
    description = "a change to gitmon.yml, the baseline or the rule files that weakens a gate"

    def run(self, ctx: CheckContext) -> list[Finding]:
        changes = {f.path: f for f in ctx.change.files}
        out: list[Finding] = []
        old = new = ctx.policy
        change = _policy_change(ctx, changes)
        if change is not None:
            before = _text(ctx.read_old(change.path))
            old = _load(before or default_policy_text())
            found, loaded = self.policy_file(ctx, change, old, before is None)
            out += found
            new = loaded or old
        for baseline in sorted({old.settings.baseline, new.settings.baseline}):
            out += self.baseline(ctx, changes, baseline)
        out += self.rule_files(ctx, changes, [*old.reviewers.values(), *new.reviewers.values()])
        return out

    def policy_file(self, ctx: CheckContext, change: FileChange, old: Policy, created: bool,
                    ) -> tuple[list[Finding], Policy | None]:
        lines: dict[tuple[str, ...], int] = {}
        if change.deleted or change.path != POLICY_FILE:
            # With no file the built-in default applies: that is the new policy.
            text, prefix = default_policy_text(), f"{POLICY_FILE} was removed, so the default applies: "
        else:
            found = _text(ctx.contents.get(POLICY_FILE))
            if found is None:
                return [], None
            text, lines = found, key_lines(found)
            prefix = "compared with the built-in default policy: " if created else ""
        try:
            new = parse_policy(text, POLICY_FILE)
        except PolicyError as exc:
            where = re.search(rf"{re.escape(POLICY_FILE)}:(\d+)", exc.message)
            line = int(where.group(1)) if where else 1
            return [ctx.finding(self.id, Severity.ERROR, POLICY_FILE, line,
                                f"the new policy does not load: {exc.message}")], None
        return [ctx.finding(self.id, w.severity, POLICY_FILE, line_of(lines, w.key),
                            prefix + w.message) for w in weakenings(old, new)], new

    def baseline(self, ctx: CheckContext, changes: Mapping[str, FileChange],
                 path: str) -> list[Finding]:
        change = changes.get(path)
        if change is None or change.deleted or path not in ctx.files:
            return []
        new = fingerprints(ctx.contents.get(path), path)
        added = sorted(new - fingerprints(ctx.read_old(path), path))
        if not added:
            return []
        text = _text(ctx.contents.get(path)) or ""
        line = next((n for n, t in enumerate(text.splitlines(), 1) if added[0] in t), 1)
        return [ctx.finding(self.id, Severity.WARNING, path, line,
                            f"the baseline now accepts {len(added)} more finding(s): they will no "
                            "longer block; fix them instead, or have the baseline change reviewed "
                            "on its own")]

    def rules_changed(self, ctx: CheckContext, path: str, old: Mapping[str, Severity],
                      new: Mapping[str, Severity]) -> list[Finding]:
        lines = key_lines(_text(ctx.contents.get(path)) or "")
        out = []
        lost = sorted(set(old) - set(new))
        if lost:
            out.append(ctx.finding(self.id, Severity.ERROR, path, lines.get(("rules",), 1),
                                   f"rule(s) {', '.join(lost)} removed from {path}: they no "
                                   "longer run; restore them"))
        for rule, severity in new.items():
            if rule in old and severity < old[rule]:
                out.append(ctx.finding(
                    self.id, Severity.ERROR, path, lines.get(("rules", rule), 1),
                    f"rule {rule} lowered from {old[rule].label} to {severity.label}: its findings "
                    f"may no longer block; restore `severity: {old[rule].name}`"))
        return out

    def rule_files(self, ctx: CheckContext, changes: Mapping[str, FileChange],
                   reviewers: Iterable[Reviewer]) -> list[Finding]:
        roots = _rule_roots(reviewers)
        out: list[Finding] = []
        for path, change in changes.items():
            if not is_rule_file(path) or not any(_under(path, r) for r in roots):
                continue
            if change.deleted:
                out.append(ctx.finding(self.id, Severity.ERROR, path, 1,
                                       f"rule file {path} was deleted: its rules no longer run; "
                                       "restore it, or suppress single findings with a reason"))
                continue
            if path in ctx.contents:
                out += self.rules_changed(ctx, path, rule_severities(ctx.read_old(path)),
                                          rule_severities(ctx.contents[path]))
        return out


def _policy_change(ctx: CheckContext, changes: Mapping[str, FileChange]) -> FileChange | None:
    """The change to the policy file: edited, added, deleted, or renamed away (= deleted)."""
    change = changes.get(POLICY_FILE)
    if change is not None:
        return change if POLICY_FILE in ctx.files else None
    return next((f for f in changes.values() if f.old_path == POLICY_FILE), None)


def _text(data: bytes | None) -> str | None:
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def _load(text: str) -> Policy:
    """The base-side policy; one that did not load gated nothing more than the default."""
    try:
        return parse_policy(text, POLICY_FILE)
    except PolicyError:
        return parse_policy(default_policy_text(), POLICY_FILE)


def _rule_roots(reviewers: Iterable[Reviewer]) -> set[str]:
    roots = set()
    for reviewer in reviewers:
        for entry in reviewer.rules:
            # A built-in pack by name is also `rules/<name>` in gitmon's own repo.
            roots.add(f"rules/{entry}" if entry in BUILTIN_PACKS else entry.strip("/"))
    return roots


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")



CHECK = PolicyWeakened()
