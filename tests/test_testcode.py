"""Test code by each language's conventions: not gated by service rules; missing-test-change
knows each layout; renames route by their old path."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo

from gitmon import testcode
from gitmon.policy import default_policy_text

RUST = b"""pub fn delay(n: u32) -> u32 {
    let c = '{';
    n * 2 // a } in a comment
}

#[cfg(test)]
mod tests {
    use super::*;
    const S: &str = "}}";
    #[test]
    fn doubles() {
        assert_eq!(delay(2), 4);
    }
}

pub fn after() {}
"""


@pytest.mark.parametrize("path", [
    "tests/test_retry.py", "pkg/retry/test_backoff.py", "pkg/retry_test.py", "a/b_tests.py",
    "conftest.py", "src/conftest.py", "retry/backoff_test.go", "web/retry.spec.ts",
    "web/retry.test.js", "web/__tests__/retry.ts", "src/test/java/a/RetryTest.java",
    "src/test/java/a/Helper.java", "crate/tests/retry.rs", "test/integration/limit.go",
    "services/api/RetryServiceTest.java", "app/tests.py"])
def test_each_languages_test_layout_is_test_code(path: str) -> None:
    assert testcode.is_test_path(path)


@pytest.mark.parametrize("path", [
    "src/retry.py", "pkg/retry/backoff.go", "src/main/java/a/Retry.java", "web/retry.ts",
    "src/lib.rs", "latest/x.py", "contest.py", "src/attestation/x.go", "testify.py"])
def test_service_code_is_not_test_code(path: str) -> None:
    assert not testcode.is_test_path(path)


def test_rust_cfg_test_module_is_found_past_braces_in_strings_chars_and_comments() -> None:
    assert testcode.test_ranges("src/lib.rs", RUST) == [(6, 14)]
    assert testcode.is_test_code("src/lib.rs", 12, RUST)
    assert not testcode.is_test_code("src/lib.rs", 3, RUST)
    assert not testcode.is_test_code("src/lib.rs", 16, RUST)
    assert testcode.test_ranges("src/lib.py", RUST) == []


def record_of(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.gitmon("check", *args, "--no-record", "--format", "json")
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def test_findings_in_test_code_are_dropped_and_counted(repo: GitRepo) -> None:
    repo.write("tests/retry/test_client.py", TOKEN_LOG)
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "-A")
    code, data = record_of(repo, "--staged")
    assert code == 1
    paths = {f["path"] for f in data["findings"] if f["rule"] == "security-secret-logged-python"}
    assert paths == {"src/retry/client.py"}
    assert data["tests_dropped"] >= 1


def test_a_reviewer_can_opt_in_to_gate_test_code(repo: GitRepo) -> None:
    policy = default_policy_text().replace("    rules: [security]\n",
                                           "    rules: [security]\n    review_tests: true\n", 1)
    repo.write("gitmon.yml", policy)
    repo.commit("policy gates tests for security")
    repo.write("tests/retry/test_client.py", TOKEN_LOG)
    repo.git("add", "-A")
    code, data = record_of(repo, "--staged")
    assert code == 1
    assert any(f["path"] == "tests/retry/test_client.py" and f["reviewer"] == "security"
               for f in data["findings"])


def test_review_tests_must_be_a_boolean(repo: GitRepo) -> None:
    policy = default_policy_text().replace("    rules: [security]\n",
                                           "    rules: [security]\n    review_tests: yes please\n", 1)
    repo.write("gitmon.yml", policy)
    result = repo.gitmon("route")
    assert result.code == 2
    assert "reviewers.security.review_tests ==> expected a boolean" in result.err


def missing_tests(repo: GitRepo, *args: str) -> list[dict[str, Any]]:
    _, data = record_of(repo, *args)
    return [f for f in data["findings"] if f["rule"] == "missing-test-change"]


SOURCES = {"go": ("package retry\n\nconst Delay = 1\n", "package retry\n"),
           "java": ("package a.retry;\n\nclass Retry { static final int DELAY = 1; }\n",
                    "package a.retry;\n\nclass RetryCheck {}\n"),
           "rs": ("pub const DELAY: u32 = 1;\n", "#[test]\nfn t() {}\n"),
           "ts": ("export const DELAY = 1;\n", "export {};\n"),
           "py": ("DELAY = 1\n", "def test_delay():\n    pass\n")}


@pytest.mark.parametrize(("code", "test"), [
    ("pkg/retry/backoff.go", "pkg/retry/backoff_test.go"),
    ("src/main/java/a/retry/Retry.java", "src/test/java/a/retry/RetryCheck.java"),
    ("crate/src/retry.rs", "crate/tests/retry.rs"),
    ("web/retry/client.ts", "web/retry/client.spec.ts"),
    ("app/retry/client.py", "app/retry/client_tests.py"),
])
def test_each_languages_test_change_satisfies_missing_test_change(
        repo: GitRepo, code: str, test: str) -> None:
    source, test_source = SOURCES[code.rsplit(".", 1)[-1]]
    repo.write(code, source)
    repo.git("add", "-A")
    assert [f["path"] for f in missing_tests(repo, "--staged")] == [code]   # without a test
    repo.write(test, test_source)
    repo.git("add", "-A")
    assert missing_tests(repo, "--staged") == []


def test_a_cfg_test_hunk_in_the_same_rust_file_is_a_test_change(repo: GitRepo) -> None:
    repo.write("crate/src/retry.rs", RUST.decode())
    repo.commit("retry")
    changed = RUST.decode().replace("n * 2", "n * 3").replace("delay(2), 4", "delay(2), 6")
    repo.write("crate/src/retry.rs", changed)
    repo.git("add", "-A")
    assert missing_tests(repo, "--staged") == []
    repo.write("crate/src/retry.rs", RUST.decode().replace("n * 2", "n * 3"))
    repo.git("add", "-A")
    assert [f["path"] for f in missing_tests(repo, "--staged")] == ["crate/src/retry.rs"]


def test_non_code_and_version_bumps_need_no_test(repo: GitRepo) -> None:
    repo.write("svc/retry/version.py", '__version__ = "1.2.3"\n')
    repo.write("svc/retry/consts.go", 'package retry\n\nconst Version = "v1.2.3"\n')
    repo.commit("v1.2.3")
    repo.write("svc/retry/version.py", '__version__ = "1.2.4"\n')
    repo.write("svc/retry/consts.go", 'package retry\n\nconst Version = "v1.2.4"\n')
    repo.write("svc/retry/config.yaml", "retries: 3\n")
    repo.write("svc/retry/README.md", "# retry\n")
    repo.write("svc/retry/package.json", '{"version": "1.2.4"}\n')
    repo.write("svc/retry/Cargo.lock", "# lock\n")
    repo.write("svc/retry/diagram.png", b"\x89PNG\r\n\x1a\n\0\0")
    repo.git("add", "-A")
    assert missing_tests(repo, "--staged") == []
    repo.write("svc/retry/version.py", '__version__ = "1.2.4"\nMAX = 9\n')
    repo.git("add", "-A")
    assert [f["path"] for f in missing_tests(repo, "--staged")] == ["svc/retry/version.py"]


def test_rename_out_of_a_watched_area_is_routed_by_its_old_path(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("retry client")
    (repo.path / "src" / "app").mkdir()
    repo.git("mv", "src/retry/client.py", "src/app/client.py")
    repo.commit("move it")
    plan = json.loads(repo.gitmon("route", "--commit", "HEAD", "--json").out)
    assert plan["areas"]["retry"]["files"] == ["src/app/client.py"]
    assert plan["unrouted"] == []
    out = repo.gitmon("route", "--commit", "HEAD").out
    assert "retry -> reliability, security, production\n" \
           "    src/app/client.py  (renamed from src/retry/client.py)\n" in out


def test_a_pure_rename_raises_no_missing_test_change(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", "DELAY = 1\n")
    repo.commit("retry client")
    repo.git("mv", "src/retry/client.py", "src/retry/http_client.py")
    repo.commit("rename")
    assert missing_tests(repo, "--commit", "HEAD") == []
    repo.write("src/retry/http_client.py", "DELAY = 2\n")
    repo.commit("edit")
    assert [f["path"] for f in missing_tests(repo, "--commit", "HEAD")] == ["src/retry/http_client.py"]


RUST_LOGS = """pub fn call(api_token: &str) {
    debug!("retrying with token {}", api_token);
}

#[cfg(test)]
mod tests {
    fn fake(api_token: &str) {
        debug!("retrying with token {}", api_token);
    }
}
"""


def test_a_rust_cfg_test_module_is_not_gated_but_the_rest_of_the_file_is(repo: GitRepo) -> None:
    repo.write("crate/src/retry.rs", RUST_LOGS)
    repo.git("add", "-A")
    _, data = record_of(repo, "--staged")
    lines = [f["line"] for f in data["findings"] if f["rule"] == "security-secret-logged-rust"]
    assert lines == [2]
    assert data["tests_dropped"] >= 1
