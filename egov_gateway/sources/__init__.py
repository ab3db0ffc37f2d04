"""The state systems the portal asks (SYNC-1), one module each; ``registry`` builds the adapters."""

from egov_gateway.sources import (
    entrepreneurs,
    gbd_fl,
    gbd_ul,
    psychiatric,
    real_estate,
    rnu,
    samruk,
    tax_debts,
)

# Asked through the e-government gateway's SyncChannel, one BIN/IIN at a time.
GATEWAY_MODULES = {
    m.NAME: m for m in (gbd_ul, gbd_fl, entrepreneurs, real_estate, psychiatric, tax_debts)
}
# Whole registers: the procurement register (REST) and the Samruk-Kazyna list (imported file).
LIST_MODULES = {m.NAME: m for m in (rnu, samruk)}
MODULES = {**GATEWAY_MODULES, **LIST_MODULES}
SOURCE_CHOICES = [(name, module.LABEL) for name, module in MODULES.items()]
# Each source's name as pages show it, by its code.
SOURCE_LABELS = dict(SOURCE_CHOICES)
