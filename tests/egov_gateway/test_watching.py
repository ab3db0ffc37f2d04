"""SYNC-2, DER-2: a supplier is watched from the moment it signs the public offer, so the weekly
sync emits change events for it — here a sandbox sync that lists a submitted supplier in the
register of unscrupulous participants of public procurement."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from egov_gateway.models import StateChangeEvent, WatchedIdentifier
from egov_gateway.sync import sync_source
from portal.editions import SupplierKind
from portal.models import Role
from suppliers import selectors, services
from suppliers.models import Application
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.suppliers.factories import (  # noqa: F401 (autouse fixture)
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    ApplicationFactory,
    SupplierFactory,
    private_media,
)

pytestmark = [pytest.mark.django_db, pytest.mark.req("SYNC-2", "DER-2")]

DEMO_SANDBOX = Path(__file__).resolve().parents[2] / "egov_gateway" / "sandbox" / "demo"
NEVER_SIGNED_BIN = "120340016615"  # listed in the demo register, never signed the offer


def rnu_line(bin_: str, pid: int) -> str:
    return json.dumps(
        {
            "id": f"00000000-0000-4000-8000-{bin_}",
            "pid": pid,
            "supplier_biin": bin_,
            "supplier_innunp": "",
            "supplier_name_ru": "ТОО «ТЕСТ ОРТОПЕДИЯ»",
            "supplier_name_kz": "«ТЕСТ ОРТОПЕДИЯ» ЖШС",
            "kato_list": ["710000000"],
            "index_date": "2026-11-30 10:00:00",
            "system_id": 3,
        },
        ensure_ascii=False,
    )


@pytest.fixture
def sandbox_dir(tmp_path, settings):
    folder = tmp_path / "sandbox"
    shutil.copytree(DEMO_SANDBOX, folder)
    (folder / "rnu.jsonl").write_text("", encoding="utf-8")
    settings.STATE_SOURCES_BACKEND = "sandbox"
    settings.SANDBOX_STATE_DIR = str(folder)
    return folder


def test_a_supplier_that_signed_the_offer_gets_the_event_of_its_listing(
    sandbox_dir, trust_test_pki
):
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    supplier = services.start_as_supplier(
        user=head,
        kind=SupplierKind.LEGAL_ENTITY,
        identifier=ORTHOPEDIA_BIN,
        name="ТОО «ТЕСТ ОРТОПЕДИЯ»",
    )
    assert not WatchedIdentifier.objects.filter(identifier=ORTHOPEDIA_BIN).exists()
    offer = selectors.render_offer(language="ru")
    services.accept_public_offer(
        supplier=supplier,
        user=head,
        cms=trust_test_pki.key_for(HEAD_IIN, "sign", ORTHOPEDIA_BIN).sign(offer),
        offer_bytes=offer,
    )
    assert WatchedIdentifier.objects.filter(
        identifier=ORTHOPEDIA_BIN, kind=SupplierKind.LEGAL_ENTITY
    ).exists()
    ApplicationFactory(supplier=supplier, status=Application.Status.SUBMITTED)
    SupplierFactory(identifier=NEVER_SIGNED_BIN)

    (sandbox_dir / "rnu.jsonl").write_text(
        rnu_line(ORTHOPEDIA_BIN, 700001) + "\n" + rnu_line(NEVER_SIGNED_BIN, 700002) + "\n",
        encoding="utf-8",
    )
    run = sync_source(source="rnu")

    events = list(StateChangeEvent.objects.filter(run=run).values_list("kind", "identifier"))
    assert events == [(StateChangeEvent.Kind.LISTED_IN_RNU, ORTHOPEDIA_BIN)]
    assert sync_source(source="rnu").counts["events"] == 0, "a re-run emits nothing"
