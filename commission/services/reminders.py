"""Reminders of the deadlines (CAL-2): an e-mail one working day before each deadline to the
people who must act, once per deadline and person."""

from __future__ import annotations

import datetime

from django.db import transaction

from commission.deadlines import Actor, Due, deadlines_due
from commission.models import Commission, Composition
from commission.selectors import composition_on, members_of
from portal import deadlines
from portal.calendar import is_working_day
from portal.models import User
from portal.notifications.models import Notification
from portal.notifications.services import Recipient, notify

TEMPLATE = "commission/email/reminder"


def send_deadline_reminders(*, on: datetime.date | None = None) -> int:
    """Remind the people who must act of every deadline that falls on the next working day
    after ``on`` (default: today in Almaty), if ``on`` is a working day (CAL-2): the members and
    the secretary of the region's composition in force for an application's check and decision,
    the secretary alone for the acceptance (2020 p.13) and for a protocol's publication (2022
    p.15). Each reminder is sent once per deadline and person (the outbox's event key), so a
    second run on the same day sends nothing more. Returns how many reminders were written."""
    on = on or deadlines.today()
    if not is_working_day(on):
        return 0
    written = 0
    compositions: dict[int, Composition | None] = {}
    for due in deadlines_due(on=on):
        if due.days_left != 1:
            continue
        if due.region.pk not in compositions:
            compositions[due.region.pk] = composition_in_force(due, on=on)
        for person in people_to_remind(due, composition=compositions[due.region.pk]):
            event_key = reminder_key(due, person)
            if Notification.objects.filter(event_key=event_key).exists():
                continue
            with transaction.atomic():
                notify(
                    event_key=event_key,
                    recipient=Recipient(email=person.email, language=person.language),
                    template=TEMPLATE,
                    context={"due": due, "person": person},
                    about=due.about,
                )
            written += 1
    return written


def reminder_key(due: Due, person: User) -> str:
    """``reminder:application:12:check:2025-03-31:7``: one per deadline and person."""
    return f"reminder:{due.key}:{person.pk}"


def composition_in_force(due: Due, *, on: datetime.date) -> Composition | None:
    """The composition of the commission of ``due``'s region in force on ``on``."""
    commission = Commission.objects.filter(region=due.region).first()
    return composition_on(commission=commission, day=on) if commission else None


def people_to_remind(due: Due, *, composition: Composition | None) -> list[User]:
    """Who must act on ``due``: a protocol's publication falls to the secretary of the
    composition that decided; an application's acts to ``composition``, the region's in force
    on the day — its members and secretary, or the secretary alone for the acceptance."""
    if due.protocol is not None:
        return [due.protocol.item.meeting.composition.secretary]
    if composition is None:
        return []
    if due.actor == Actor.SECRETARY:
        return [composition.secretary]
    return [*members_of(composition), composition.secretary]
