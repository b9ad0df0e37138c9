"""Input types shared by every domain's request models.

``Timestamp`` is the type of every datetime a client sends (body fields and query parameters).
PostgreSQL's ``timestamptz`` holds years 4713 BC to 294276 AD, Python's ``datetime`` only 1 to
9999, and psycopg reads a stored value back in the session's time zone: a value the database
accepts (``9999-12-31T23:00:00-14:00`` is 10000-01-01 in UTC) could be written and then never
read again (a 500 on every later read of the row). So a timestamp must carry a zone and its UTC
value must lie a day inside Python's range, where it reads back as a date of years 1-9999 in
every time zone a session can have (offsets stay within ±16 hours).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime

#: Earliest and latest UTC instants a client may send (inclusive).
TIMESTAMP_MIN: Final = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
TIMESTAMP_MAX: Final = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)

TIMESTAMP_RANGE_MESSAGE: Final = (
    f"must lie between {TIMESTAMP_MIN.isoformat()} and {TIMESTAMP_MAX.isoformat()} (UTC)"
)


def timestamp_in_range(moment: datetime) -> bool:
    """Whether an aware ``moment`` lies within [TIMESTAMP_MIN, TIMESTAMP_MAX] in UTC.

    Compared without converting: ``astimezone(UTC)`` itself overflows for values outside.
    """
    offset = moment.utcoffset()
    if offset is None:
        return False
    # The UTC value is the wall time minus the offset; the bounds move by the offset instead
    # (|offset| < 1 day, the margin of the bounds, so neither side can overflow).
    naive = moment.replace(tzinfo=None)
    low = TIMESTAMP_MIN.replace(tzinfo=None) + offset
    high = TIMESTAMP_MAX.replace(tzinfo=None) + offset
    return low <= naive <= high


def _check_timestamp(moment: datetime) -> datetime:
    if not timestamp_in_range(moment):
        raise ValueError(TIMESTAMP_RANGE_MESSAGE)
    return moment


#: Every datetime a client sends: with a time zone, and readable back in any session zone.
Timestamp = Annotated[AwareDatetime, AfterValidator(_check_timestamp)]
