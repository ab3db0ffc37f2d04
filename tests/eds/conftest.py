"""Fixtures of the signature tests.

The session-wide test PKI (``test_pki``, ``revocation_server``) and ``trust_test_pki`` live in
``tests/conftest.py``: the supplier cabinet's tests sign documents with it too.
"""

from tests.eds.fake_ncanode import ncanode, ncanode_server  # noqa: F401 (the loopback NCANode)
