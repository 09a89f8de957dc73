"""Unsafe resilience settings in YAML/TOML/JSON config: the breaker, retry and rate-limit values.

Diff-aware on its own (the engine filters only semgrep findings): a bad key
counts when its line (or its value's line) was added or changed, and not when
the same key was already bad on the base side - that is not this change's fault.
"""

from __future__ import annotations

from gitmon.change import FileChange
from gitmon.engines.builtin import resilience
from gitmon.engines.builtin.base import CheckContext
from gitmon.engines.builtin.confignodes import Setting, config_format, read_settings
from gitmon.findings import Finding


class UnsafeConfig:
    id = "unsafe-config"
    description = "circuit-breaker, retry and rate-limit settings in config files that are unsafe"

    def run(self, ctx: CheckContext) -> list[Finding]:
        changes = {f.path: f for f in ctx.change.files}
        out: list[Finding] = []
        for path in ctx.files:
            change = changes.get(path)
            if change is None or path not in ctx.contents or config_format(path) is None:
                continue
            out += self.check_file(ctx, change, ctx.contents[path])
        return out

    def check_file(self, ctx: CheckContext, change: FileChange, data: bytes) -> list[Finding]:
        context = resilience.families([change.path, *ctx.routing.areas_of(change.path)])
        bad = _problems(read_settings(change.path, data) or [], context)
        fresh = [(s, p) for s, p in bad if _on_changed_line(change, s)]
        if not fresh:
            return []
        old = ctx.read_old(change.path)
        before = {s.path for s, _ in _problems(read_settings(change.path, old) or [], context)} \
            if old is not None else set()
        return [ctx.finding(self.id, p.severity, change.path, s.line, p.message)
                for s, p in fresh if s.path not in before]


def _problems(settings: list[Setting], context: set[str],
              ) -> list[tuple[Setting, resilience.Problem]]:
    found = ((s, resilience.judge(s, context)) for s in settings)
    return [(s, p) for s, p in found if p is not None]


def _on_changed_line(change: FileChange, s: Setting) -> bool:
    return change.whole or s.line in change.added or s.value_line in change.added


CHECK = UnsafeConfig()
