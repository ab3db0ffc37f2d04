"""Complaints follow their deregistration case (DER-3): whoever moves the case (the commission's
agenda, its vote, the protocol's publication), the complaints that joined it move with it, in the
same transaction, once the case is saved with its outcome."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from deregistration.models import DeregistrationCase


@receiver(post_save, sender=DeregistrationCase, dispatch_uid="deregistration.complaints_follow")
def complaints_follow_their_case(sender: type, instance: DeregistrationCase, **kwargs: Any) -> None:
    from deregistration.services.complaints import follow_case

    follow_case(case=instance)
