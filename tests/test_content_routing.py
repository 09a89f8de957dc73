"""Areas that match by content: signals in the policy, `route` saying which, a real review."""

from __future__ import annotations

import json

import pytest
from conftest import TOKEN_LOG, GitRepo

from gitmon import signals
from gitmon.change import FileChange
from gitmon.policy import default_policy_text, parse_policy
from gitmon.routing import needs_content, route

K8S_JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n"
           "    spec:\n      containers:\n        - name: m\n          image: app:1\n")

ONE_AREA = """version: 1
areas:
  retry:
    paths: ["**/retry/**"]
    content:
      - {name: mylib, regex: '^import mylib_retry\\b', ext: [py]}
    reviewers: [r]
reviewers:
  r: {rules: []}
"""


def test_route_shows_content_matched_files_apart_with_their_signal(repo: GitRepo) -> None:
    repo.write("src/retry/policy.py", "x = 1\n")
    repo.write("src/app/client.py", "import tenacity\n\n\ndef get():\n    return 1\n")
    repo.write("src/app/plain.py", "print('tenacity is a word here')\n")
    repo.write("ops/migrate.yaml", K8S_JOB)
    repo.write("docs/notes.md", "import tenacity\n")
    out = repo.gitmon("route").out
    assert ("retry -> reliability, security, production\n    src/retry/policy.py\n"
            "  by content:\n    src/app/client.py  (signal: tenacity)\n") in out
    assert "deployment -> deployment, security\n  by content:\n" \
           "    ops/migrate.yaml  (signal: k8s-workload)\n" in out
    assert "unrouted: 2 file(s)\n    docs/notes.md\n    src/app/plain.py\n" in out
    plan = json.loads(repo.gitmon("route", "--json").out)
    assert plan["areas"]["retry"]["by_path"] == ["src/retry/policy.py"]
    assert plan["areas"]["retry"]["by_content"] == {"src/app/client.py": "tenacity"}
    assert plan["areas"]["deployment"]["by_content"] == {"ops/migrate.yaml": "k8s-workload"}
    assert "src/app/client.py" in plan["reviewers"]["security"]


@pytest.mark.parametrize(("path", "text", "area", "signal"), [
    ("svc/http.py", "from urllib3.util.retry import Retry\n", "retry", "urllib3-retry"),
    ("svc/api.py", "from slowapi import Limiter\n", "rate-limit", "py-rate-limit"),
    ("svc/cb.py", "import pybreaker\n", "reliability", "py-circuit-breaker"),
    ("pkg/x.go", 'import (\n\t"github.com/cenkalti/backoff/v4"\n)\n', "retry", "cenkalti/backoff"),
    ("pkg/y.go", 'import "golang.org/x/time/rate"\n', "rate-limit", "go-rate-limit"),
    ("pkg/z.go", 'import "github.com/sony/gobreaker"\n', "reliability", "go-circuit-breaker"),
    ("pkg/f.go", 'import "github.com/gofiber/fiber/v2/middleware/limiter"\n', "rate-limit",
     "go-rate-limit"),
    ("pkg/t.go", 'import "github.com/didip/tollbooth/v7"\n', "rate-limit", "go-rate-limit"),
    ("svc/w.py", "from flask_limiter import Limiter\n", "rate-limit", "py-rate-limit"),
    ("svc/s.py", "import stamina\n", "retry", "stamina"),
    ("src/lib.rs", "use tower::retry::RetryLayer;\n", "retry", "tower-retry"),
    ("src/gov.rs", "use governor::{Quota, RateLimiter};\n", "rate-limit", "rust-rate-limit"),
    ("src/A.java", "import io.github.resilience4j.retry.Retry;\n", "retry", "resilience4j-retry"),
    ("src/B.java", "import io.github.resilience4j.circuitbreaker.CircuitBreaker;\n", "reliability",
     "resilience4j"),
    ("web/a.ts", "import pRetry from 'p-retry';\n", "retry", "js-retry"),
    ("web/b.js", "const rateLimit = require(\"express-rate-limit\");\n", "rate-limit",
     "js-rate-limit"),
    ("web/c.mjs", 'import CircuitBreaker from "opossum";\n', "reliability", "js-resilience"),
    ("anywhere/app.yml", "kind: StatefulSet\n", "deployment", "k8s-workload"),
    # hand-written retries and the spoofable client address (real misses: veil-js d8abd0f,
    # stanford-corenlp f2b53ac, ulule/limiter 34153c3, fastify-rate-limit ee4992e)
    ("src/Veil.ts", "class Veil {\n  async retry<T>(func: () => Promise<T>) {\n", "retry",
     "retry-function"),
    ("pkg/client.go", "func (c *Client) retryRequest(ctx context.Context) error {\n", "retry",
     "retry-function"),
    ("lib/corenlp.py", "while sock.connect_ex((host, port)):\n    time.sleep(1)\n", "retry",
     "sleep-loop"),
    ("utils.go", 'ip := r.Header.Get("X-Forwarded-For")\n', "rate-limit", "forwarded-client-ip"),
    ("index.js", "var ip = req.headers['X-Forwarded-For'] || req.ip\n", "rate-limit",
     "forwarded-client-ip"),
    # a tower Service implementation is service code (tower #139: tower-buffer/src/lib.rs)
    ("tower-buffer/src/lib.rs", "impl<T, Request> Service<Request> for Buffer<T, Request>\nwhere\n",
     "services", "rust-service"),
    ("src/svc.rs", "impl<S> tower::Service<http::Request<Body>> for Auth<S> {\n", "services",
     "rust-service"),
])
def test_default_signals_claim_each_language(path: str, text: str, area: str, signal: str) -> None:
    policy = parse_policy(default_policy_text(), "default")
    plan = route(policy, [FileChange(path, "A")], {path: text.encode()})
    assert area in plan.areas_of(path)
    assert plan.signal(path, area) == signal


def test_near_misses_are_not_claimed() -> None:
    policy = parse_policy(default_policy_text(), "default")
    texts = {"a.py": "# we could import tenacity one day\nx = 'from backoff import x'\n",
             "b.go": 'import "github.com/cenkalti/backofffer"\n',
             "c.yaml": "kind: ConfigMap\nmetadata: {name: Deployment}\n",
             "d.ts": "import retry from './retry-helpers';\n",
             "e.rs": "use tower_service::Service;\nfn f<S: Service<Req>>(s: S) {}\n"}
    plan = route(policy, [FileChange(p, "A") for p in texts], {p: t.encode() for p, t in texts.items()})
    assert plan.file_areas == {}


def test_only_code_and_yaml_not_yet_in_every_signalled_area_are_read(repo: GitRepo) -> None:
    policy = parse_policy(ONE_AREA, "gitmon.yml")
    files = [FileChange(p, "M") for p in ("a.py", "retry/b.py", "c.md", "d.json", "e.go")]
    files.append(FileChange("gone.py", "D"))
    assert [f.path for f in needs_content(policy, files)] == ["a.py"]


def test_a_team_adds_and_removes_signals_in_its_policy(repo: GitRepo) -> None:
    repo.write("gitmon.yml", ONE_AREA)
    repo.write("src/x.py", "import mylib_retry\n")
    repo.write("src/y.py", "import tenacity\n")
    plan = json.loads(repo.gitmon("route", "--json").out)
    assert plan["areas"]["retry"]["by_content"] == {"src/x.py": "mylib"}
    assert "src/y.py" in plan["unrouted"]


@pytest.mark.parametrize(("content", "message"), [
    ("[{name: bad, regex: '(unclosed'}]",
     "gitmon.yml:5 ==> at key: areas.a.content[0].regex ==> bad regex `(unclosed` in signal `bad`"),
    ("[{name: md, regex: 'x', ext: [md]}]",
     "gitmon.yml:5 ==> at key: areas.a.content[0].ext ==> `md` is not a code or YAML extension"),
    ("[{regex: 'x'}]", "gitmon.yml:5 ==> at key: areas.a.content[0] ==> missing key `name`"),
    ("[{name: a, regex: 'x', files: [py]}]", "unknown key `files`"),
    ("tenacity", "gitmon.yml:5 ==> at key: areas.a.content ==> expected a list of signals"),
])
def test_bad_signals_are_named_at_policy_load(repo: GitRepo, content: str, message: str) -> None:
    repo.write("gitmon.yml", "version: 1\nareas:\n  a:\n    paths: ['x/**']\n"
                             f"    content: {content}\n    reviewers: [r]\nreviewers:\n  r: {{}}\n")
    result = repo.gitmon("route")
    assert result.code == 2, result.err
    assert message in result.err
    assert "hint:" in result.err and "Traceback" not in result.err


def test_content_routed_file_is_reviewed_at_its_real_path(repo: GitRepo) -> None:
    repo.write("src/app/client.py", TOKEN_LOG)
    repo.git("add", "-A")
    assert repo.gitmon("check", "--staged", "--no-record").code == 0   # no signal: unrouted
    repo.write("src/app/client.py", "import tenacity\n" + TOKEN_LOG)
    repo.git("add", "-A")
    result = repo.gitmon("check", "--staged", "--no-record", "--format", "json")
    assert result.code == 1, result.out + result.err
    data = json.loads(result.out)
    assert data["change"]["files"][0]["areas"] == ["retry"]
    assert {f["rule"] for f in data["findings"] if f["path"] == "src/app/client.py"} >= {
        "security-secret-logged-python"}


def test_signal_json_round_trip_keeps_the_match() -> None:
    signal = signals.Signal("k", r"^kind:\s*Job$", ["yaml"])
    again = signals.from_json([signal.to_json()])[0]
    assert again == signal and again.reads("yaml") and not again.reads("py")
    assert signals.match({"d": (again,)}, "a.yaml", b"x: 1\nkind: Job\n") == {"d": "k"}


def test_audit_routes_each_commit_by_content_too(repo: GitRepo) -> None:
    repo.write("src/app/plain.py", TOKEN_LOG)
    plain = repo.commit("no signal: unrouted")
    repo.write("src/app/client.py", "import tenacity\n" + TOKEN_LOG)
    claimed = repo.commit("imports tenacity")
    repo.write("docs/a.md", "# a\n")
    repo.commit("docs")
    (repo.path / "src" / "app" / "moved").mkdir()
    repo.git("mv", "src/app/client.py", "src/app/moved/client.py")
    moved = repo.commit("pure rename of a content-routed file")
    result = repo.gitmon("audit", "--format", "json", f"{plain}~1..HEAD")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert {b["commit"] for b in summary["blocked"]} == {claimed}
    ledger = [json.loads(line) for line in
              (repo.path / ".gitmon" / "ledger.jsonl").read_text().splitlines()]
    records = {e["head"]: json.loads((repo.path / ".gitmon" / e["record"]).read_text())
               for e in ledger}
    assert records[plain]["change"]["files"][0]["areas"] == []
    assert records[claimed]["change"]["files"][0]["areas"] == ["retry"]
    assert records[moved]["change"]["files"][0]["areas"] == ["retry"]
    assert records[moved]["verdict"] == "pass"


def test_removing_a_signal_in_a_change_weakens_the_gate(repo: GitRepo) -> None:
    repo.write("gitmon.yml", default_policy_text())
    repo.commit("policy")
    line = "      - {name: tenacity, ext: [py], regex: '^\\s*(?:from|import)\\s+tenacity\\b'}\n"
    assert line in default_policy_text()
    repo.write("gitmon.yml", default_policy_text().replace(line, ""))
    repo.commit("stop watching tenacity users")
    result = repo.gitmon("check", "--commit", "HEAD", "--no-record", "--format", "json")
    assert result.code == 1, result.err
    [hit] = [f for f in json.loads(result.out)["findings"] if f["rule"] == "policy-weakened"]
    assert "content signal `tenacity` removed or changed in area `retry`" in hit["message"]
