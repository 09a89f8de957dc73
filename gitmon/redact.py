"""Secrets are never echoed: every field of a record that carries code goes through here.

Three detectors, from the surest to the broadest: vendor key formats wherever they are;
a value bound to a secret-sounding name (assignment, annotated assignment, keyword, map
entry, env line, a Kubernetes `value:` under a `name:` like DB_PASSWORD), in any quoting;
and any string literal that looks like a secret (letters and digits, no spaces). A rule
about credentials gets every string literal of its snippet masked.
"""

from __future__ import annotations

import functools
import re

MASK = "«redacted»"

# a whole name holding a secret word; matched atomically (a look-ahead, then the same text
# again) so that a long run of name characters costs linear time, not cubic
_NAME = (r"(?<![\w.-])(?=[\w.-]*?(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|"
         r"apikey|access[_-]?key|private[_-]?key|credential|auth(?:orization)?|bearer|"
         r"session[_-]?id|cookie|signing[_-]?key|conn(?:ection)?[_-]?str(?:ing)?))"
         r"(?=(?P<name>[\w.-]+))(?P=name)")
_QUOTED = r"""(?P<q>"{3}|'{3}|["'`])(?P<value>(?:\\.|(?!(?P=q))[^\s\\]){4,})(?P=q)"""
_NAMED = re.compile(
    rf"""(?ix)(?P<head>{_NAME}["'`]?            # the name, maybe a quoted map key
        (?:\s*:\s*[\w.\[\], |]+?(?=\s*=)|\s+[\w.\[\]*]+(?=\s*=))?   # a type: `: str`, Go's ` string`
        \s*(?::=|=>|[:=,]|\bis\b)\s*              # bound by := => : = , or "is"
        (?:\(\s*|\\\s*\n\s*)?                     # over several lines: ( or a backslash
        (?:[bru]|br|rb|f)?)                       # bytes, raw and f-string prefixes
    {_QUOTED}""")
_LINE = re.compile(    # NAME=value / NAME: value lines of env, YAML, properties files
    rf"""(?imx)^(?P<head>[ \t]*(?:export[ \t]+|-[ \t]+)?{_NAME}[ \t]*[:=][ \t]*)
    (?P<value>[^\s"'`#(){{}}\[\]]{{4,}})(?=[ \t]*(?:\#.*)?\r?$)""")
_INLINE = re.compile(rf"(?i)(?P<head>(?<![\w.-]){_NAME}=)(?P<value>[^\s\"'`&;,)(]{{4,}})")
_SPOKEN = re.compile(   # in prose or a log line: "password is hunter2x", "token: ab12cd34ef"
    rf"(?i)(?P<head>(?<![\w.-]){_NAME}(?:[ \t]+is|[ \t]*[=:])?[ \t]+)(?P<value>[^\s\"'`,;()]+)")
_K8S = [   # an env entry: `- name: DB_PASSWORD` then `value: ...` (or the other way round)
    re.compile(rf"""(?im)(?P<head>\bname:[ \t]*["']?{_NAME}["']?[ \t]*\r?\n[ \t]*-?[ \t]*
               value:[ \t]*)(?P<value>[^\s#][^\n]*)""".replace("\n               ", "")),
    re.compile(rf"""(?im)(?P<head>\bvalue:[ \t]*)(?P<value>[^\s#][^\n]*?)(?=[ \t]*\r?\n[ \t]*
               name:[ \t]*["']?{_NAME}["']?[ \t]*$)""".replace("\n               ", "")),
]
_SHAPES = [re.compile(p) for p in (
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",                          # AWS access key id
    r"(?i)aws.{0,20}?['\"=:\s][A-Za-z0-9/+]{40}\b",            # AWS secret key near its name
    r"\bgh[pousr]_[A-Za-z0-9]{20,}", r"\bgithub_pat_[A-Za-z0-9_]{20,}",
    r"\bglpat-[A-Za-z0-9_-]{20,}", r"\bgl(?:dt|ptt|rt|cbt|soat)-[A-Za-z0-9_-]{20,}",  # GitLab
    r"\bxox[abposr]-[A-Za-z0-9-]{10,}", r"hooks\.slack\.com/services/[A-Za-z0-9/]+",
    r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}",          # Stripe
    r"\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",  # OpenAI, Anthropic
    r"\bAIza[0-9A-Za-z_-]{35}", r"\bya29\.[0-9A-Za-z_-]{20,}",  # Google
    r"\bnpm_[A-Za-z0-9]{36}\b", r"\bpypi-[A-Za-z0-9_-]{40,}",  # npm, PyPI
    r"\bSK[0-9a-fA-F]{32}\b", r"\bAC[0-9a-f]{32}\b",            # Twilio
    r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}",            # SendGrid
    r"\bHRKU-[A-Za-z0-9_-]{20,}",                              # Heroku
    r"(?i)heroku.{0,20}?\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
    r"\bdo[por]_v1_[a-f0-9]{64}\b",                            # DigitalOcean
    r"\bhf_[A-Za-z0-9]{30,}", r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}",  # Hugging Face, Shopify
    r"(?i)AccountKey=[A-Za-z0-9+/=]{20,}", r"(?i)SharedAccessKey=[A-Za-z0-9+/=]{20,}",
    r"(?i)\bsig=[A-Za-z0-9%+/=]{20,}",                          # Azure keys and SAS
    r"\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}",          # Azure AD client secret
    r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # JWT
    r"(?i)(?<=bearer )[A-Za-z0-9._~+/-]{8,}=*", r"(?i)(?<=basic )[A-Za-z0-9+/]{12,}=*",
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
    r"(?i)(?<=://)[^/\s:@]+:[^/\s@]+(?=@)",                    # user:pass@host
)]
_LITERAL = re.compile(r"""(?P<q>"{3}|'{3}|["'`])(?P<value>(?:\\.|(?!(?P=q))[^\n\\])*?)(?P=q)""")
_WORDS = re.compile(r"[^\s`\"',;()\[\]]+")
_CREDENTIAL_RULE = re.compile(r"(?i)secret|credential|\bcreds?\b|passw|passphrase|token|api[-_]?key|"
                              r"private[-_]?key")


def looks_secret(value: str) -> bool:
    """A literal that could be a password or key: 8+ characters, no spaces, letters and
    digits both, not a path, URL, template or format string."""
    if len(value) < 8 or any(c.isspace() for c in value) or MASK in value:
        return False
    if re.search(r"[/%{}$<>()]|::", value) and "@" not in value:
        return False
    return any(c.isalpha() for c in value) and any(c.isdigit() for c in value)


@functools.lru_cache(maxsize=4096)   # rule messages repeat across findings
def redact(text: str) -> str:
    """Mask secret-looking values, keeping the name they were bound to."""
    if not text:
        return text
    for shape in _SHAPES:
        text = shape.sub(MASK, text)
    text = _NAMED.sub(lambda m: f"{m['head']}{m['q']}{MASK}{m['q']}", text)
    for pattern in (_LINE, _INLINE, *_K8S):
        text = pattern.sub(lambda m: m["head"] + MASK, text)
    text = _SPOKEN.sub(lambda m: m["head"] + MASK if looks_secret(m["value"]) else m.group(), text)
    return _LITERAL.sub(lambda m: _mask_if(m, looks_secret(m["value"])), text)


def redact_code(code: str, rule: str) -> str:
    """redact(), and for a credential rule every string literal of the code. A literal left
    open on the last line (a snippet cut at its size limit) is masked to its end."""
    code = redact(code)
    if code and is_credential_rule(rule):
        code = _LITERAL.sub(lambda m: _mask_if(m, bool(m["value"])), code)
    last = code[code.rfind("\n") + 1:]
    for quote in "\"'`":
        if last.count(quote) % 2 and not code.endswith(MASK):
            code = code[:code.rfind(quote) + 1] + MASK
    return code


def redact_message(message: str, rule: str, code: str = "") -> str:
    """redact() a message, which semgrep fills ($METAVARS) with the matched code: what the
    code's redaction masks, and the code's one-word literals of 6+ characters, are masked
    wherever the message repeats them; for a credential rule every secret-looking word too."""
    message = redact(message)
    values = {m["value"] for m in _LITERAL.finditer(code)}
    values = {v for v in values if len(v) >= 6 and not any(c.isspace() for c in v)}
    for value in sorted(values | set(masked_values(code, rule)), key=len, reverse=True):
        if MASK not in value:
            message = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", MASK, message)
    if is_credential_rule(rule):
        message = _WORDS.sub(lambda m: MASK if looks_secret(m.group()) else m.group(), message)
    return message


def masked_values(code: str, rule: str) -> list[str]:
    """The pieces of code that redact_code masks (4+ characters)."""
    parts = redact_code(code, rule).split(MASK)
    if len(parts) == 1 or len(parts) > 50:
        return []
    # each mask stands for one piece between the same neighbours in the original
    pattern = "(.+?)".join(re.escape(p) for p in parts)
    m = re.fullmatch(pattern, code, re.DOTALL)
    # `user:password` is masked whole; the message may hold either part
    pieces = [p for v in (m.groups() if m else ()) for p in (v, *re.split(r"[:=]", v)[1:])]
    return [p for p in pieces if len(p.strip()) >= 4]


def is_credential_rule(rule: str) -> bool:
    return bool(_CREDENTIAL_RULE.search(rule))


def _mask_if(m: re.Match[str], secret: bool) -> str:
    return f"{m['q']}{MASK}{m['q']}" if secret and m["value"] != MASK else m.group()
