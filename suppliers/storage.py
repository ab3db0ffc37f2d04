"""Where the cabinet's supporting documents are stored: the portal's private storage
(``portal.storage``), under ``documents/<application id>/``.

``private_storage`` and ``private_root`` keep their names here because the cabinet's migrations
and tests name them.
"""

from __future__ import annotations

import uuid

from portal.storage import PrivateStorage as PrivateStorage
from portal.storage import extension_for
from portal.storage import private_root as private_root
from portal.storage import private_storage as private_storage


def document_path(instance, filename: str) -> str:
    """``documents/<application id>/<random>.<detected extension>``: the name the supplier gave
    is kept in the database only, never used as a path."""
    extension = extension_for(getattr(instance, "content_type", ""))
    return f"documents/{instance.application_id}/{uuid.uuid4().hex}.{extension}"
