"""Electronic digital signatures (ЭЦП, ID-2): CMS verification, the signature record, the test PKI.

Public entry points: ``egov_gateway.eds.verify.verify_cms``; signing an exact document,
``egov_gateway.eds.services.verify_document`` / ``VerifiedDocument.keep`` / ``sign_document``;
the page flow, ``egov_gateway.eds.flow.signature_step``. See docs/eds.md.
"""
