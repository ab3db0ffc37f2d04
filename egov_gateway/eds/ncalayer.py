"""What a page asks NCALayer for, and where NCALayer is (ID-4).

NCALayer, the national signing application, listens on ``wss://127.0.0.1:13579/`` on the signer's
own computer. A page talks to it over a WebSocket (``static/eds/ncalayer.js``) with the
``kz.gov.pki.knca.basics`` module's ``sign`` method. The sandbox NCALayer (``sandbox.py``) speaks
the same protocol with the test PKI's keys, on ``ws://127.0.0.1:<port>/``.

``SigningRequest`` is everything the "sign this document" component (``eds/sign_document.html``)
needs to render: the exact bytes, who is expected to sign and with which kind of key.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import get_language

from egov_gateway.eds.signer import Purpose

MODULE = "kz.gov.pki.knca.basics"
METHOD_SIGN = "sign"
PRODUCTION_URL = "wss://127.0.0.1:13579/"
SANDBOX_PORT = 13579
SANDBOX_URL = f"ws://127.0.0.1:{SANDBOX_PORT}/"
# The key stores NCALayer may offer: a file (PKCS#12) and the national tokens and ID cards.
DEFAULT_STORAGES = (
    "PKCS12",
    "AKKaztokenStore",
    "AKKZIDCardStore",
    "AKEToken72KStore",
    "AKEToken5110Store",
    "AKJaCartaStore",
    "AKAKEYStore",
)
# Where signers download NCALayer (shown when it is not running).
DOWNLOAD_URL = "https://pki.gov.kz/ncalayer/"


# NCALayer's ``basics.sign`` answers with the CMS as PEM text; ``openssl cms -outform PEM`` gives
# the same armour, older tools label it PKCS7.
_PEM = re.compile(r"-----BEGIN (CMS|PKCS7)-----(.*)-----END \1-----", re.DOTALL)
PEM_LINE = 64


class NotASignature(ValueError):
    """What arrived where NCALayer's CMS should be is neither PEM CMS nor base64."""


def cms_from_ncalayer(result: str | Sequence[str]) -> bytes:
    """The DER bytes of the CMS in NCALayer's answer (``body.result``).

    NCALayer gives one document's CMS as a PEM string (``-----BEGIN CMS-----``, lines of base64,
    ``\n`` or ``\r\n``, a trailing newline); a list holds one CMS per document. Accepted: that
    PEM, bare base64 (whitespace ignored), as a string or a one-element list. Anything else
    raises ``NotASignature``. The one decoder of every form that takes a signature.
    """
    if not isinstance(result, str):
        if isinstance(result, Sequence) and len(result) == 1 and isinstance(result[0], str):
            result = result[0]
        else:
            raise NotASignature("expected one CMS")
    text = result.strip()
    armoured = _PEM.fullmatch(text)
    if armoured:
        text = armoured.group(2)
    compact = "".join(text.split())
    try:
        der = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise NotASignature("neither PEM CMS nor base64") from None
    if not der:
        raise NotASignature("empty")
    return der


def cms_as_ncalayer_gives_it(der: bytes) -> str:
    """DER CMS as NCALayer returns it: PEM with 64-character lines and ``\n`` endings."""
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), PEM_LINE))
    return f"-----BEGIN CMS-----\n{body}\n-----END CMS-----\n"


def sandbox_enabled() -> bool:
    return bool(getattr(settings, "SANDBOX_SIGNER_ENABLED", False))


def ncalayer_url() -> str:
    """``NCALAYER_URL`` (the setting); by default the real NCALayer in production and the
    sandbox NCALayer where the sandbox signer is enabled."""
    default = SANDBOX_URL if sandbox_enabled() else PRODUCTION_URL
    return getattr(settings, "NCALAYER_URL", None) or default


def ncalayer_locale() -> str:
    """NCALayer speaks the portal's three languages; its dialogues follow the page."""
    language = (get_language() or "kk")[:2]
    return language if language in ("kk", "ru", "en") else "kk"


def allowed_storages() -> list[str]:
    configured = getattr(settings, "NCALAYER_ALLOWED_STORAGES", None)
    if configured is None:
        configured = DEFAULT_STORAGES
    return list(configured)


@dataclass(frozen=True)
class SigningRequest:
    """One document to be signed in the browser with NCALayer.

    ``data`` are the exact bytes signed (and stored); ``text`` is how the document is shown (the
    bytes decoded as UTF-8 unless given); ``pdf_url`` links the same document as a PDF when
    there is one. ``iin``/``bin`` ask NCALayer to offer only that person's (and organisation's)
    keys; the server checks them again when it verifies the signature. ``may_sign=False`` shows
    the document without the button, with ``cannot_sign_title`` and ``cannot_sign_text`` (who
    signs instead); ``eds.flow.signature_step`` decides it.
    """

    data: bytes
    purpose: Purpose = Purpose.SIGN
    iin: str = ""
    bin: str = ""
    title: str = ""
    text: str | None = None
    pdf_url: str = ""
    action: str = ""  # where the CMS is posted; the current page by default
    button_label: str = ""
    hidden_fields: dict[str, str] = field(default_factory=dict)
    may_sign: bool = True
    cannot_sign_title: str = ""
    cannot_sign_text: str = ""

    @property
    def data_base64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    @property
    def document_text(self) -> str:
        if self.text is not None:
            return self.text
        return self.data.decode("utf-8", errors="replace")

    @property
    def extended_key_usage(self) -> str:
        return Purpose(self.purpose).extended_key_usage

    @property
    def ncalayer_url(self) -> str:
        return ncalayer_url()

    @property
    def allowed_storages(self) -> list[str]:
        return allowed_storages()

    @property
    def allowed_storages_json(self) -> str:
        return json.dumps(allowed_storages())

    @property
    def locale(self) -> str:
        return ncalayer_locale()
