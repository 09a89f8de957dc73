"""Suppression markers: `gitmon: ignore[rule-id] reason` and `nosemgrep: rule-id -- reason`.

A marker counts only in a comment of the finding's line or of a comment line just above,
names the rule (`*` and an empty list name none: the gate wants to know which rule is
waived), and gives a reason of visible words. A marker that is not applied says why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gitmon.comments import comment_spans, comments_of, outside
from gitmon.languages import comment_syntax

MARKER_WORDS = ("gitmon:", "nosemgrep")      # a file without these has no marker to find
_MARKERS = (
    re.compile(r"gitmon:\s*ignore(?![\w-])(?:\[(?P<ids>[^\]]*)\])?(?P<reason>.*)", re.IGNORECASE),
    re.compile(r"nosemgrep(?::[ \t]*(?P<ids>[\w.\-/]+(?:[ \t]*,[ \t]*[\w.\-/]+)*))?"
               r"(?P<reason>.*)", re.IGNORECASE),
)
_DELIMITERS = " \t\r/*#-<>!{}"    # what is left of a comment-only line without its comments
_WORD = re.compile(r"[^\W_]{2,}")       # two letters or digits, in any script

NO_REASON = "no reason given"
NO_RULE = "names no rule"
STAR = "`*` is not a rule id: name the rule"
IN_STRING = "in a string, not a comment"


@dataclass(frozen=True)
class Marker:
    applies: bool
    text: str          # the reason when it applies, else why it does not


class FileMarkers:
    """The markers of one file, lexed once for all of its findings."""

    def __init__(self, path: str, text: str, upto: int | None = None) -> None:
        """upto: the last line any finding needs (what follows cannot change its comments)."""
        self.lines = text.split("\n")[:upto]
        text = "\n".join(self.lines)
        lowered = text.lower()
        self.any = any(word in lowered for word in MARKER_WORDS)
        self.spans = comment_spans(text, comment_syntax(path)) if self.any else {}

    def find(self, line: int, rule: str) -> Marker | None:
        """The marker that decides a finding at `line`, or None if there is none."""
        best: Marker | None = None
        for number in (line, line - 1) if self.any else ():
            if not 1 <= number <= len(self.lines):
                continue
            own = self.spans.get(number, [])
            text = self.lines[number - 1]
            code = outside(text, own)
            # a marker above the line is one on a line of its own, not the tail of other code
            mine = number == line or not code.strip(_DELIMITERS)
            for candidate in (_in(comments_of(text, own), rule) if mine else None,
                              _stray(code, rule)):
                if candidate is not None and (best is None or _rank(candidate) > _rank(best)):
                    best = candidate
        return best


def _rank(m: Marker) -> int:
    return 3 if m.applies else {NO_REASON: 2, STAR: 1, NO_RULE: 1}.get(m.text, 0)


def _in(comment: str, rule: str) -> Marker | None:
    """The best marker for `rule` in a comment's text."""
    best: Marker | None = None
    for ids, reason in _markers(comment):
        named = [i for i in ids if i != "*"]
        if named and not any(_same_rule(rule, i) for i in named):
            continue                     # a marker for other rules says nothing about this one
        words = visible(reason)
        if not named:
            found = Marker(False, STAR if ids else NO_RULE)
        elif not _WORD.search(words):
            found = Marker(False, NO_REASON)
        else:
            found = Marker(True, words)
        if best is None or _rank(found) > _rank(best):
            best = found
    return best


def _stray(code: str, rule: str) -> Marker | None:
    """A marker outside any comment (in a string) that would have named this rule."""
    for ids, _ in _markers(code):
        if not ids or any(_same_rule(rule, i) for i in ids):
            return Marker(False, IN_STRING)
    return None


def _markers(text: str) -> list[tuple[list[str], str]]:
    out = []
    for pattern in _MARKERS:
        for m in pattern.finditer(text):
            ids = [i.strip() for i in (m.group("ids") or "").split(",") if i.strip()]
            out.append((ids, _clean_reason(m.group("reason"))))
    return out


def _same_rule(rule: str, named: str) -> bool:
    return rule == named or rule.endswith("." + named)


def _clean_reason(text: str) -> str:
    # a reason ends where another marker starts (`# nosemgrep: a -- x; gitmon: ...`)
    text = re.split(r"gitmon:|nosemgrep", text, maxsplit=1, flags=re.IGNORECASE)[0]
    return text.strip().strip(" -:;—\t")


def visible(text: str) -> str:
    """The text without invisible characters (zero-width spaces, joiners, bidi controls)."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cn"))
    return " ".join(kept.split())
