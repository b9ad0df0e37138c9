"""Contact-detail screening of application notes (PRODUCT_RULES §4): people meet through the
platform, so a note may not carry phone numbers, e-mail addresses, URLs, @handles or the names
of off-platform messengers. Each finding names its kind and the text that matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from preset.errors import ValidationFailed

ContactKind = Literal["email_address", "url", "handle", "phone_number", "messenger"]
#: How the 422 names each kind.
KIND_LABELS: Final[dict[ContactKind, str]] = {
    "phone_number": "phone numbers",
    "email_address": "e-mail addresses",
    "url": "URLs",
    "handle": "@handles",
    "messenger": "messenger names",
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: ContactKind
    text: str


# Order matters: each pattern's matches are blanked before the next runs, so an e-mail address
# is not reported again as a handle and a URL's digits are not a phone number.
_PATTERNS: Final[tuple[tuple[ContactKind, re.Pattern[str]], ...]] = (
    (
        "email_address",
        re.compile(
            r"[A-Za-z0-9._%+-]+\s*(?:@|\(at\)|\[at\])\s*[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
        ),
    ),
    (
        "url",
        re.compile(
            r"(?:https?://|www\.)\S+"
            r"|\b[a-z0-9][a-z0-9-]*\.(?:com|net|org|io|me|co|app|ly|link|page|site|xyz|info|biz"
            r"|de|fr|uk|ie|eu|es|it|nl)\b(?:/\S*)?",
            re.IGNORECASE,
        ),
    ),
    ("handle", re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")),
    # Seven or more digits, optionally grouped by spaces, dots, dashes or brackets, with an
    # optional leading +. Calendar dates (2026-05-01, 01.05.2026) are removed first.
    ("phone_number", re.compile(r"(?<!\w)\+?\(?\d(?:[\s().-]{0,2}\d){6,}")),
    (
        "messenger",
        re.compile(
            r"\b(?:whats\s*app|instagram|insta|telegram|snapchat|snap\s*chat)\b", re.IGNORECASE
        ),
    ),
)
_DATES: Final = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")


def find_contact_details(text: str) -> list[Finding]:
    """Every contact detail in ``text``, in the order of the checks above."""
    remaining = _DATES.sub(" ", text)
    findings: list[Finding] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(remaining):
            findings.append(Finding(kind, match.group(0).strip()))
        remaining = pattern.sub(" ", remaining)
    return findings


def screen_note(note: str | None) -> None:
    """422 ``contact_details_in_note`` naming what was found when a note carries contact
    details (§4); nothing for an empty note."""
    if not note:
        return
    findings = find_contact_details(note)
    if findings:
        kinds = list(dict.fromkeys(f.kind for f in findings))
        raise ValidationFailed(
            "the note may not carry contact details: "
            + ", ".join(KIND_LABELS[k] for k in kinds)
            + " found",
            code="contact_details_in_note",
            details={
                "field": "note",
                "found": kinds,
                "matches": [{"kind": f.kind, "text": f.text} for f in findings],
            },
        )
