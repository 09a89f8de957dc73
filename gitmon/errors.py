"""The one error type a command raises, and the exit codes it maps to."""

from __future__ import annotations

EXIT_PASS = 0
EXIT_BLOCK = 1
EXIT_USAGE = 2
EXIT_FAILURE = 3


class FatalError(Exception):
    """An error that ends the command with a message saying what to do next."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class UsageError(FatalError):
    """Bad arguments, an unknown revision, or a bad policy file: exit 2."""

    exit_code = EXIT_USAGE


class PolicyError(UsageError):
    """The policy file is invalid. The message names the file, the line and the key."""


class GitError(FatalError):
    """git failed or the repository is not usable: exit 3."""
