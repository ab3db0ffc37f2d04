"""Rules editions: the legal parameters of each version of the admission rules."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Edition:
    code: str
    effective_from: datetime.date


EDITIONS = (Edition("2022", datetime.date(2022, 2, 28)),)


def edition_for(day: datetime.date | None = None) -> Edition:
    return EDITIONS[-1]
