"""Answer frames of a real NCALayer to ``kz.gov.pki.knca.basics`` ``sign``, byte for byte.

Recorded against NCALayer by the authors of the ``ncalayer-js-client`` library and published with
its tests (sigex-kz/ncalayer-js-client, ``test/test-data.json``); the recording strips the CMS
itself ("to protect private data"), leaving its PEM armour. ``success_with`` puts a CMS made by
the test PKI inside that armour, exactly where NCALayer writes it.
"""

from __future__ import annotations

import base64
import textwrap

GREETING = '{"result":{"version":"1.2"}}'
SUCCESS = '{"body":{"result":"-----BEGIN CMS-----\\n-----END CMS-----\\n"},"status":true}'
CANCELLED = '{"body":{},"status":true}'
INVOCATION_ERROR = (
    '{"code":"INVOCATION_ERROR","details":"org.json.JSONException: '
    'JSONObject[\\"signingParams\\"] is not a JSONObject.","message":"An invoked method threw an '
    'exception.","status":false}'
)


def pem_lines(der: bytes) -> str:
    """The base64 lines NCALayer writes between the armour lines, JSON-escaped."""
    return "\\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64)) + "\\n"


def success_with(der: bytes, *, newline: str = "\\n") -> str:
    """The recorded success frame carrying ``der`` (``newline`` as escaped in the JSON)."""
    armour = "-----BEGIN CMS-----\\n"
    at = SUCCESS.index(armour) + len(armour)
    frame = SUCCESS[:at] + pem_lines(der) + SUCCESS[at:]
    return frame.replace("\\n", newline)
