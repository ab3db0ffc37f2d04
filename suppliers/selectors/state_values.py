"""State data as text: one formatting of a state system's answer for the cabinet's pages and the
Annex 1 form (SUP-3, SUP-7)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _


def state_value(code: str, data: Mapping[str, Any], *, language: str) -> str:
    """One state-data item (``Edition.state_data_items`` code) as text, from a source's answer."""
    if code == "legal_address":
        return data.get("legal_address", "")
    if code == "full_and_short_name":
        full = localised(data, "full_name", language)
        short = localised(data, "short_name", language)
        return " / ".join(dict.fromkeys(p for p in (full, short) if p))
    if code == "full_name":
        if "bin" in data:
            return localised(data, "full_name", language)
        return " ".join(
            p for p in (data.get("surname"), data.get("first_name"), data.get("patronymic")) if p
        )
    if code == "head_full_name":
        return data.get("head_full_name", "")
    if code == "founders":
        founders = data.get("founders") or []
        listed = []
        for founder in founders:
            about = ", ".join(
                p for p in (founder.get("identifier"), founder.get("citizenship")) if p
            )
            name = founder.get("full_name", "")
            listed.append(f"{name} ({about})" if about else name)
        return f"{len(founders)}: {'; '.join(listed)}" if founders else "0"
    if code == "additional_information":
        activities = [
            f"{a.get('oked', '')} {localised(a, 'name', language)}".strip()
            for a in data.get("activities") or []
        ]
        parts = [
            *activities,
            data.get("ownership_form", ""),
            data.get("formation_method", ""),
        ]
        return "; ".join(p for p in parts if p)
    if code == "real_estate_rights":
        return "; ".join(
            ", ".join(
                p
                for p in (
                    right.get("cadastral_number", ""),
                    right.get("address", ""),
                    right.get("kind", ""),
                    iso_date(right.get("registered_on")),
                )
                if p
            )
            for right in data.get("rights") or []
        )
    if code == "entrepreneur_registration":
        parts = [data.get("trade_name", ""), iso_date(data.get("registered_on"))]
        if data.get("ended_on"):
            parts.append(_("registration ended on %(date)s") % {"date": iso_date(data["ended_on"])})
        return ", ".join(p for p in parts if p)
    if code == "no_psychiatric_registration":
        if data.get("is_registered") is False:
            return _("not registered")
        return _("registered")
    return plain_text(data)


def day_text(day: datetime.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def iso_date(value: Any) -> str:
    if not value:
        return ""
    try:
        return day_text(datetime.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def localised(data: Mapping[str, Any], field: str, language: str) -> str:
    """``name_kk``/``name_ru`` style fields of a state answer, the other language as fallback."""
    other = "ru" if language == "kk" else "kk"
    return data.get(f"{field}_{language}") or data.get(f"{field}_{other}") or ""


def plain_text(value: Any) -> str:
    """A JSON value the supplier or a source gave, as one line of text."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "; ".join(plain_text(v) for v in value.values() if plain_text(v))
    if isinstance(value, list | tuple):
        return "; ".join(plain_text(v) for v in value if plain_text(v))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
