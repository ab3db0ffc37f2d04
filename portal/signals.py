"""Receivers of the portal: the language a person reads the portal in is kept as the language
the portal writes to them (reminders and notices, CAL-2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in, dispatch_uid="portal.remember_language")
def remember_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """On signing in, a person without a language of e-mails gets the one they use the portal
    in; an operator can change it in the admin."""
    if getattr(user, "language", None) != "":
        return
    language = (getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "")[:2]
    if language in {code for code, _name in settings.LANGUAGES}:
        type(user).objects.filter(pk=user.pk).update(language=language)
        user.language = language
