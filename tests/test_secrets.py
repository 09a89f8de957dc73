"""No secret in any output: every format, the record, the ledger, the cache, the audit summary.

The credential shapes (and their generator) are bench/bench_secrets.py's; here they go
through real reviews of real repositories, semgrep included.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import GitRepo, make_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitmon.main import main
from gitmon.redact import MASK
from gitmon.reports import FORMATS

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_secrets.py"
_spec = importlib.util.spec_from_file_location("gitmon_bench_secrets", BENCH)
assert _spec is not None and _spec.loader is not None
shapes = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = shapes
_spec.loader.exec_module(shapes)

# a custom rule whose message interpolates the matched literal, as semgrep allows
CUSTOM_RULE = """rules:
  - id: custom-call-argument
    languages: [python]
    severity: WARNING
    message: "call $F made with $ARG"
    metadata: {reviewer: security}
    pattern: $F(..., "$ARG", ...)
"""


def gitmon(repo: Path, *args: str) -> str:
    """Run the CLI in-process (a review per example must stay quick); stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(before)
    assert code in (0, 1), err.getvalue()
    return out.getvalue() + err.getvalue()


def everything(repo: GitRepo, outdir: Path) -> dict[str, str]:
    """Every text gitmon writes for the last commit: each format, output files, the record
    folder (records, ledger, cache) and the audit summary."""
    files = {kind: outdir / f"out.{kind}" for kind in ("json", "sarif", "markdown")}
    seen = {"check": gitmon(repo.path, "check", "--commit", "HEAD",
                            *(f"--{kind}-output={path}" for kind, path in files.items()))}
    for fmt in FORMATS:
        seen[f"--format {fmt}"] = gitmon(repo.path, "check", "--commit", "HEAD", "--format", fmt)
    seen["audit"] = gitmon(repo.path, "audit", "-n", "1")
    seen["audit json"] = gitmon(repo.path, "audit", "-n", "1", "--format", "json")
    seen.update({f"output {k}": p.read_text(encoding="utf-8") for k, p in files.items()})
    for path in sorted((repo.path / ".gitmon").rglob("*")):
        if path.is_file():
            seen[str(path.relative_to(repo.path))] = path.read_text(encoding="utf-8")
    return seen


def leaked(seen: dict[str, str], secrets: list[str]) -> list[tuple[str, str]]:
    return [(where, v) for where, text in seen.items() for v in secrets if v in text]


def records(repo: GitRepo) -> Iterator[dict[str, Any]]:
    for path in (repo.path / ".gitmon" / "records").glob("*.json"):
        yield json.loads(path.read_text(encoding="utf-8"))


def masked_paths(repo: GitRepo) -> set[str]:
    """Files of which some finding's snippet had a value masked."""
    return {f["path"] for r in records(repo) for f in r["findings"] if MASK in f["snippet"]}


# the shapes that leaked (issue 8), each with a value of its own
SHAPE_FILES = {
    "src/retry/client.py": ('import logging\nlog = logging.getLogger(__name__)\n\n\n'
                            'def connect(client):\n'
                            '    passphrase = "Passphrase42xyz"\n'
                            '    password: str = "Annotated42pass"\n'
                            '    secret_key = b"BytesLiteral42k"\n'
                            '    client.connect("admin", "hunter2x")\n'
                            '    log.info("using %s", "LogLiteral42abc")\n'
                            '    db_password = (\n        "MultiLine42pass"\n    )\n'
                            '    openai = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"\n'
                            '    gitlab = "glpat-abcdefghij0123456789"\n'
                            '    npm = "npm_abcdefghijklmnopqrstuvwxyz0123456789"\n'
                            '    twilio = "SK0123456789abcdef0123456789abcdef"\n'
                            '    sendgrid = "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstu'
                            'vwxyz0123456789abcdefg"\n'
                            '    do = "dop_v1_0123456789abcdef0123456789abcdef0123456789ab'
                            'cdef0123456789abcdef"\n'
                            '    pypi = "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1x'
                            'cnN0LXV2d3h5ejAxMjM0NTY3ODk"\n'
                            '    heroku = "HRKU-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL'
                            'MNOPQRSTUVWXYZ"\n'
                            '    while True:\n        try:\n            return client.get()\n'
                            '        except ConnectionError:\n            pass\n'),
    "k8s/deploy.yaml": ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
                        "  template:\n    spec:\n      containers:\n        - name: api\n"
                        "          image: registry.example.com/api:1.0.0\n          env:\n"
                        "            - name: DB_PASSWORD\n              value: K8sValue42pass\n"),
    "rules/custom/call.yaml": CUSTOM_RULE,
}
SHAPE_SECRETS = ["Passphrase42xyz", "Annotated42pass", "BytesLiteral42k", "hunter2x",
                 "LogLiteral42abc", "MultiLine42pass", "abcdefghijklmnopqrstuvwxyz0123456789",
                 "abcdefghij0123456789", "0123456789abcdef0123456789abcdef", "K8sValue42pass",
                 "CJGFiY2RlZmdoLWlqa2wtbW5vcC1x", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"]


def with_custom_rule(repo: GitRepo) -> None:
    policy = (Path(__file__).resolve().parent.parent / "gitmon" / "default_policy.yml").read_text()
    repo.write("gitmon.yml", policy.replace("rules: [security]",
                                            "rules: [security, rules/custom/call.yaml]", 1))
    repo.commit("policy with a custom rule")


def test_shapes_that_leaked_are_masked_in_every_output(repo: GitRepo, tmp_path: Path) -> None:
    with_custom_rule(repo)
    for path, text in SHAPE_FILES.items():
        repo.write(path, text)
    repo.commit("credentials")
    seen = everything(repo, tmp_path)
    assert leaked(seen, SHAPE_SECRETS) == []
    assert masked_paths(repo) >= {"src/retry/client.py", "k8s/deploy.yaml"}
    (record, *_) = records(repo)
    custom = [f for f in record["findings"] if f["rule"] == "custom-call-argument"]
    assert any(MASK in f["message"] for f in custom)
    assert any(path.startswith(".gitmon/cache/") for path in seen)


# The property holds per generated file, so each example reviews many files at once: a
# review (and its semgrep start) costs seconds, a file in it next to nothing.
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rnd=st.randoms(use_true_random=False), count=st.integers(min_value=4, max_value=12))
def test_no_generated_credential_leaks_from_a_real_review(rnd: random.Random, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp, "repo"))
        samples = [shapes.sample(rnd, n) for n in range(count)]
        for s in samples:
            repo.write(s.path, s.text)
        repo.commit("credentials")
        seen = everything(repo, Path(tmp))
        secrets = [v for s in samples for v in s.secrets]
        assert leaked(seen, secrets) == []
        scanned = {s.path for s in samples if s.language in shapes.LOOP_RULES}
        assert masked_paths(repo) >= scanned     # each value was in a finding, and masked


def test_a_snippet_cut_at_its_size_limit_does_not_leak_the_value_it_cuts(
        repo: GitRepo, tmp_path: Path) -> None:
    head = "import time\n\n\ndef fetch_forever(client):\n"
    loop = "    while True:\n        try:\n" + "            # keep trying until it works\n" * 40
    opening = '            password = "'
    pad = 1990 - len(loop) - len(opening)         # the snippet (the loop) is cut at 2,000
    loop += "            #" + "x" * (pad - 14) + "\n" + opening
    repo.write("src/retry/client.py", head + loop + 'Truncated42secretValue"\n'
               "            return client.get()\n        except ConnectionError:\n"
               "            time.sleep(1)\n")
    repo.commit("long loop")
    seen = everything(repo, tmp_path)
    assert leaked(seen, ["Truncated4"]) == []
    (record, *_) = records(repo)
    (cut,) = [f for f in record["findings"] if f["rule"].startswith("reliability-unbounded")]
    assert cut["snippet"].endswith(f'password = "{MASK}')
