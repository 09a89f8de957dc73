"""Benchmark: generated credential reports through every renderer; prints leaked / total.

Each report is a file of one language (Python, TypeScript, Go, Java, Rust, Kubernetes
YAML, env files) holding one to three credential shapes with random values: assignments,
`passphrase`, annotated assignments, bytes literals, positional arguments, literals in log
calls, multi-line assignments, map entries, URLs with a password, a Kubernetes `value:`
under a secret `name:`, vendor key formats. It goes the way a real finding goes: semgrep's
JSON (a credential rule on the line, a retry-loop rule around it, messages that
interpolate the value) through the engine's collector, whose matches the cache keeps, a
Finding, the record, and every renderer (text, hook text, json, markdown, job summary,
sarif, github). No semgrep runs here; tests/test_secrets.py sends the same shapes through
real reviews.

    python bench/bench_secrets.py [--reports 1000] [--seed 8] [--out bench/results/secrets.json]
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def _chars(r: random.Random, alphabet: str, n: int) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


VENDORS: list[Callable[[random.Random], str]] = [
    lambda r: "sk-proj-" + _chars(r, ALNUM, 48),                          # OpenAI
    lambda r: "sk-ant-api03-" + _chars(r, ALNUM + "_-", 80),              # Anthropic
    lambda r: "glpat-" + _chars(r, ALNUM + "_-", 20),                     # GitLab
    lambda r: "npm_" + _chars(r, ALNUM, 36),                              # npm
    lambda r: "SK" + _chars(r, HEX, 32),                                  # Twilio
    lambda r: "SG." + _chars(r, ALNUM + "_-", 22) + "." + _chars(r, ALNUM + "_-", 43),
    lambda r: "HRKU-" + _chars(r, ALNUM + "_-", 60),                      # Heroku
    lambda r: "dop_v1_" + _chars(r, HEX, 64),                             # DigitalOcean
    lambda r: "pypi-AgEIcHlwaS5vcmc" + _chars(r, ALNUM + "_-", 60),       # PyPI
    lambda r: "ghp_" + _chars(r, ALNUM, 36),                              # GitHub
    lambda r: "AKIA" + _chars(r, string.ascii_uppercase + string.digits, 16),  # AWS
    lambda r: "xoxb-" + _chars(r, string.digits, 12) + "-" + _chars(r, ALNUM, 24),  # Slack
    lambda r: "AIza" + _chars(r, ALNUM + "_-", 35),                       # Google
    lambda r: _chars(r, ALNUM, 3) + "8Q~" + _chars(r, ALNUM + "_~.-", 34),  # Azure AD
]


def password(r: random.Random) -> str:
    """A password a person would pick: letters, digits, a symbol or two; 8 to 30 long."""
    return (_chars(r, string.ascii_letters, r.randint(4, 10)) + _chars(r, string.digits,
            r.randint(2, 4)) + _chars(r, ALNUM + "_-.!", r.randint(2, 16)))


def secret(r: random.Random) -> str:
    return r.choice(VENDORS)(r) if r.random() < 0.4 else password(r)


# one statement per shape, {v} the value; as it sits in the body of a retry loop
SHAPES: dict[str, list[str]] = {
    "python": ['api_token = "{v}"', 'passphrase = "{v}"', 'password: str = "{v}"',
               'secret_key = b"{v}"', 'client.connect("admin", "{v}")',
               'log.info("connecting with %s", "{v}")', 'db_password = (\n    "{v}"\n)',
               'client = Client(api_key="{v}")', 'headers = {{"Authorization": "Bearer {v}"}}',
               'dsn = "postgres://admin:{v}@db:5432/app"'],
    "typescript": ['const apiKey = "{v}";', "let password: string = '{v}';",
                   'client.connect("admin", "{v}");', 'console.log("token", "{v}");',
                   "const cfg = {{ secret: `{v}` }};", 'const auth = {{ "password":\n  "{v}" }};'],
    "go": ['apiToken := "{v}"', 'var password string = "{v}"', 'db.Connect("admin", "{v}")',
           'log.Printf("token %s", "{v}")', 'cfg := Config{{\n\tClientSecret: "{v}",\n}}'],
    "java": ['String password = "{v}";', 'conn.login("admin", "{v}");',
             'log.info("key {{}}", "{v}");', 'char[] secret = "{v}".toCharArray();'],
    "rust": ['let password = "{v}";', 'let token: &str = "{v}";', 'connect("admin", "{v}");',
             'let key = b"{v}";', 'println!("secret {{}}", "{v}");'],
    "yaml": ["- name: DB_PASSWORD\n  value: {v}", '- name: API_TOKEN\n  value: "{v}"',
             "- value: '{v}'\n  name: SECRET_KEY"],
    "env": ["DB_PASSWORD={v}", 'export API_TOKEN="{v}"', "SECRET_KEY='{v}'"],
}

# a file that a default-policy area watches; {body} is the loop body (indent, then code)
FILES: dict[str, tuple[str, int, str]] = {
    "python": ("src/retry/client_{n}.py", 12, "import time\n\n\ndef fetch_forever(client, log):\n"
               "    while True:\n        try:\n{body}\n            return client.get()\n"
               "        except ConnectionError:\n            time.sleep(1)\n"),
    "typescript": ("src/retry/client_{n}.ts", 6,
                   "export async function connect(db: any, client: any): Promise<any> {\n"
                   "  for (;;) {\n    try {\n{body}\n      return await db.connect();\n"
                   "    } catch (e) {\n      await new Promise((r) => setTimeout(r, 1000));\n"
                   "    }\n  }\n}\n"),
    "go": ("src/retry/client_{n}.go", 2, "package client\n\nimport (\n\t\"log\"\n\t\"time\"\n)\n\n"
           "func fetchForever(c *Client, db *DB) *Resp {\n\tfor {\n{body}\n"
           "\t\tresp, err := c.Get(\"/x\")\n\t\tif err == nil {\n\t\t\treturn resp\n\t\t}\n"
           "\t\ttime.Sleep(time.Second)\n\t}\n}\n"),
    "java": ("src/retry/Client{n}.java", 16,
             "class Client{n} {\n    Stock fetchForever(String sku) throws InterruptedException {\n"
             "        while (true) {\n            try {\n{body}\n"
             "                return http.get(\"/stock/\" + sku);\n"
             "            } catch (IOException e) {\n                Thread.sleep(1000);\n"
             "            }\n        }\n    }\n}\n"),
    "rust": ("src/retry/client_{n}.rs", 8, "fn connect_forever(addr: &str) -> Conn {\n    loop {\n"
             "{body}\n        match Conn::open(addr) {\n            Ok(c) => return c,\n"
             "            Err(_) => thread::sleep(Duration::from_secs(1)),\n        }\n    }\n}\n"),
    "yaml": ("k8s/app_{n}.yaml", 12, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
             "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
             "          image: registry.example.com/app:1.0.0\n          env:\n{body}\n"),
    "env": ("src/retry/settings_{n}.env", 0, "# settings\n{body}\n"),
}
CREDENTIAL_RULES = {"python": "security-hardcoded-credential-python",
                    "typescript": "security-hardcoded-credential-js",
                    "go": "security-hardcoded-credential-go",
                    "java": "security-hardcoded-credential-java",
                    "rust": "security-hardcoded-credential-rust"}
LOOP_RULES = {"python": "reliability-unbounded-retry-loop-python",
              "typescript": "reliability-unbounded-retry-loop-js",
              "go": "reliability-unbounded-retry-loop-go",
              "java": "reliability-unbounded-retry-loop-java",
              "rust": "reliability-unbounded-retry-loop-rust",
              "yaml": "deployment-k8s-missing-resource-limits"}


@dataclass(frozen=True)
class Sample:
    language: str
    path: str
    text: str
    secrets: tuple[str, ...]
    lines: tuple[int, int]          # first and last line of the body


def sample(r: random.Random, n: int, language: str | None = None) -> Sample:
    """A file with 1-3 credential shapes of one language, each with its own value."""
    language = language or r.choice(sorted(SHAPES))
    path, indent, template = FILES[language]
    shapes = [r.choice(SHAPES[language]) for _ in range(r.randint(1, 3))]
    values = tuple(secret(r) for _ in shapes)
    pad = "\t\t" if language == "go" else " " * indent
    code = "\n".join(shape.format(v=v) for shape, v in zip(shapes, values, strict=True))
    body = "\n".join(pad + line for line in code.split("\n"))
    head = template.split("{body}")[0].count("\n")
    text = template.replace("{body}", body).replace("{n}", str(n))
    return Sample(language, path.replace("{n}", str(n)), text, values,
                  (head + 1, head + body.count("\n") + 1))


def semgrep_json(s: Sample) -> dict[str, Any]:
    """What semgrep would print: the credential rule on the body, the loop rule around it,
    messages interpolating the value as semgrep does with $VALUE."""
    first, last = s.lines
    results = []
    if s.language in CREDENTIAL_RULES:
        results.append(_result(CREDENTIAL_RULES[s.language], s.path, first, last,
                               f"hard-coded credential {s.secrets[0]} in $NAME"))
    if s.language in LOOP_RULES:
        results.append(_result(LOOP_RULES[s.language], s.path, max(first - 2, 1),
                               last + 3, f"retries forever; the loop holds {s.secrets[-1]}"))
    return {"results": results, "errors": []}


def _result(rule: str, path: str, line: int, end: int, message: str) -> dict[str, Any]:
    return {"check_id": rule, "path": path, "start": {"line": line, "col": 1},
            "end": {"line": end, "col": 2}, "extra": {"message": message, "severity": "ERROR"}}


def outputs(s: Sample) -> dict[str, str]:
    """Every text gitmon would write for this sample: cache, record and each format."""
    from gitmon.engines.output import collect as _collect
    from gitmon.findings import Finding, apply_suppressions, fingerprint, matched_code, redact_matches
    from gitmon.reports import markdown, renderer
    from gitmon.reports.text import render_compact
    from gitmon.severity import Severity

    run = _collect(semgrep_json(s), {s.path: s.path}, set(CREDENTIAL_RULES.values())
                   | set(LOOP_RULES.values()))
    data = s.text.encode()
    found = redact_matches(run.matches.get(s.path, []), data)   # as the review caches them
    findings = []
    for m in found:
        code = matched_code(data, m.line, m.end_line)
        findings.append(Finding(
            reviewer="security", rule=m.rule, severity=Severity.parse(m.severity), path=s.path,
            line=m.line, end_line=m.end_line, message=m.message, area="retry",
            fingerprint=fingerprint(m.rule, s.path, code), snippet=code))
    record = _record(s.path, [f.to_json() for f in apply_suppressions(findings, {s.path: data})])
    texts = {"cache": json.dumps([m.to_json() for m in found]),
             "hook": render_compact(record, colour=False),
             "summary": markdown.summary(record, record["findings"], {})}
    texts.update({name: renderer(name)(record) for name in ("text", "json", "markdown",
                                                            "sarif", "github")})
    return texts


def _record(path: str, findings: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema": "gitmon.record/1", "id": "bench", "source": "check", "started_at": "",
            "finished_at": "", "tool": {"name": "gitmon", "version": "bench"},
            "change": {"kind": "worktree", "base": None, "head": None, "commits": [],
                       "files": [{"path": path, "status": "A", "areas": ["retry"]}]},
            "areas": {"retry": {"files": [path], "reviewers": ["security"]}},
            "reviewers": {"security": {"status": "failed", "files": [path],
                                       "findings": len(findings), "reason": "findings",
                                       "title": "Security Manager"}},
            "findings": findings, "unrouted": 0, "policy": "built-in", "filter_dropped": 0,
            "engine": {}, "degraded": None, "verdict": "block"}


def leaks(s: Sample, texts: dict[str, str]) -> list[str]:
    """The outputs that hold one of the sample's secrets."""
    return sorted({name for name, text in texts.items() for v in s.secrets if v in text})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("bench/results/secrets.json"))
    args = parser.parse_args()
    r = random.Random(args.seed)
    leaked: list[dict[str, Any]] = []
    for n in range(args.reports):
        s = sample(r, n)
        where = leaks(s, outputs(s))
        if where:
            leaked.append({"language": s.language, "text": s.text, "in": where})
    result = {"reports": args.reports, "leaked": len(leaked), "seed": args.seed,
              "outputs": ["cache", "record/json", "text", "hook", "markdown", "summary",
                          "sarif", "github"], "examples": leaked[:5]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"leaked / total: {len(leaked)} / {args.reports}")
    for example in leaked[:5]:
        print(f"  {example['language']} in {', '.join(example['in'])}:\n{example['text']}")
    return 1 if leaked else 0


if __name__ == "__main__":
    sys.exit(main())
