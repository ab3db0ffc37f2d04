"""Electronic digital signatures (ЭЦП, ID-2): CMS verification, the signature record, the test PKI.

Public entry points: ``egov_gateway.eds.verify.verify_cms`` and
``egov_gateway.eds.services.record_signature``. See docs/eds.md.
"""
