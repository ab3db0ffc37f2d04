"""State changes of the commission's work: compositions, meetings, votes (COM-1 … COM-5)."""

from commission.services.checks import CheckRefused, record_check
from commission.services.compositions import (
    HistoryIsFixed,
    InvalidComposition,
    composition_snapshot,
    form_composition,
    history_problems,
    require_valid_composition,
)
from commission.services.errors import CommissionActionError
from commission.services.meetings import (
    KindProposal,
    close_item,
    open_meeting,
    put_proposal,
    record_attendance,
    schedule_meeting,
)
from commission.services.protocols import form_protocol, publish_protocol, sign_protocol
from commission.services.votes import cast_vote, vote_document, vote_refusal

__all__ = [
    "CheckRefused",
    "CommissionActionError",
    "HistoryIsFixed",
    "InvalidComposition",
    "KindProposal",
    "cast_vote",
    "close_item",
    "composition_snapshot",
    "form_composition",
    "form_protocol",
    "history_problems",
    "open_meeting",
    "publish_protocol",
    "put_proposal",
    "record_attendance",
    "record_check",
    "require_valid_composition",
    "schedule_meeting",
    "sign_protocol",
    "vote_document",
    "vote_refusal",
]
