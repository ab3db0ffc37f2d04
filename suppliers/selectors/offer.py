"""The public offer: its versions, texts and acceptance (SUP-2)."""

from __future__ import annotations

from django.template.loader import get_template
from django.utils.translation import get_language

from suppliers.models import (
    OfferAcceptance,
    Supplier,
)

# --- the public offer (SUP-2) ---

# The offer's versions, newest last; each is a set of files ``offer/<version>.<language>.txt``.
# A new version is a new set of files added here: the text of a signed version never changes.
OFFER_VERSIONS: tuple[str, ...] = ("1.0",)
CURRENT_OFFER_VERSION = OFFER_VERSIONS[-1]
OFFER_LANGUAGES = ("kk", "ru", "en")


def offer_language(language: str | None = None) -> str:
    """The offer language for a UI language (the offer exists in Kazakh, Russian and English)."""
    code = (language or get_language() or "kk")[:2]
    return code if code in OFFER_LANGUAGES else "kk"


def render_offer(*, language: str | None = None, version: str = CURRENT_OFFER_VERSION) -> bytes:
    """The exact bytes of the public offer text (2022 p.5; 2020 p.4) that the supplier signs."""
    if version not in OFFER_VERSIONS:
        raise LookupError(f"no public offer version {version!r}")
    name = f"suppliers/offer/{version}.{offer_language(language)}.txt"
    return get_template(name).render({}).encode("utf-8")


def identify_offer(data: bytes) -> tuple[str, str] | None:
    """(version, language) of the offer whose exact bytes are ``data``, or None."""
    for version in reversed(OFFER_VERSIONS):
        for language in OFFER_LANGUAGES:
            if render_offer(language=language, version=version) == data:
                return version, language
    return None


def offer_acceptance(supplier: Supplier) -> OfferAcceptance | None:
    """The supplier's latest acceptance of the public offer, if any."""
    return supplier.offer_acceptances.order_by("-accepted_at", "-pk").first()


def has_accepted_offer(supplier: Supplier) -> bool:
    return supplier.offer_acceptances.exists()
