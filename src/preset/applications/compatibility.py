"""The compatibility score of an application (PRODUCT_RULES §4; docs/compatibility.md).

A pure, deterministic function of what the gig wants (:class:`GigWants`) and the applicant's
profile snapshot taken at apply time (``repository.ProfileSnapshot``), so the same inputs always
give the same score and owners can sort by it. Four parts, each in [0, 1], weighted by
``preset.constants.COMPATIBILITY_WEIGHTS`` (they sum to 1); the total is rounded half-up to two
decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from preset.applications.repository import ProfileSnapshot
from preset.constants import COMPATIBILITY_WEIGHTS

ONE: Final = Decimal(1)
ZERO: Final = Decimal(0)
CENTS: Final = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class GigWants:
    """What the score reads of a gig: the roles it looks for (``looking_for_types``) and its
    stated ``applicant_preferences``; a preference left out is ``None`` / ``False`` / empty."""

    looking_for_types: tuple[str, ...] = ()
    min_experience_years: int | None = None
    city: str | None = None
    verified_only: bool = False
    style_tags: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        looking_for_types: Iterable[str] | None,
        applicant_preferences: Mapping[str, Any] | None,
    ) -> GigWants:
        """From a gig's two columns (``applicant_preferences`` as stored: JSON)."""
        prefs = applicant_preferences or {}
        min_years = prefs.get("min_experience_years")
        return cls(
            looking_for_types=tuple(str(t) for t in looking_for_types or ()),
            min_experience_years=int(min_years) if min_years is not None else None,
            city=str(prefs["city"]) if prefs.get("city") else None,
            verified_only=bool(prefs.get("verified_only")),
            style_tags=tuple(str(t) for t in prefs.get("style_tags") or ()),
        )


def _lower_set(values: Iterable[str]) -> set[str]:
    return {v.strip().lower() for v in values if v.strip()}


def role_fit(gig: GigWants, snapshot: ProfileSnapshot) -> Decimal:
    """1 when the applicant offers any role the gig looks for (or the gig names none), else 0."""
    wanted = _lower_set(gig.looking_for_types)
    if not wanted:
        return ONE
    return ONE if wanted & _lower_set(snapshot.looking_for_types) else ZERO


def preference_fit(gig: GigWants, snapshot: ProfileSnapshot) -> Decimal:
    """The share of the gig's stated applicant preferences the applicant meets (1 if none):
    minimum experience years, city (case-insensitive), verified profile."""
    checks: list[bool] = []
    if gig.min_experience_years is not None:
        checks.append(snapshot.experience_years >= gig.min_experience_years)
    if gig.city:
        checks.append((snapshot.city or "").strip().lower() == gig.city.strip().lower())
    if gig.verified_only:
        checks.append(snapshot.is_verified)
    if not checks:
        return ONE
    return Decimal(sum(checks)) / Decimal(len(checks))


def style_fit(gig: GigWants, snapshot: ProfileSnapshot) -> Decimal:
    """The share of the gig's preferred style tags found on the profile (1 if none preferred)."""
    wanted = _lower_set(gig.style_tags)
    if not wanted:
        return ONE
    return Decimal(len(wanted & _lower_set(snapshot.style_tags))) / Decimal(len(wanted))


def completion_fit(snapshot: ProfileSnapshot) -> Decimal:
    """Profile completion percentage as a fraction."""
    pct = min(max(snapshot.profile_completion_percentage, 0), 100)
    return Decimal(pct) / Decimal(100)


def score_parts(gig: GigWants, snapshot: ProfileSnapshot) -> dict[str, Decimal]:
    return {
        "roles": role_fit(gig, snapshot),
        "preferences": preference_fit(gig, snapshot),
        "style": style_fit(gig, snapshot),
        "completion": completion_fit(snapshot),
    }


def compatibility_score(gig: GigWants, snapshot: ProfileSnapshot) -> Decimal:
    """The weighted sum of the parts, rounded half-up to 0.01, in [0.00, 1.00]."""
    parts = score_parts(gig, snapshot)
    total = sum((COMPATIBILITY_WEIGHTS[name] * value for name, value in parts.items()), ZERO)
    return min(max(total, ZERO), ONE).quantize(CENTS, rounding=ROUND_HALF_UP)
