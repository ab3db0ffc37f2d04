"""What the about page and the operators' admin say about the rules the portal applies.

Every date, number and name comes from the editions data (``portal.editions``, ``acts.py``): which
edition applies today, the order that approved it and its amendments, and — where the source
records it — the order that repealed it. Edition 2022 is applied after its repeal on 01.07.2023
(Order No. 285 of 30.06.2023) because it is the latest edition the project knows: a project
choice, not law (DOMAIN.md), which the notice says in so many words.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.calendar import ALMATY
from portal.editions.base import Edition, LegalAct, Text


def _date(day: datetime.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def _act(act: LegalAct) -> str:
    return _("Order No. %(number)s of %(signed)s") % {
        "number": act.number,
        "signed": _date(act.signed_on),
    }


@dataclasses.dataclass(frozen=True)
class EditionRow:
    """One edition as the about page lists it."""

    code: str
    title: Text
    order: str
    amendments: str
    effective_from: str
    repealed: str
    applied: bool


@dataclasses.dataclass(frozen=True)
class RulesNotice:
    """Which edition applies on ``day`` and why, in sentences built from the editions data."""

    day: datetime.date
    edition: Edition
    statements: tuple[str, ...]
    applied_after_repeal: bool
    editions: tuple[EditionRow, ...]


def rules_notice(*, day: datetime.date | None = None) -> RulesNotice:
    """The notice for ``day`` (today in Almaty by default), in the active language."""
    from portal.editions import EDITIONS, edition_for

    day = day or timezone.localdate(timezone=ALMATY)
    edition = edition_for(day)
    order = edition.order
    statements = [
        _(
            "The portal applies edition %(code)s of the rules: %(title)s (%(order)s), in force "
            "since %(since)s."
        )
        % {
            "code": edition.code,
            "title": edition.title,
            "order": _act(order),
            "since": _date(edition.effective_from),
        }
    ]
    if edition.amendments:
        statements.append(
            _("The rules are applied as amended by %(amendments)s.")
            % {"amendments": _amendments(edition)}
        )
    after_repeal = edition.repealed_on is not None and day >= edition.repealed_on
    if after_repeal:
        repeal = {
            "order": _act(order),
            "repealed_on": _date(edition.repealed_on),
            "by": _act(edition.repealed_by) if edition.repealed_by else "",
            "code": edition.code,
        }
        statements.append(
            _("%(order)s lost force on %(repealed_on)s (%(by)s).") % repeal
            if repeal["by"]
            else _("%(order)s lost force on %(repealed_on)s.") % repeal
        )
        statements.append(
            _(
                "The rules that replaced it are not available to the portal, so the portal "
                "applies edition %(code)s as the latest edition it knows, also to applications "
                "filed after that date. This is the portal's choice, not a rule of law: the next "
                "rules will be added as a new edition."
            )
            % repeal
        )
    statements.append(
        str(
            _(
                "An application is handled under the edition in force on the day it is signed and "
                "filed."
            )
        )
    )
    return RulesNotice(
        day=day,
        edition=edition,
        statements=tuple(capfirst(str(s)) for s in statements),
        applied_after_repeal=after_repeal,
        editions=tuple(_row(e, applied=e is edition) for e in reversed(EDITIONS)),
    )


def _amendments(edition: Edition) -> str:
    return "; ".join(
        _("%(order)s (items %(items)s)")
        % {"order": _act(amendment.act), "items": ", ".join(_item(i) for i in amendment.items)}
        for amendment in edition.amendments
    )


def _item(item: str) -> str:
    """An amended item as the editions data names it: "3", "preamble", "annex 2"."""
    if item == "preamble":
        return str(_("preamble"))
    if item.startswith("annex "):
        return str(_("annex %(number)s") % {"number": item.removeprefix("annex ")})
    return item


def _row(edition: Edition, *, applied: bool) -> EditionRow:
    repealed = ""
    if edition.repealed_on:
        repealed = _date(edition.repealed_on)
        if edition.repealed_by:
            repealed = f"{repealed} ({_act(edition.repealed_by)})"
    return EditionRow(
        code=edition.code,
        title=edition.title,
        order=_act(edition.order),
        amendments=_amendments(edition),
        effective_from=_date(edition.effective_from),
        repealed=repealed,
        applied=applied,
    )
