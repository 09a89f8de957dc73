"""Suppression markers count only in comments, name a rule, give a visible reason; every
report says why a marker was not applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from conftest import GitRepo

from gitmon.reports.markdown import summary
from gitmon.reports.text import render_compact
from gitmon.suppression import IN_STRING, NO_REASON, NO_RULE, STAR, FileMarkers

RULE = "security-secret-logged-python"
HEAD = "import logging\nlog = logging.getLogger(__name__)\n\n\ndef call(api_token):\n"
SCHEMA = json.loads((Path(__file__).with_name("schemas") / "sarif-schema-2.1.0.json").read_text())


def check(repo: GitRepo, *args: str) -> dict[str, Any]:
    result = repo.gitmon("check", "--format", "json", "--filter", "file", *args)
    assert result.code in (0, 1), result.err
    record: dict[str, Any] = json.loads(result.out)
    return record


def by_path(record: dict[str, Any], rule: str) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in record["findings"] if f["rule"] == rule}


def outcome(f: dict[str, Any]) -> tuple[bool, str | None]:
    return f["suppressed"], f.get("suppression") if f["suppressed"] else f.get("suppression_problem")


PYTHON_CASES = {
    # the marker is the logged text itself, or a string on the line above: not a comment
    "in_string": (f'    log.debug("gitmon: ignore[{RULE}] fine %s", api_token)\n',
                  (False, IN_STRING)),
    "string_above": (f'    note = "# gitmon: ignore[{RULE}] test only"\n'
                     '    log.debug("retrying with %s", api_token)\n', (False, IN_STRING)),
    "in_docstring": (f'    """Docs.\n\n    # gitmon: ignore[{RULE}] in the docstring"""\n'
                     '    log.debug("retrying with %s", api_token)\n', (False, IN_STRING)),
    "empty_ids": ("    # gitmon: ignore[] old token\n"
                  '    log.debug("retrying with %s", api_token)\n', (False, NO_RULE)),
    "star": ("    # gitmon: ignore[*] all of them\n"
             '    log.debug("retrying with %s", api_token)\n', (False, STAR)),
    "bare_nosemgrep": ('    log.debug("retrying with %s", api_token)  # nosemgrep -- a demo\n',
                       (False, NO_RULE)),
    "zero_width": (f"    # gitmon: ignore[{RULE}] \u200b\u200d\n"
                   '    log.debug("retrying with %s", api_token)\n', (False, NO_REASON)),
    "punctuation": (f"    # gitmon: ignore[{RULE}] ... !\n"
                    '    log.debug("retrying with %s", api_token)\n', (False, NO_REASON)),
    "two_ids": (f"    # gitmon: ignore[some-other-rule, {RULE}] fake token in a demo\n"
                '    log.debug("retrying with %s", api_token)\n', (True, "fake token in a demo")),
    "hash_in_string": (f'    log.debug("step #1 %s", api_token)  # gitmon: ignore[{RULE}] demo\n',
                       (True, "demo")),
    "nosemgrep_ids": (f"    # nosemgrep: other, {RULE} -- fixture value\n"
                      '    log.debug("retrying with %s", api_token)\n', (True, "fixture value")),
}


def test_python_markers_count_only_in_comments_with_a_rule_and_a_reason(repo: GitRepo) -> None:
    for name, (body, _) in PYTHON_CASES.items():
        repo.write(f"src/retry/{name}.py", HEAD + body)
    found = by_path(check(repo), RULE)
    assert {name: outcome(found[f"src/retry/{name}.py"]) for name in PYTHON_CASES} == {
        name: expected for name, (_, expected) in PYTHON_CASES.items()}


JS = """function call(apiToken) {
  console.log("retrying with token", apiToken); // gitmon: ignore[security-secret-logged-js] fake token
  console.log("// gitmon: ignore[security-secret-logged-js] demo", apiToken);
  const note = `
gitmon: ignore[security-secret-logged-js] inside a template literal`;
  console.log("retrying", apiToken);
}
"""
GO = """package client

import "log"

func call(apiToken string) {
	/* gitmon: ignore[security-secret-logged-go] fake token in a demo */
	log.Printf("retrying with token %s", apiToken)
	note := `// gitmon: ignore[security-secret-logged-go] raw string`
	log.Printf("retrying with token %s", apiToken)
	_ = note
}
"""
K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        # gitmon: ignore[deployment-k8s-missing-resource-limits] sized by the mesh
        - name: agent
          image: registry.example.com/agent:1.0.0
        - name: "shipper # gitmon: ignore[deployment-k8s-missing-resource-limits] in a string"
          image: registry.example.com/shipper:1.0.0
"""


def test_markers_use_each_languages_comment_tokens(repo: GitRepo) -> None:
    repo.write("src/retry/client.js", JS)
    repo.write("src/retry/client.go", GO)
    repo.write("k8s/deploy.yaml", K8S)
    record = check(repo)
    js = [(f["line"], outcome(f)) for f in record["findings"]
          if f["rule"] == "security-secret-logged-js"]
    assert js == [(2, (True, "fake token")), (3, (False, IN_STRING)), (6, (False, IN_STRING))]
    go = [(f["line"], outcome(f)) for f in record["findings"]
          if f["rule"] == "security-secret-logged-go"]
    assert go == [(7, (True, "fake token in a demo")), (9, (False, IN_STRING))]
    k8s = [(f["line"], outcome(f)) for f in record["findings"]
           if f["rule"] == "deployment-k8s-missing-resource-limits"]
    assert k8s == [(10, (True, "sized by the mesh")), (12, (False, IN_STRING))]


NOTE = "suppression marker not applied: no reason given"


def test_every_report_says_why_a_marker_was_not_applied(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("src/retry/client.py", HEAD + f"    # gitmon: ignore[{RULE}]\n"
               '    log.debug("retrying with %s", api_token)\n')
    outputs = {"json": tmp_path / "r.json", "sarif": tmp_path / "r.sarif",
               "markdown": tmp_path / "r.md"}
    args = [f"--{kind}-output={path}" for kind, path in outputs.items()]
    text = repo.gitmon("check", *args)
    github = repo.gitmon("check", "--format", "github")
    assert text.code == github.code == 1
    assert f"({NOTE})" in text.out
    assert f"({NOTE})" in github.out and github.out.count("::error") == 1
    assert f"({NOTE})" in outputs["markdown"].read_text()
    record = json.loads(outputs["json"].read_text())
    (finding,) = by_path(record, RULE).values()
    assert finding["suppression_problem"] == NO_REASON
    assert NOTE in summary(record, [], {})
    assert f"({NOTE})" in render_compact(record, colour=False)     # what the git hook prints
    sarif = json.loads(outputs["sarif"].read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == RULE]
    assert result["suppressions"] == [{"kind": "inSource", "status": "rejected",
                                       "justification": NOTE}]


def markers(path: str, text: str, line: int, rule: str = "r1") -> tuple[bool, str] | None:
    found = FileMarkers(path, text).find(line, rule)
    return None if found is None else (found.applies, found.text)


def test_comment_tokens_of_other_file_types() -> None:
    helm = 'spec:\n  {{/* gitmon: ignore[r1] chart default */}}\n  replicas: 1\n'
    assert markers("charts/app/templates/deploy.yaml", helm, 3) == (True, "chart default")
    helm_trim = '{{- /* gitmon: ignore[r1] trimmed form */ -}}\nx: 1\n'
    assert markers("charts/app/templates/cm.tpl", helm_trim, 2) == (True, "trimmed form")
    html = '<!-- gitmon: ignore[r1] legacy page -->\n<a title="x">\n'
    assert markers("web/index.html", html, 2) == (True, "legacy page")
    rust = "fn f<'a>(s: &'a str) { // gitmon: ignore[r1] lifetime then comment\n}\n"
    assert markers("src/lib.rs", rust, 1) == (True, "lifetime then comment")
    yaml_text = "note: it's fine  # gitmon: ignore[r1] plain scalar with a quote\n"
    assert markers("conf/app.yaml", yaml_text, 1) == (True, "plain scalar with a quote")
    yaml_hash = "url: http://x/#frag gitmon: ignore[r1] not a comment\n"
    assert markers("conf/app.yaml", yaml_hash, 1) == (False, IN_STRING)
    block = "/* gitmon: ignore[r1] a block\n   comment over lines */\ncall();\n"
    assert markers("src/a.ts", block, 2) == (True, "a block")
    assert markers("data.json", '{"k": "gitmon: ignore[r1] no comments in JSON"}\n', 1) == (
        False, IN_STRING)
    assert markers("src/a.py", "x = 1  # gitmon: ignore[r2] another rule\n", 1) is None
