"""missing-test-change wants a test only for a behaviour change: the corpus's false
positives (tenacity's and backoff's typing and docstring commits, cenkalti/backoff's and
resilience4j's comment-only commits, gobreaker's example program) stay silent, and a
one-token behaviour change next to them is still reported."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import GitRepo

from gitmon.engines.builtin.behaviour import same_behaviour

# tenacity/wait.py before "better wait.WaitBaseT annotation" and the docstring fixes
PY_OLD = '''import abc
import typing

from tenacity import _utils

if typing.TYPE_CHECKING:
    from tenacity import RetryCallState

__version__ = "8.2.0"


class wait_base(abc.ABC):
    """Abstract base class for wait strategies."""

    @abc.abstractmethod
    def __call__(self, retry_state: "RetryCallState") -> float:
        pass


class wait_fixed(wait_base):
    """Wait a fixed time between each retry."""

    def __init__(self, wait):
        self.wait_fixed = _utils.to_seconds(wait)

    def __call__(self, retry_state):
        return self.wait_fixed
'''
PY_TYPED = '''import abc
import typing
from typing import TypeVar

from tenacity import _utils

if typing.TYPE_CHECKING:
    from tenacity import RetryCallState
    from tenacity.wait import WaitBaseT

__version__ = "8.2.1"
T = TypeVar("T")


class wait_base(abc.ABC):
    """Abstract base class for wait strategies (the docstring was reworded)."""

    @abc.abstractmethod
    def __call__(self, retry_state: "RetryCallState") -> float:
        pass


class wait_fixed(wait_base):
    """Wait a fixed time between each retry.

    :param wait: seconds, or a timedelta
    """

    def __init__(self, wait: "_utils.time_unit_type") -> None:  # a comment
        self.wait_fixed: float = typing.cast(float, _utils.to_seconds(wait))

    def __call__(self, retry_state: "RetryCallState") -> float:
        return self.wait_fixed
'''
GO_OLD = """package backoff

// Retry the operation o until it does not return error or BackOff stops.
func Retry(o Operation, b BackOff) error {
\treturn RetryNotify(o, b, nil)
}
"""
GO_COMMENTED = """package backoff

// Retry the operation o until it does not return error or BackOff stops.
// o is guaranteed to be run at least once.
/* Retry sleeps the goroutine for the duration returned by BackOff after a
   failed operation returns. */
func Retry(o Operation, b BackOff) error {
	return RetryNotify(o, b, nil)   // "no notify"
}
"""
JAVA_OLD = "class Bulkhead {\n  int max() { return 10; }\n}\n"
JAVA_DOC = "class Bulkhead {\n  /** The most calls at once. */\n  int max() {\n    return 10;\n  }\n}\n"


def missing_tests(repo: GitRepo) -> list[dict[str, Any]]:
    result = repo.gitmon("check", "--commit", "HEAD", "--no-record", "--format", "json")
    assert result.code in (0, 1), result.err
    return [f for f in json.loads(result.out)["findings"] if f["rule"] == "missing-test-change"]


@pytest.mark.parametrize(("path", "old", "new", "changed"), [
    ("svc/retry/wait.py", PY_OLD, PY_TYPED, PY_TYPED.replace("return self.wait_fixed",
                                                             "return self.wait_fixed * 2")),
    ("svc/retry/retry.go", GO_OLD, GO_COMMENTED, GO_COMMENTED.replace("nil)", "notify)")),
    ("svc/retry/Bulkhead.java", JAVA_OLD, JAVA_DOC, JAVA_DOC.replace("10", "25")),
    # failsafe 70f7a99c "Minor javadoc fixes": a javadoc line removed, nothing added
    ("svc/retry/Event.java", JAVA_DOC.replace("/**", "/**\n   * @param <R> result type\n"), JAVA_DOC,
     JAVA_DOC.replace("  int max() {\n    return 10;\n  }\n", "")),
])
def test_a_change_with_no_behaviour_needs_no_test_but_one_token_of_code_does(
        repo: GitRepo, path: str, old: str, new: str, changed: str) -> None:
    repo.write(path, old)
    repo.commit("code")
    repo.write(path, new)
    repo.commit("comments, docstrings, annotations, typing imports, __version__")
    assert missing_tests(repo) == []
    repo.write(path, changed)
    repo.commit("behaviour")
    assert [f["path"] for f in missing_tests(repo)] == [path]


def test_example_programs_ship_no_tests(repo: GitRepo) -> None:
    for path in ("svc/retry/example/http_breaker.go", "svc/retry/_example/main.go",
                 "svc/retry/examples/demo.py"):
        repo.write(path, "package main\n\nfunc main() {}\n")
    repo.commit("examples")
    repo.write("svc/retry/example/http_breaker.go", "package main\n\nfunc main() { run() }\n")
    repo.write("svc/retry/_example/main.go", "package main\n\nfunc main() { run() }\n")
    repo.write("svc/retry/examples/demo.py", "print('retry')\n")
    repo.commit("change the examples")
    assert missing_tests(repo) == []


def test_python_the_parser_cannot_read_counts_as_a_behaviour_change() -> None:
    py2 = b"print 'retrying'\n"
    assert not same_behaviour("svc/retry/old.py", py2, py2 + b"# comment\n")
    assert same_behaviour("svc/retry/ok.py", b"x = 1\n", b"x = 1  # one\n")


def test_a_string_that_looks_like_a_comment_is_code() -> None:
    old = b'package retry\n\nconst Sep = "//"\n'
    assert not same_behaviour("svc/retry/sep.go", old, old.replace(b'"//"', b'"// x"'))
    assert same_behaviour("svc/retry/sep.go", old, old + b"// trailing note\n")


def test_empty_comment_lines_moved_in_a_doc_comment_are_no_behaviour() -> None:
    # avast/retry-go 8dd4aee1 "fix: markdown code block format": `//` lines moved around
    old = b"package retry\n\n// retry.Do(\n//\n//     f,\n//\n// )\nfunc WithTimer() {}\n"
    new = b"package retry\n\n//\tretry.Do(\n//\t    f,\n//\t)\n/**/\nfunc WithTimer() {}\n"
    assert same_behaviour("options.go", old, new)
    assert not same_behaviour("options.go", old, new.replace(b"{}", b"{ run() }"))


def test_java_imports_and_override_marks_are_no_behaviour() -> None:
    # failsafe aada242e "Minor import cleanup", 36c46806 "Add @Override to getConfig"
    old = (b"package a;\n\nimport a.spi.*;\nimport java.util.List;\n\n"
           b"class F {\n  Object get() { return c; }\n}\n")
    new = (b"package a;\n\nimport java.util.List;\n\n"
           b"class F {\n  @Override\n  Object get() { return c; }\n}\n")
    assert same_behaviour("core/src/main/java/a/F.java", old, new)
    assert not same_behaviour("core/src/main/java/a/F.java", old, new.replace(b"c;", b"d;"))


def test_a_rust_doc_example_added_with_the_api_is_a_test(repo: GitRepo) -> None:
    # tower 4d80f7ed "add convenience methods for boxing services": each new method
    # comes with a doc example that `cargo test` compiles and runs
    repo.write("svc/retry/src/builder.rs", "pub struct Builder;\n")
    repo.commit("builder")
    api = "pub struct Builder;\n\nimpl Builder {\n    pub fn boxed(self) -> Self { self }\n}\n"
    repo.write("svc/retry/src/builder.rs", api)
    repo.commit("api without an example")
    assert [f["path"] for f in missing_tests(repo)] == ["svc/retry/src/builder.rs"]
    documented = api.replace("    pub fn", "    /// ```\n    /// Builder.boxed();\n    /// ```\n"
                             "    pub fn").replace("boxed(", "boxed_clone(")
    repo.write("svc/retry/src/builder.rs", documented)
    repo.commit("api with its doc example")
    assert missing_tests(repo) == []


def test_an_import_only_annotations_use_is_no_behaviour() -> None:
    # litl/backoff 36ba667c "Add decorator-specific detail and handler types"
    old = b"from backoff import _sync\n\ndef on(wait, handler=None):\n    return _sync.run(wait)\n"
    new = (b"from backoff import _sync\nfrom backoff._typing import _Handler, _Wait\n\n"
           b"def on(wait: _Wait, handler: _Handler | None = None) -> None:\n"
           b"    return _sync.run(wait)\n")
    assert same_behaviour("backoff/_decorator.py", old, new)
    used = new.replace(b"_sync.run(wait)", b"_sync.run(_Wait(wait))")
    assert not same_behaviour("backoff/_decorator.py", old, used)
    exported = new + b"__all__ = ['_Handler']\n"
    assert not same_behaviour("backoff/_decorator.py", old + b"__all__ = []\n", exported)
