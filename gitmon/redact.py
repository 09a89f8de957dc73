"""Secrets are never echoed: every report and record passes text through redact()."""

from __future__ import annotations

import functools
import re

MASK = "«redacted»"

_NAMED = re.compile(
    r"""(?ix)
    (?P<name>[\w.-]*(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|
        private[_-]?key|credential|auth(?:orization)?|bearer|session[_-]?id|cookie)[\w.-]*
        ["']?\s*(?:[:=]|=>|,)\s*)
    (?P<quote>["'`])(?P<value>[^"'`\s]{4,})(?P=quote)
    """)
_SHAPES = [
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),                        # AWS access key id
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),                       # GitHub tokens
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),                    # Slack
    re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b"),      # Stripe
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),                            # Google API key
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWT
    re.compile(r"(?i)(?<=bearer )[A-Za-z0-9._~+/-]{12,}=*"),
    re.compile(r"(?i)(?<=basic )[A-Za-z0-9+/]{12,}=*"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"),
    re.compile(r"(?i)(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"),                  # user:pass@host
]


@functools.lru_cache(maxsize=4096)   # rule messages repeat across findings
def redact(text: str) -> str:
    """Mask secret-looking values, keeping the name they were bound to."""
    if not text:
        return text
    text = _NAMED.sub(lambda m: f"{m.group('name')}{m.group('quote')}{MASK}{m.group('quote')}",
                      text)
    for shape in _SHAPES:
        text = shape.sub(MASK, text)
    return text
