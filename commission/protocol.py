"""The protocol's PDF (Annex 2 of edition 2022, as amended by Order No. 21): the seed's Russian
form, then the project's Kazakh translation, in one document that everyone signs (COM-6)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import override

from commission import selectors
from commission.models import AgendaItem, KindDecision, Vote
from portal.calendar import ALMATY
from portal.editions import Offer
from portal.pdf import render_pdf

STYLESHEET = (
    Path(__file__).resolve().parent / "templates" / "commission" / "protocol" / "annex2.css"
)
TEMPLATE = "commission/protocol/annex2.html"
LANGUAGES = ("ru", "kk")  # the seed's form first, then its translation


def render_protocol(*, item: AgendaItem, number: int, formed_on: datetime.date) -> bytes:
    """The exact PDF bytes of the protocol of ``item``'s decision."""
    context = {
        "versions": [
            protocol_context(item=item, number=number, formed_on=formed_on, language=lang)
            for lang in LANGUAGES
        ],
    }
    return render_pdf(template=TEMPLATE, context=context, language="ru", stylesheet=STYLESHEET)


def protocol_context(
    *, item: AgendaItem, number: int, formed_on: datetime.date, language: str
) -> dict[str, Any]:
    """What one language version of the protocol says, every value written in ``language``.

    A deregistration case uses the same layout with its ground (COM-6, choice: the rules give
    no form for it)."""
    application = item.application
    case = item.deregistration_case
    if case is not None:
        application = (
            case.supplier.applications.filter(status="approved")
            .order_by(F("decided_on").desc(nulls_last=True), "-pk")
            .first()
        )
    edition = item.edition
    meeting = item.meeting
    supplier = item.supplier
    with override(language):
        votes = list(item.votes.select_related("member", "signature").order_by("member__full_name"))
        kinds = selectors.kinds_of(item)
        presiding = meeting.presided_by
        return {
            "language": language,
            "is_translation": language != "ru",
            "number": number,
            "date": formed_on.strftime("%d.%m.%Y"),
            "commission": str(meeting.commission),
            "supplier_name": supplier.name,
            "identifier": supplier.identifier,
            "activity": "; ".join(
                str(Offer(code).label) for code in (application.offers if application else ())
            ),
            "deregistration": case is not None,
            "deregister": item.proposal == AgendaItem.Proposal.DEREGISTER,
            "ground": f"{case.ground_rule.text} ({case.ground_rule.clause})" if case else "",
            "admitted": item.proposal == AgendaItem.Proposal.ADMIT,
            "reasons": [str(edition.refusal_reason(code).text) for code in item.refusal_reasons],
            "kinds": [
                {
                    "name": selectors.kind_label(kind),
                    "admitted": kind.proposal == AgendaItem.Proposal.ADMIT,
                    "reasons": [
                        str(edition.refusal_reason(code).text) for code in kind.refusal_reasons
                    ],
                }
                for kind in kinds
            ],
            "members": [_decision(vote, kinds) for vote in votes if vote.member != presiding],
            "chair": next(
                (_decision(vote, kinds) for vote in votes if vote.member == presiding), None
            )
            or {"name": presiding.full_name if presiding else "", "decision": "", "signature": {}},
            "secretary": meeting.composition.secretary.full_name,
        }


def _decision(vote: Vote, kinds: list[KindDecision]) -> dict[str, Any]:
    """A member's decision line: the vote, or (decided per kind, E20-3) the vote on each kind."""
    signature = vote.signature
    if kinds:
        choices = selectors.kind_votes_of(vote)
        decision = "; ".join(
            f"{kind.offering.classifier_item.code}: {Vote.Choice(choices[kind.offering_id]).label}"
            for kind in kinds
        )
    else:
        decision = str(Vote.Choice(vote.choice).label)
    return {
        "name": vote.member.full_name,
        "decision": decision,
        "signature": {
            "iin": signature.iin,
            "serial": signature.certificate_serial,
            "time": timezone.localtime(signature.signing_time, ALMATY).strftime("%d.%m.%Y %H:%M"),
        },
    }
