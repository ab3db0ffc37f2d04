"""The demo commission of Astana with keys of a test PKI (the commission tests' fixtures)."""

from tests.commission.conftest import commission, demo_pki, trusted

__all__ = ["commission", "demo_pki", "trusted"]
