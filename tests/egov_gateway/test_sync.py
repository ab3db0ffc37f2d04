"""The weekly state-data sync: listings, change events, idempotence, failures (SYNC-2, SYNC-3)."""

from __future__ import annotations

import json

import pytest

from egov_gateway.models import StateChangeEvent, StateListing, SyncRun
from egov_gateway.selectors import is_listed
from egov_gateway.services import watch
from egov_gateway.sync import state_changes_recorded, sync_all, sync_source
from tests.egov_gateway.servers import rnu_item

Kind = StateChangeEvent.Kind
LE = "legal_entity"
WATCHED_A, WATCHED_B, OTHER = "090440023188", "151140077023", "120340016615"


@pytest.fixture
def rnu(ows_server, db):
    watch(identifier=WATCHED_A, kind=LE)
    watch(identifier=WATCHED_B, kind=LE)
    return ows_server


def listed(*bins: str, pid_base: int = 1) -> list[dict]:
    return [rnu_item(b, pid=pid_base + n) for n, b in enumerate(bins)]


def events(kind: str | None = None) -> list[tuple[str, str]]:
    qs = StateChangeEvent.objects.order_by("pk")
    if kind:
        qs = qs.filter(kind=kind)
    return [(e.kind, e.identifier) for e in qs]


@pytest.mark.req("SYNC-2")
def test_a_watched_supplier_listed_in_rnu_gets_one_event(rnu):
    rnu.items = listed(WATCHED_A, OTHER)

    run = sync_source(source="rnu")

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.counts["listed"] == 2 and run.counts["new"] == 2
    assert set(StateListing.objects.values_list("identifier", flat=True)) == {WATCHED_A, OTHER}
    assert events() == [(Kind.LISTED_IN_RNU, WATCHED_A)]  # OTHER is not a registered supplier
    event = StateChangeEvent.objects.get()
    assert event.run == run and not event.processed
    assert event.payload[0]["supplier_biin"] == WATCHED_A


@pytest.mark.req("SYNC-2")
def test_a_second_run_over_the_same_data_changes_nothing(rnu):
    rnu.items = listed(WATCHED_A, OTHER, "170740318604")
    first = sync_source(source="rnu")
    before = list(StateListing.objects.order_by("pk").values())

    second = sync_source(source="rnu")

    assert second.status == SyncRun.Status.SUCCEEDED
    assert {k: second.counts[k] for k in ("new", "relisted", "removed", "changed", "events")} == {
        "new": 0,
        "relisted": 0,
        "removed": 0,
        "changed": 0,
        "events": 0,
    }
    assert list(StateListing.objects.order_by("pk").values()) == before
    assert StateChangeEvent.objects.filter(run=second).count() == 0
    assert StateChangeEvent.objects.filter(run=first).count() == 1


@pytest.mark.req("SYNC-2", "RDM-1")
def test_removal_from_rnu_is_recorded_and_emits_an_event(rnu):
    rnu.items = listed(WATCHED_A, OTHER)
    sync_source(source="rnu")
    rnu.items = listed(OTHER)

    run = sync_source(source="rnu")

    assert run.counts["removed"] == 1
    assert events() == [(Kind.LISTED_IN_RNU, WATCHED_A), (Kind.REMOVED_FROM_RNU, WATCHED_A)]
    assert not is_listed(source="rnu", identifier=WATCHED_A)
    assert is_listed(source="rnu", identifier=OTHER)
    assert StateListing.objects.get(identifier=WATCHED_A).removed_run == run


@pytest.mark.req("SYNC-2")
def test_listed_again_after_removal_is_a_new_listing_with_a_new_event(rnu):
    rnu.items = listed(WATCHED_A)
    first = sync_source(source="rnu")
    rnu.items = listed(OTHER)
    sync_source(source="rnu")
    rnu.items = listed(WATCHED_A, OTHER)

    third = sync_source(source="rnu")

    assert third.counts["relisted"] == 1
    assert events() == [
        (Kind.LISTED_IN_RNU, WATCHED_A),
        (Kind.REMOVED_FROM_RNU, WATCHED_A),
        (Kind.LISTED_IN_RNU, WATCHED_A),
    ]
    listing = StateListing.objects.get(identifier=WATCHED_A)
    assert listing.first_seen_run == third and listing.removed_run is None
    assert StateChangeEvent.objects.filter(listing_started_run=first).count() == 2


@pytest.mark.req("SYNC-2")
def test_a_supplier_registered_while_already_listed_gets_its_event_on_the_next_run(rnu):
    rnu.items = listed(WATCHED_A, OTHER)
    sync_source(source="rnu")

    watch(identifier=OTHER, kind=LE)
    run = sync_source(source="rnu")

    assert [(e.kind, e.identifier, e.run) for e in StateChangeEvent.objects.filter(run=run)] == [
        (Kind.LISTED_IN_RNU, OTHER, run)
    ]


@pytest.mark.req("SYNC-2")
def test_a_supplier_listed_several_times_has_one_listing_with_all_entries(rnu):
    rnu.items = [*listed(WATCHED_A), rnu_item(WATCHED_A, pid=77, kato=["350000000"])]

    run = sync_source(source="rnu")

    assert run.counts["fetched"] == 2 and run.counts["listed"] == 1
    assert sorted(e["pid"] for e in StateListing.objects.get().payload) == [1, 77]
    assert events() == [(Kind.LISTED_IN_RNU, WATCHED_A)]


@pytest.mark.req("SYNC-2")
def test_changed_entries_are_recorded_without_an_event(rnu):
    rnu.items = listed(WATCHED_A)
    sync_source(source="rnu")
    rnu.items = [rnu_item(WATCHED_A, pid=1, kato=["710000000"])]

    run = sync_source(source="rnu")

    assert run.counts["changed"] == 1 and run.counts["events"] == 0
    listing = StateListing.objects.get()
    assert listing.changed_run == run and listing.payload[0]["kato_list"] == ["710000000"]


@pytest.mark.req("SYNC-2")
def test_items_without_a_bin_are_counted_and_skipped(rnu):
    rnu.items = [*listed(WATCHED_A), rnu_item("", pid=99)]

    run = sync_source(source="rnu")

    assert run.counts["fetched"] == 2 and run.counts["without_identifier"] == 1
    assert StateListing.objects.count() == 1


@pytest.mark.req("SYNC-3")
def test_a_source_that_times_out_fails_its_run_and_applies_nothing(rnu):
    rnu.items = listed(WATCHED_A)
    sync_source(source="rnu")
    rnu.items = listed(OTHER)
    rnu.script = ["slow", "slow", "slow"]

    run = sync_source(source="rnu")

    assert run.status == SyncRun.Status.FAILED and run.finished_at is not None
    assert "no usable answer after 3 attempts" in run.errors
    assert is_listed(source="rnu", identifier=WATCHED_A)  # no answer is not "removed"
    assert not StateListing.objects.filter(identifier=OTHER).exists()
    assert events() == [(Kind.LISTED_IN_RNU, WATCHED_A)]


@pytest.mark.req("SYNC-3")
def test_a_failure_on_a_later_page_applies_nothing_of_the_earlier_pages(rnu):
    rnu.items = listed(WATCHED_A, WATCHED_B, OTHER, "170740318604")  # two pages of two
    rnu.script = ["ok", "malformed"]

    run = sync_source(source="rnu")

    assert run.status == SyncRun.Status.FAILED
    assert "not JSON" in run.errors
    assert run.counts["fetched"] == 2  # what arrived before the failure, for the operator
    assert StateListing.objects.count() == 0
    assert StateChangeEvent.objects.count() == 0


@pytest.mark.req("SYNC-3")
def test_a_failed_source_does_not_stop_the_others(rnu, persons):
    rnu.items = listed(WATCHED_A)
    rnu.script = ["500", "500", "500"]

    runs = sync_all(sources=["rnu", "gbd_fl"])

    assert [(r.source, r.status) for r in runs] == [
        ("rnu", SyncRun.Status.FAILED),
        ("gbd_fl", SyncRun.Status.SUCCEEDED),
    ]
    assert "HTTP 500" in runs[0].errors
    assert events() == [(Kind.PERSON_DECEASED, ASSISTANT)]


@pytest.mark.req("SYNC-2")
def test_a_dry_run_reports_what_would_change_and_applies_nothing(rnu):
    rnu.items = listed(WATCHED_A, OTHER)

    run = sync_source(source="rnu", dry_run=True)

    assert run.status == SyncRun.Status.SUCCEEDED and run.dry_run
    assert run.counts["new"] == 2 and run.counts["events"] == 1
    assert StateListing.objects.count() == 0
    assert StateChangeEvent.objects.count() == 0


@pytest.mark.req("SYNC-3")
def test_an_answer_that_would_empty_the_register_is_refused_unless_allowed(rnu, settings):
    settings.STATE_SYNC_MASS_REMOVAL_MIN = 3
    rnu.items = listed(WATCHED_A, WATCHED_B, OTHER, "170740318604")
    sync_source(source="rnu")
    rnu.items = listed(OTHER)

    refused = sync_source(source="rnu")
    allowed = sync_source(source="rnu", allow_mass_removal=True)

    assert refused.status == SyncRun.Status.FAILED
    assert "would remove 3 of 4 listings" in refused.errors
    assert allowed.status == SyncRun.Status.SUCCEEDED and allowed.counts["removed"] == 3


def test_subscribers_hear_of_new_events_after_commit(rnu, django_capture_on_commit_callbacks):
    heard = []
    state_changes_recorded.connect(
        lambda sender, run, **kw: heard.append(run), weak=False, dispatch_uid="test-heard"
    )
    rnu.items = listed(WATCHED_A)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = sync_source(source="rnu")
        with django_capture_on_commit_callbacks(execute=True):
            sync_source(source="rnu")  # nothing new: nobody is told
    finally:
        state_changes_recorded.disconnect(dispatch_uid="test-heard")

    assert heard == [run]


# --- sources asked per watched BIN/IIN (ГБД ФЛ, ГБД ЮЛ, entrepreneurs) ---

GBD_FL = (
    "<messageResult><code>00000</code></messageResult><persons><person><iin>{iin}</iin>"
    "<surname>ДОСОВ</surname><name>ИЛЬЯС</name><lifeStatus><code>{life}</code></lifeStatus>"
    "{death}</person></persons>"
)
ASSISTANT, ENTREPRENEUR = "880930324194", "850111418247"


@pytest.fixture
def persons(soap_gateway, db):
    deceased = {ASSISTANT}
    soap_gateway.services["GBDFL_UniversalServiceSync"] = lambda iin: GBD_FL.format(
        iin=iin,
        life="1" if iin in deceased else "0",
        death="<deathDate>2026-11-02</deathDate>" if iin in deceased else "",
    )
    watch(identifier=ASSISTANT, kind="individual_assistant")
    watch(identifier=ENTREPRENEUR, kind="individual_entrepreneur")
    watch(identifier=WATCHED_A, kind=LE)
    soap_gateway.deceased = deceased
    return soap_gateway


@pytest.mark.req("SYNC-2", "DER-2")
def test_a_watched_person_reported_deceased_gets_an_event(persons):
    run = sync_source(source="gbd_fl")

    assert run.status == SyncRun.Status.SUCCEEDED
    assert sorted(r["identifier"] for r in persons.received) == [ENTREPRENEUR, ASSISTANT]
    assert events() == [(Kind.PERSON_DECEASED, ASSISTANT)]
    payload = StateChangeEvent.objects.get().payload
    assert payload == [json.loads(json.dumps(payload[0]))] and payload[0]["is_deceased"] is True


@pytest.mark.req("SYNC-2")
def test_asking_the_persons_register_again_emits_nothing(persons):
    sync_source(source="gbd_fl")

    again = sync_source(source="gbd_fl")

    assert again.counts["events"] == 0 and again.counts["new"] == 0
    assert len(events()) == 1


@pytest.mark.req("SYNC-3")
def test_one_unanswered_person_fails_the_whole_run(persons):
    persons.script = ["ok", "slow", "slow", "slow"]

    run = sync_source(source="gbd_fl")

    assert run.status == SyncRun.Status.FAILED
    assert StateListing.objects.count() == 0 and StateChangeEvent.objects.count() == 0


@pytest.mark.req("SYNC-2")
def test_a_watched_source_only_speaks_for_the_identifiers_it_was_asked_about(persons):
    sync_source(source="gbd_fl")
    persons.deceased.clear()  # a correction in the register: alive after all

    run = sync_source(source="gbd_fl")

    assert run.counts["removed"] == 1
    assert not is_listed(source="gbd_fl", identifier=ASSISTANT)
    assert len(events()) == 1  # no event for a correction


@pytest.mark.req("SYNC-2", "DER-2")
def test_liquidation_and_end_of_entrepreneurship_become_events(sandbox, db):
    watch(identifier=WATCHED_A, kind=LE)
    watch(identifier=ENTREPRENEUR, kind="individual_entrepreneur")
    gbd_ul = json.loads((sandbox / "gbd_ul.json").read_text())
    gbd_ul["records"][WATCHED_A]["liquidated_on"] = "2026-11-01"
    (sandbox / "gbd_ul.json").write_text(json.dumps(gbd_ul, ensure_ascii=False))
    ip = json.loads((sandbox / "entrepreneurs.json").read_text())
    ip["records"][ENTREPRENEUR]["ended_on"] = "2026-10-15"
    (sandbox / "entrepreneurs.json").write_text(json.dumps(ip, ensure_ascii=False))

    runs = sync_all(sources=["gbd_ul", "entrepreneurs"])

    assert [r.status for r in runs] == [SyncRun.Status.SUCCEEDED] * 2
    assert events() == [
        (Kind.ENTITY_LIQUIDATED, WATCHED_A),
        (Kind.ENTREPRENEUR_ENDED, ENTREPRENEUR),
    ]


@pytest.mark.req("SYNC-2", "DER-2")
def test_the_samruk_list_lists_and_removes_watched_suppliers(sandbox, db):
    watch(identifier="170740318604", kind=LE)
    watch(identifier="140240082465", kind=LE)  # excluded from the list in 2025

    first = sync_source(source="samruk")
    (sandbox / "samruk.csv").write_text(
        "БИН/ИИН;Наименование;Дата включения\n190540996036;ТОО «Астана Реабилитация Сервис»;"
        "05.11.2025\n",
        encoding="utf-8",
    )
    second = sync_source(source="samruk")

    assert first.counts["listed"] == 3
    assert events() == [
        (Kind.LISTED_BY_SAMRUK, "170740318604"),
        (Kind.REMOVED_FROM_SAMRUK, "170740318604"),
    ]
    assert second.counts["removed"] == 2
