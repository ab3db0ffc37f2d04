"""Edition 2020 decides each kind of goods or services on its own (2020 p.8, p.14; E20-3): the
register entry of a supplier admitted for one kind and refused the other lists only the kind
admitted — on the register's page, the entry page, the CSV and JSON downloads and the API
(REG-1). The decision is taken through the commission's services with real signatures."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from commission import selectors, services
from commission.models import AgendaItem
from commission.services import KindProposal
from registers.models import RegisterEntry
from tests.commission.conftest import commission, demo_pki, trusted  # noqa: F401
from tests.commission.helpers import chair
from tests.commission.test_kinds_2020 import PROSTHESES, SIGN_LANGUAGE, application_2020, opened
from tests.commission.test_kinds_2020 import vote as cast
from tests.commission.test_protocols import sign_all

ADMIT, REFUSE = AgendaItem.Proposal.ADMIT, AgendaItem.Proposal.REFUSE


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.mark.req("REG-1", "E20-3")
def test_an_edition_2020_entry_lists_only_the_kinds_admitted_everywhere_it_is_public(
    commission,  # noqa: F811
    trusted,  # noqa: F811
    client,
):
    application, prostheses, sign_language = application_2020(commission)
    item = opened(commission, application)
    item = services.put_proposal(
        item=item,
        by=chair(commission),
        kinds=[
            KindProposal(prostheses.pk, ADMIT),
            KindProposal(sign_language.pk, REFUSE, ("document_count_mismatch",)),
        ],
    )
    for member in selectors.present_members(item.meeting):
        cast(trusted, item, member, {prostheses.pk: "for", sign_language.pk: "for"})
    item = services.close_item(item=item, by=chair(commission))
    secretary = commission.compositions.get().secretary
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    services.publish_protocol(protocol=protocol, secretary=secretary)

    entry = RegisterEntry.objects.get(supplier=application.supplier)
    refused = sign_language.classifier_item
    assert PROSTHESES in entry.kinds
    assert SIGN_LANGUAGE not in entry.kinds
    # Nor the refused kind's group, unless the kind admitted shares it.
    if refused.parent_id and refused.parent_id != prostheses.classifier_item.parent_id:
        assert refused.parent.code not in entry.kinds

    entry_page = client.get(reverse("registers:entry", args=[entry.pk])).content.decode()
    assert prostheses.classifier_item.name in entry_page
    assert refused.name not in entry_page

    register_page = client.get(
        reverse("registers:register", args=[entry.register]), {"kind": SIGN_LANGUAGE}
    )
    assert entry.name not in register_page.content.decode()
    register_page = client.get(
        reverse("registers:register", args=[entry.register]), {"kind": PROSTHESES}
    )
    assert entry.name in register_page.content.decode()

    csv_text = streamed(client.get(reverse("registers:export-csv", args=[entry.register])))
    assert entry.identifier in csv_text and PROSTHESES in csv_text
    assert SIGN_LANGUAGE not in csv_text
    downloaded = json.loads(
        streamed(client.get(reverse("registers:export-json", args=[entry.register])))
    )
    rows = downloaded if isinstance(downloaded, list) else downloaded.get("entries", downloaded)
    assert SIGN_LANGUAGE not in json.dumps(rows) and PROSTHESES in json.dumps(rows)
    api = client.get(reverse("registers-api:supplier", args=[entry.identifier])).json()
    assert PROSTHESES in json.dumps(api) and SIGN_LANGUAGE not in json.dumps(api)
