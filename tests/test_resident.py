"""The resident engine (`semgrep lsp` kept warm, engines/resident.py), against a real
server: the same findings as a one-shot run on every rule fixture, a partly parsed file
left pending with the one-shot run's reason, a dead server replaced by one-shot runs (and
said so), a changed rule set restarting it."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitmon.engines.lsp import LspServer
from gitmon.engines.resident import ENTRY, Resident
from gitmon.engines.semgrep import SemgrepJob, find_executable
from gitmon.rulekey import config_text
from gitmon.rulesets import Rule, builtin_rules_dir, parse_rules

SEMGREP = find_executable(None)
pytestmark = pytest.mark.skipif(SEMGREP is None, reason="semgrep is not installed")
TARGETS = (".py", ".go", ".js", ".ts", ".java", ".rs", ".test.yaml")
BROKEN = "def f(:\n    pass\n((((\n\ndef g():\n    try:\n        x()\n    except Exception:\n" \
         "        pass\n"
SWALLOW = ("rules:\n- id: swallow\n  languages: [python]\n  severity: WARNING\n"
           "  message: swallowed\n  pattern: |\n    try:\n        ...\n    except Exception:\n"
           "        pass\n")
EVAL = ("rules:\n- id: no-eval\n  languages: [python]\n  severity: ERROR\n"
        "  message: eval of $X\n  pattern: eval($X)\n")


def rules_of(text: str, origin: str = "test.yaml") -> list[Rule]:
    return [Rule(b["id"], ("r",), frozenset(b["languages"]), b, origin)
            for b in parse_rules(origin, text.encode())]


def only(resident: Resident) -> LspServer:
    assert len(resident.warm) == 1
    return next(iter(resident.warm.values())).server


@pytest.fixture
def resident() -> Iterator[Resident]:
    engine = Resident()
    yield engine
    engine.stop()


def fixtures() -> tuple[list[Rule], dict[str, bytes]]:
    """Every built-in rule and every fixture, under the name gitmon's temp tree gives it."""
    rules: list[Rule] = []
    contents: dict[str, bytes] = {}
    for path in sorted(builtin_rules_dir().rglob("*")):
        rel = str(path.relative_to(builtin_rules_dir()))
        if path.name.endswith(TARGETS):
            contents[rel.replace(".test.yaml", ".yaml")] = path.read_bytes()
        elif path.suffix == ".yaml":
            rules += rules_of(path.read_text(), rel)
    return rules, contents


def test_findings_are_those_of_a_one_shot_run_on_every_rule_fixture(resident: Resident) -> None:
    rules, contents = fixtures()
    config = config_text(rules)
    job = resident.job(SEMGREP, rules, config, contents, 120.0)
    assert job is not None
    warm = job.wait()
    cold = SemgrepJob(SEMGREP, rules, config, contents, 120.0).wait()
    assert cold.failure is None and warm.failure is None
    assert sum(len(m) for m in cold.matches.values()) > 100, "the comparison must mean something"
    assert warm.matches == cold.matches      # rule, lines, columns, severity, message
    assert warm.notes == cold.notes
    assert warm.scanned == cold.scanned
    assert warm.entry == ENTRY               # every fixture was served by the warm engine


def test_a_partly_parsed_file_gets_the_one_shot_runs_pending_note(resident: Resident) -> None:
    rules = rules_of(SWALLOW)
    contents = {"app/broken.py": BROKEN.encode(), "app/ok.py": b"x = 1\n"}
    job = resident.job(SEMGREP, rules, config_text(rules), contents, 60.0)
    assert job is not None
    warm = job.wait()
    cold = SemgrepJob(SEMGREP, rules, config_text(rules), contents, 60.0).wait()
    assert "unparsable" in warm.notes["app/broken.py"]
    assert warm.notes == cold.notes and warm.matches == cold.matches
    assert warm.entry.startswith(ENTRY + " + semgrep scan")   # the clean file stayed warm


def test_a_killed_server_falls_back_to_one_shot_and_says_so(resident: Resident) -> None:
    rules = rules_of(EVAL)
    first = resident.job(SEMGREP, rules, config_text(rules), {"a.py": b"eval(1)\n"}, 60.0)
    assert first is not None and first.wait().matches["a.py"][0].rule == "no-eval"
    server = only(resident)
    os.killpg(server.proc.pid, signal.SIGKILL)
    server.proc.wait()
    contents = {"b.py": b"y = 2\neval(y)\n"}
    job = resident.job(SEMGREP, rules, config_text(rules), contents, 60.0)
    assert job is not None
    run = job.wait()
    assert run.failure is None and [m.line for m in run.matches["b.py"]] == [2]
    assert run.entry.startswith("semgrep scan")
    assert resident.snapshot().startswith("one-shot (resident semgrep lsp failed: ")
    assert resident.job(SEMGREP, rules, config_text(rules), contents, 60.0) is None


def test_a_changed_rule_restarts_it_and_the_new_rule_applies(resident: Resident) -> None:
    contents = {"a.py": BROKEN.replace("((((\n", "").encode() + b"eval(2)\n"}
    old = rules_of(SWALLOW)
    job = resident.job(SEMGREP, old, config_text(old), contents, 60.0)
    assert job is not None and {m.rule for m in job.wait().matches["a.py"]} == {"swallow"}
    new = rules_of(SWALLOW + EVAL.removeprefix("rules:\n"))
    job = resident.job(SEMGREP, new, config_text(new), contents, 60.0)
    assert job is not None
    run = job.wait()
    assert {m.rule for m in run.matches["a.py"]} == {"swallow", "no-eval"}
    assert run.entry == ENTRY and resident.starts == 2
    assert resident.snapshot() == "resident semgrep lsp"
    job = resident.job(SEMGREP, old, config_text(old), contents, 60.0)   # still warm
    assert job is not None and job.wait().entry == ENTRY and resident.starts == 2


def test_a_file_with_non_ascii_text_goes_to_a_one_shot_run(resident: Resident,
                                                           tmp_path: Path) -> None:
    rules = rules_of(EVAL)
    contents = {"u.py": "s = 'é'; eval(s)\n".encode()}
    job = resident.job(SEMGREP, rules, config_text(rules), contents, 60.0)
    assert job is not None
    run = job.wait()
    assert run.entry.startswith("semgrep scan") and resident.starts == 0
    assert [(m.column, m.end_column) for m in run.matches["u.py"]] == [(11, 18)]


def test_a_hung_server_times_out_and_the_review_is_one_shot(resident: Resident) -> None:
    resident.per_file = 1.0
    rules = rules_of(EVAL)
    first = resident.job(SEMGREP, rules, config_text(rules), {"a.py": b"eval(1)\n"}, 60.0)
    assert first is not None and first.wait().entry == ENTRY
    os.kill(only(resident).proc.pid, signal.SIGSTOP)      # alive, answering nothing
    job = resident.job(SEMGREP, rules, config_text(rules), {"a.py": b"x = 1\neval(1)\n"}, 60.0)
    assert job is not None
    run = job.wait()
    assert run.entry.startswith("semgrep scan") and run.matches["a.py"][0].line == 2
    assert "gave no diagnostics in time (1s)" in resident.snapshot()
    assert not resident.warm                                # killed, not left stopped


def test_a_server_answering_garbage_is_dropped_for_one_shot(resident: Resident,
                                                            tmp_path: Path) -> None:
    fake = tmp_path / "semgrep"
    garbage = "printf 'Content-Length: 3\\r\\n\\r\\n{{{'; sleep 30"
    fake.write_text(f"#!/bin/sh\ncase \"$1\" in lsp) {garbage};; *) exec {SEMGREP} \"$@\";; esac\n")
    fake.chmod(0o755)
    rules = rules_of(EVAL)
    job = resident.job(str(fake), rules, config_text(rules), {"a.py": b"eval(1)\n"}, 60.0)
    assert job is not None
    run = job.wait()
    assert run.entry.startswith("semgrep scan") and run.matches["a.py"][0].rule == "no-eval"
    assert "unreadable answer" in resident.snapshot()


def test_closing_it_mid_scan_ends_the_scan_and_starts_no_one_shot_run(resident: Resident,
                                                                      ) -> None:
    """The daemon's shutdown: a scan waiting on a hung server gives up at once, and no
    one-shot run is started that would outlive the daemon."""
    import threading
    import time

    rules = rules_of(EVAL)
    first = resident.job(SEMGREP, rules, config_text(rules), {"a.py": b"eval(1)\n"}, 60.0)
    assert first is not None and first.wait().entry == ENTRY
    os.kill(only(resident).proc.pid, signal.SIGSTOP)      # hung: the scan waits per_file (15 s)
    job = resident.job(SEMGREP, rules, config_text(rules), {"a.py": b"eval(2)\n"}, 60.0)
    assert job is not None
    runs = []
    waiting = threading.Thread(target=lambda: runs.append(job.wait()))
    waiting.start()
    time.sleep(0.5)                                        # the scan is waiting on the server
    resident.close()
    waiting.join(10)
    assert not waiting.is_alive() and runs[0].failure == "the daemon stopped during the scan"
    assert resident.job(SEMGREP, rules, config_text(rules), {"a.py": b"x\n"}, 60.0) is None
    assert "failed" not in resident.snapshot()             # a shutdown, not a broken engine
