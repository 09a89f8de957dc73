"""Which resilience settings are unsafe, key by key.

A key is judged only inside its own family's context: a section (or the key name,
or the file's path or area) that says circuit breaker, retry or rate limit. So
`failureThreshold: 0` in a Kubernetes probe or `limit: 0` in a pagination block
is left alone. Key names are compared normalised (lower case, no `_`/`-`), so
`failure_threshold`, `failureThreshold` and `failure-threshold` are one key.

What 0 and null mean differs per retry key; ATTEMPTS below documents each.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gitmon.engines.builtin.confignodes import Setting
from gitmon.severity import Severity

BREAKER, RETRY, RATE = "circuit breaker", "retry", "rate limit"
_CONTEXT = {
    BREAKER: re.compile(r"breaker|circuit|resilience"),
    RETRY: re.compile(r"retry|retries|backoff|resilience"),
    RATE: re.compile(r"ratelimit|throttl|limiter"),
}
_UNLIMITED = {"unlimited", "infinite", "infinity", "inf", "forever", "unbounded", "nolimit"}
LARGE_ATTEMPTS = 1000        # attempts from here on are a retry storm in all but name


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str


Judge = Callable[[Setting, str], "Problem | None"]


def normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def families(names: Iterable[str]) -> set[str]:
    """The families a set of section, file or area names speaks for."""
    found: set[str] = set()
    for name in names:
        flat = normal(name)
        found.update(f for f, pattern in _CONTEXT.items() if pattern.search(flat))
    return found


def number(value: object) -> float | None:
    """A numeric setting, also when written as a string ("5", "100/s", "10 per minute")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if normal(text) in _UNLIMITED:
            return -math.inf if text.startswith("-") else math.inf
        m = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*(?:/.*|per\b.*)?", text)
        if m:
            return float(m.group(1))
    return None


def duration(value: object) -> float | None:
    """The sign-faithful size of a duration: 30, "30s", "1m30s", "500ms", "PT30S", "-5s"."""
    found = number(value)
    if found is not None or not isinstance(value, str):
        return found
    text = value.strip().lower()
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    if re.fullmatch(r"p(?:\d+(?:\.\d+)?[ymwd])*(?:t(?:\d+(?:\.\d+)?[hms])+)?", body) or \
            re.fullmatch(r"(?:\d+(?:\.\d+)?\s*[a-zµ]+\s*)+", body):
        return sign * sum(float(n) for n in re.findall(r"\d+(?:\.\d+)?", body))
    return None


def _at_least_one(s: Setting, key: str) -> Problem | None:
    n = number(s.value)
    if n is None or n >= 1:
        return None
    return Problem(Severity.ERROR, f"circuit breaker `{key}: {s.raw}` is below 1: the breaker then "
                   "trips on the first call, never lets a trial call through, or is rejected at "
                   "startup; set it to 1 or more (5 is a common start)")


def _percent(s: Setting, key: str) -> Problem | None:
    n = number(s.value)
    if n is None or 0 < n <= 100:
        return None
    effect = "opens the breaker on any failure" if n <= 0 else "means the breaker never opens"
    return Problem(Severity.ERROR, f"circuit breaker `{key}: {s.raw}` {effect}: a rate threshold is "
                   "a percentage above 0 and at most 100; use e.g. 50")


def _open_time(s: Setting, key: str) -> Problem | None:
    d = duration(s.value)
    if d is None or d > 0:
        return None
    return Problem(Severity.ERROR, f"circuit breaker `{key}: {s.raw}` is not a positive time: an open "
                   "breaker then probes the failing dependency at once and keeps hammering it; "
                   "set a wait such as 30s")


def _attempts(zero: str, null_unlimited: bool) -> Judge:
    """zero: what 0 means for this key: "none" (no retry), "unlimited", or "ambiguous"."""
    def judge(s: Setting, key: str) -> Problem | None:
        n = number(s.value)
        if (s.value is None and null_unlimited) or (n is not None and (n < 0 or math.isinf(n))) \
                or (n == 0 and zero == "unlimited"):
            return Problem(Severity.ERROR, f"retry `{key}: {s.raw}` means unlimited retries, which "
                           "turns an outage into a retry storm; set a bound (3-5 attempts) with "
                           "backoff and jitter")
        if n == 0 and zero == "ambiguous":
            return Problem(Severity.WARNING, f"retry `{key}: 0` is read as unlimited by some libraries "
                           "(retry-go, Temporal) and rejected by others (resilience4j, Spring Retry); "
                           "write the bound you mean, e.g. 3")
        if n is not None and n >= LARGE_ATTEMPTS:
            return Problem(Severity.WARNING, f"retry `{key}: {s.raw}` is unbounded in all but name; "
                           "keep the budget small (3-5 attempts) and bound the total time")
        return None
    return judge


def _elapsed(s: Setting, key: str) -> Problem | None:
    d = duration(s.value)
    if d is None or d > 0:
        return None
    return Problem(Severity.WARNING, f"retry `{key}: {s.raw}` is no time budget: backoff libraries "
                   "(cenkalti/backoff, backoff-rs) then retry forever; set a total budget such as 2m")


def _rate(s: Setting, key: str) -> Problem | None:
    n = number(s.value)
    if n is None or (n > 0 and not math.isinf(n)):
        return None
    if n == 0:
        return Problem(Severity.ERROR, f"rate limit `{key}: {s.raw}` either rejects every request or, "
                       "in many limiters (Traefik, Envoy), switches limiting off; set the intended "
                       "limit, e.g. 100")
    return Problem(Severity.ERROR, f"rate limit `{key}: {s.raw}` is unlimited, so nothing protects "
                   "the service from a burst or abuse; set a finite limit")


# normalised key -> (family, judge)
KEYS: dict[str, tuple[str, Judge]] = {
    **{k: (BREAKER, _at_least_one) for k in (
        "failurethreshold", "failmax", "maxfailures", "consecutivefailures",
        "minimumnumberofcalls", "requestvolumethreshold", "successthreshold",
        "permittednumberofcallsinhalfopenstate", "halfopenmaxcalls")},
    **{k: (BREAKER, _percent) for k in (
        "failureratethreshold", "slowcallratethreshold", "errorthresholdpercentage")},
    **{k: (BREAKER, _open_time) for k in (
        "recoverytimeout", "resettimeout", "waitdurationinopenstate", "sleepwindow",
        "sleepwindowinmilliseconds", "opentimeout", "breakduration", "durationofbreak",
        "cooldown", "cooldownperiod", "halfopenafter", "openstatetimeout")},
    # ATTEMPTS. 0 means "no retry" for max_retries (urllib3, Celery), retries (Kafka, Envoy),
    # attempts (Istio: retries off), stop_after_attempt (tenacity stops after the first call)
    # and the *retry count/limit keys; it means "unlimited" for maximum_attempts (Temporal's
    # RetryPolicy); it is ambiguous for max_attempts (retry-go: unlimited, resilience4j and
    # Spring Retry: invalid). null means "no limit" for max_retries (Celery retries forever),
    # maximum_attempts (Temporal: unset is unlimited) and stop_after_attempt (no stop).
    # Everywhere, a negative number, .inf or "unlimited" is unlimited.
    "maxattempts": (RETRY, _attempts("ambiguous", False)),
    "maximumattempts": (RETRY, _attempts("unlimited", True)),
    "maxretries": (RETRY, _attempts("none", True)),
    "stopafterattempt": (RETRY, _attempts("none", True)),
    **{k: (RETRY, _attempts("none", False)) for k in (
        "retries", "attempts", "maxretry", "retrycount", "retrylimit", "numretries",
        "maxretrycount")},
    **{k: (RETRY, _elapsed) for k in ("maxelapsedtime", "maxelapsedtimems")},
    **{k: (RATE, _rate) for k in (
        "ratelimit", "limit", "rate", "requestspersecond", "requestsperminute", "requestsperhour",
        "rps", "rpm", "qps", "maxrequests", "burst", "burstsize", "limitforperiod",
        "permitspersecond", "average")},
}


def judge(setting: Setting, context: set[str]) -> Problem | None:
    """The problem with one setting, given the families its file speaks for."""
    key = normal(setting.path[-1])
    here = context | families(setting.path[:-1])
    if key in KEYS:
        family, check = KEYS[key]
        here |= families([key])
    else:
        # `retry_max_attempts`, `circuit_breaker_failure_threshold`: the prefix is the section.
        name = max((k for k in KEYS if key.endswith(k) and families([key[:-len(k)]])), key=len,
                   default=None)
        if name is None:
            return None
        (family, check), here = KEYS[name], here | families([key[:-len(name)]])
    return check(setting, setting.path[-1]) if family in here else None
