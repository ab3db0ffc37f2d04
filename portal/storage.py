"""Private storage of uploaded documents: outside the public media root, no public URL.

Supporting documents of suppliers and the evidence of recipients' complaints hold personal data
(diplomas, medical certificates, title deeds, receipts); they are served only through views
that check who asks, never by the web server from a public folder. The folder is
``settings.PRIVATE_MEDIA_ROOT``, read at call time so that tests can point it at a temporary
folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage


def private_root() -> Path:
    """``PRIVATE_MEDIA_ROOT``, refused when it lies inside ``MEDIA_ROOT`` (or is the same)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    media = Path(settings.MEDIA_ROOT).resolve() if settings.MEDIA_ROOT else None
    if media is not None and (root == media or media in root.parents):
        raise ImproperlyConfigured(
            f"PRIVATE_MEDIA_ROOT ({root}) must not lie inside MEDIA_ROOT ({media}): supplier "
            "documents would be public."
        )
    return root


class PrivateStorage(FileSystemStorage):
    """A file system storage under ``PRIVATE_MEDIA_ROOT`` whose files have no URL."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:
        return str(private_root())

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private documents have no public URL; serve them through a view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of every private document (a callable, so migrations do not pin it)."""
    return _storage


def extension_for(content_type: str) -> str:
    """The file extension a stored document gets from its detected type (never from its name)."""
    return {
        "application/pdf": "pdf",
        "image/jpeg": "jpg",
        "image/png": "png",
    }.get(content_type, "bin")
