"""Template tags of the shared layout."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info

from portal.editions import Edition, edition_for

register = template.Library()

# Each language is offered in its own name, so a reader finds theirs whatever the page language.
OWN_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@dataclass(frozen=True)
class LanguageOption:
    code: str
    own_name: str
    is_current: bool


@register.simple_tag
def language_options() -> list[LanguageOption]:
    """The portal's languages for the switcher, the active one marked."""
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return [
        LanguageOption(
            code=code,
            own_name=OWN_NAMES.get(code) or get_language_info(code)["name_local"],
            is_current=code == current,
        )
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag
def rules_item(parameter: str, edition: Edition | None = None) -> str:
    """The item of the rules that fixes ``parameter`` ("8": 2022 p.8), of ``edition`` or of the
    edition in force today: pages cite the rules from the edition, never a number of their own."""
    return (edition or edition_for()).item_number(parameter)


@register.filter
def is_workspace_user(user) -> bool:
    """Members and secretaries of a regional commission see the employee workspace."""
    from portal.access import holds_role
    from portal.models import COMMISSION_ROLES

    return holds_role(user, *COMMISSION_ROLES, in_a_region=True)


@register.filter
def is_recipient(user) -> bool:
    """People with disability (and their representatives) see their complaints."""
    from portal.access import holds_role
    from portal.models import Role

    return holds_role(user, Role.RECIPIENT)
