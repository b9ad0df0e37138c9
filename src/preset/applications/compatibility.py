"""The compatibility score of an application (PRODUCT_RULES §4; docs/compatibility.md).

A pure, deterministic function of the gig and the applicant's profile snapshot taken at apply
time, so the same inputs always give the same score and owners can sort by it. Four parts, each
in [0, 1], weighted by ``preset.constants.COMPATIBILITY_WEIGHTS`` (they sum to 1); the total is
rounded half-up to two decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from preset.constants import COMPATIBILITY_WEIGHTS

ONE: Final = Decimal(1)
ZERO: Final = Decimal(0)
CENTS: Final = Decimal("0.01")


def _lower_set(values: Any) -> set[str]:
    return {str(v).strip().lower() for v in (values or []) if str(v).strip()}


def role_fit(gig: Mapping[str, Any], snapshot: Mapping[str, Any]) -> Decimal:
    """1 when the applicant offers any role the gig looks for (or the gig names none), else 0."""
    wanted = _lower_set(gig.get("looking_for_types"))
    if not wanted:
        return ONE
    return ONE if wanted & _lower_set(snapshot.get("looking_for_types")) else ZERO


def preference_fit(gig: Mapping[str, Any], snapshot: Mapping[str, Any]) -> Decimal:
    """The share of the gig's stated applicant preferences the applicant meets (1 if none):
    minimum experience years, city (case-insensitive), verified profile."""
    prefs = gig.get("applicant_preferences") or {}
    checks: list[bool] = []
    if prefs.get("min_experience_years") is not None:
        checks.append(
            int(snapshot.get("experience_years") or 0) >= int(prefs["min_experience_years"])
        )
    if prefs.get("city"):
        city = str(snapshot.get("city") or "").strip().lower()
        checks.append(city == str(prefs["city"]).strip().lower())
    if prefs.get("verified_only"):
        checks.append(bool(snapshot.get("is_verified")))
    if not checks:
        return ONE
    return Decimal(sum(checks)) / Decimal(len(checks))


def style_fit(gig: Mapping[str, Any], snapshot: Mapping[str, Any]) -> Decimal:
    """The share of the gig's preferred style tags found on the profile (1 if none preferred)."""
    wanted = _lower_set((gig.get("applicant_preferences") or {}).get("style_tags"))
    if not wanted:
        return ONE
    return Decimal(len(wanted & _lower_set(snapshot.get("style_tags")))) / Decimal(len(wanted))


def completion_fit(snapshot: Mapping[str, Any]) -> Decimal:
    """Profile completion percentage as a fraction."""
    pct = min(max(int(snapshot.get("profile_completion_percentage") or 0), 0), 100)
    return Decimal(pct) / Decimal(100)


def score_parts(gig: Mapping[str, Any], snapshot: Mapping[str, Any]) -> dict[str, Decimal]:
    return {
        "roles": role_fit(gig, snapshot),
        "preferences": preference_fit(gig, snapshot),
        "style": style_fit(gig, snapshot),
        "completion": completion_fit(snapshot),
    }


def compatibility_score(gig: Mapping[str, Any], snapshot: Mapping[str, Any]) -> Decimal:
    """The weighted sum of the parts, rounded half-up to 0.01, in [0.00, 1.00]."""
    parts = score_parts(gig, snapshot)
    total = sum((COMPATIBILITY_WEIGHTS[name] * value for name, value in parts.items()), ZERO)
    return min(max(total, ZERO), ONE).quantize(CENTS, rounding=ROUND_HALF_UP)
