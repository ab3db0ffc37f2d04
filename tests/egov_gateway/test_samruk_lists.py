"""SYNC-1/2: the Samruk-Kazyna source covers both lists of 2022 item 19(4) — the register of
unscrupulous participants of the fund's procurement and the list of unreliable potential
suppliers — and runs in the weekly production sync like every other source."""

from __future__ import annotations

import httpx
import pytest
from django.core.management import call_command

from egov_gateway import sync
from egov_gateway.models import StateChangeEvent, StateListing, SyncRun
from egov_gateway.services import watch
from egov_gateway.sources import samruk
from egov_gateway.sources.registry import lookup_source
from egov_gateway.sync import scheduled_sources, sync_source
from tests.egov_gateway.test_samruk import Out

pytestmark = [pytest.mark.req("SYNC-1"), pytest.mark.req("SYNC-2")]

ON_BOTH = "190540996036"  # on both lists of the demo sandbox
ONLY_REGISTER = "170740318604"

REGISTER_CSV = (
    "Реестр недобросовестных участников закупок\n"
    "№;Наименование участника;БИН/ИИН;Дата включения;Основание включения\n"
    f"1;ТОО «Медтехника Плюс»;{ONLY_REGISTER};02.04.2025;Уклонение от заключения договора\n"
)
UNRELIABLE_CSV = (
    "Перечень ненадежных потенциальных поставщиков (поставщиков)\n"
    "№;БИН/ИИН;Наименование;Дата включения\n"
    f"1;{ON_BOTH};ТОО «Астана Реабилитация Сервис»;05.11.2025\n"
)


def lists_of(identifier: str) -> set[str]:
    listing = StateListing.objects.get(source="samruk", identifier=identifier)
    return {entry["list"] for entry in listing.payload}


@pytest.mark.django_db
def test_the_sandbox_sync_reads_both_lists(sandbox):
    watch(identifier=ON_BOTH, kind="legal_entity")

    run = sync_source(source="samruk")

    assert run.status == SyncRun.Status.SUCCEEDED
    assert lists_of(ON_BOTH) == {samruk.REGISTER, samruk.UNRELIABLE}
    entries = lookup_source("samruk").lookup(ON_BOTH).entries
    assert {entry["list"] for entry in entries} == {samruk.REGISTER, samruk.UNRELIABLE}


@pytest.mark.django_db
def test_a_supplier_only_in_the_register_of_unscrupulous_participants_is_listed(sandbox):
    (sandbox / "samruk_register.csv").write_text(REGISTER_CSV, encoding="utf-8")
    (sandbox / "samruk.csv").write_text(UNRELIABLE_CSV, encoding="utf-8")
    watch(identifier=ONLY_REGISTER, kind="legal_entity")

    sync_source(source="samruk")

    assert lists_of(ONLY_REGISTER) == {samruk.REGISTER}
    assert list(StateChangeEvent.objects.values_list("kind", "identifier")) == [
        ("listed_by_samruk", ONLY_REGISTER)
    ]


def test_the_weekly_production_sync_runs_the_samruk_source(settings):
    settings.STATE_SOURCES_BACKEND = "gateway"

    assert samruk.NAME in scheduled_sources()
    assert set(scheduled_sources()) == set(sync.PLANS)


@pytest.mark.django_db
def test_the_production_sync_reads_both_published_lists(settings, tmp_path, monkeypatch):
    settings.STATE_SOURCES_BACKEND = "gateway"
    settings.SAMRUK_REGISTER_URL = "https://www.sk.kz/lists/register.csv"
    unreliable = tmp_path / "unreliable.csv"
    unreliable.write_text(UNRELIABLE_CSV, encoding="utf-8")
    settings.SAMRUK_UNRELIABLE_URL = str(unreliable)
    asked = []

    def get(url, **kwargs):
        asked.append(url)
        return httpx.Response(200, content=REGISTER_CSV.encode("cp1251"))

    monkeypatch.setattr(httpx, "get", get)
    watch(identifier=ONLY_REGISTER, kind="legal_entity")

    runs = sync.sync_all(sources=[samruk.NAME], trigger="weekly schedule")

    assert [run.status for run in runs] == [SyncRun.Status.SUCCEEDED]
    assert asked == ["https://www.sk.kz/lists/register.csv"]
    assert lists_of(ONLY_REGISTER) == {samruk.REGISTER}
    assert lists_of(ON_BOTH) == {samruk.UNRELIABLE}
    assert lookup_source("samruk").lookup(ONLY_REGISTER) is not None
    # SYNC-2: a second run over the same lists changes nothing.
    listings = list(StateListing.objects.order_by("pk").values())
    again = sync.sync_all(sources=[samruk.NAME], trigger="weekly schedule")
    assert again[0].counts["events"] == 0
    assert list(StateListing.objects.order_by("pk").values()) == listings


@pytest.mark.django_db
@pytest.mark.req("SYNC-3")
def test_an_unconfigured_list_fails_the_run_and_applies_nothing(settings, tmp_path):
    settings.STATE_SOURCES_BACKEND = "gateway"
    settings.SAMRUK_REGISTER_URL = ""
    unreliable = tmp_path / "unreliable.csv"
    unreliable.write_text(UNRELIABLE_CSV, encoding="utf-8")
    settings.SAMRUK_UNRELIABLE_URL = str(unreliable)

    run = sync_source(source="samruk")

    assert run.status == SyncRun.Status.FAILED
    assert "SAMRUK_REGISTER_URL" in run.errors
    assert not StateListing.objects.exists()


def test_a_file_says_which_list_it_is_by_its_title(tmp_path):
    register, unreliable = tmp_path / "a.csv", tmp_path / "b.csv"
    register.write_text(REGISTER_CSV, encoding="utf-8")
    unreliable.write_text(UNRELIABLE_CSV, encoding="utf-8")

    assert samruk.list_of_file(register) == samruk.REGISTER
    assert samruk.list_of_file(unreliable) == samruk.UNRELIABLE
    assert {e.list for e in samruk.read_list(register)} == {samruk.REGISTER}


@pytest.mark.django_db
def test_importing_one_list_keeps_the_other(settings, tmp_path):
    settings.STATE_SOURCES_BACKEND = "gateway"
    register, unreliable = tmp_path / "register.csv", tmp_path / "unreliable.csv"
    register.write_text(REGISTER_CSV, encoding="utf-8")
    unreliable.write_text(UNRELIABLE_CSV, encoding="utf-8")
    watch(identifier=ONLY_REGISTER, kind="legal_entity")
    call_command("import_samruk_list", str(register), str(unreliable), stdout=Out())

    unreliable.write_text(
        "№;БИН/ИИН;Наименование\n1;900102478656;ИП «Нұрлы Жол»\n", encoding="utf-8"
    )
    call_command("import_samruk_list", str(unreliable), "--list", samruk.UNRELIABLE, stdout=Out())

    assert lists_of(ONLY_REGISTER) == {samruk.REGISTER}, "the register stays as imported"
    assert not StateListing.objects.filter(
        source="samruk", identifier=ON_BOTH, removed_run__isnull=True
    ).exists()
    assert list(StateChangeEvent.objects.values_list("kind", "identifier")) == [
        ("listed_by_samruk", ONLY_REGISTER)
    ]
