"""The Samruk-Kazyna list, imported from the published file (DER-1 ground 4, SYNC-1)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from egov_gateway.errors import MalformedAnswer, SourceNotConfigured
from egov_gateway.models import StateChangeEvent, StateListing, SyncRun
from egov_gateway.services import watch
from egov_gateway.sources.registry import feed_source, lookup_source
from egov_gateway.sources.samruk import read_list

pytestmark = pytest.mark.req("SYNC-1")

TODAY = datetime.date(2026, 11, 23)


def test_a_published_csv_is_read_by_its_headings(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "Перечень ненадежных потенциальных поставщиков\n"
        "\n"
        "№;БИН/ИИН;Наименование;Основание включения;Дата включения;Дата исключения\n"
        "1;170740318604;ТОО «Медтехника Плюс»;Уклонение от заключения договора;12.03.2025;\n"
        "2;140240082465;ТОО «Шипа-Трейд»;Недостоверная информация;20.01.2024;21.01.2025\n"
        "3;нет данных;ООО «Нерезидент»;Неисполнение;01.02.2026;\n",
        encoding="cp1251",
    )

    entries = list(read_list(path, today=TODAY))

    assert [(e.identifier, e.name) for e in entries] == [
        ("170740318604", "ТОО «Медтехника Плюс»"),
        ("", "ООО «Нерезидент»"),
    ]
    first = entries[0]
    assert first.listed_on == datetime.date(2025, 3, 12)
    assert first.reason == "Уклонение от заключения договора"
    assert first.row_number == 4


def test_a_row_excluded_in_the_future_is_still_listed(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "BIN,Name,Date listed,Date excluded\n170740318604,Medtekhnika,2025-03-12,2027-01-01\n",
        encoding="utf-8",
    )

    assert [e.identifier for e in read_list(path, today=TODAY)] == ["170740318604"]


def test_an_xlsx_list_keeps_the_leading_zeros_of_bins(tmp_path):
    path = tmp_path / "list.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["№", "Наименование", "БИН", "Дата включения"])
    sheet.append(
        [
            1,
            "ТОО «Казахстанская ортопедическая компания»",
            81140913900,
            # An Excel cell holds a date without a time zone.
            datetime.datetime(2026, 4, 30),  # noqa: DTZ001
        ]
    )
    sheet.append([2, "ИП «Нұрлы Жол»", "900102478656", "17.06.2026"])
    workbook.save(path)

    entries = list(read_list(path, today=TODAY))

    assert [e.identifier for e in entries] == ["081140913900", "900102478656"]
    assert entries[0].listed_on == datetime.date(2026, 4, 30)


@pytest.mark.req("SYNC-3")
def test_a_file_without_a_bin_column_is_refused(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Наименование;Дата\nТОО «Ромашка»;01.01.2026\n", encoding="utf-8")

    with pytest.raises(MalformedAnswer, match="no BIN/IIN column"):
        list(read_list(path))


@pytest.mark.req("SYNC-3")
def test_a_date_that_cannot_be_read_is_refused_with_its_row(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("БИН;Дата включения\n170740318604;вчера\n", encoding="utf-8")

    with pytest.raises(MalformedAnswer, match="row 2"):
        list(read_list(path))


@pytest.mark.django_db
@pytest.mark.req("SYNC-2", "DER-2")
def test_the_import_command_syncs_the_list_and_emits_events(tmp_path, settings):
    settings.STATE_SOURCES_BACKEND = "gateway"
    watch(identifier="170740318604", kind="legal_entity")
    path = tmp_path / "samruk-2026-11.csv"
    path.write_text("БИН/ИИН;Наименование\n170740318604;ТОО «Медтехника Плюс»\n", encoding="utf-8")

    call_command("import_samruk_list", str(path), stdout=(out := Out()))
    call_command("import_samruk_list", str(path), stdout=Out())  # the same list again

    assert "1 listed (1 new" in out.text
    run = SyncRun.objects.filter(source="samruk").order_by("pk").first()
    assert run.trigger == "import samruk-2026-11.csv"
    assert [(e.kind, e.identifier) for e in StateChangeEvent.objects.all()] == [
        ("listed_by_samruk", "170740318604")
    ]
    assert lookup_source("samruk").lookup("170740318604").entries[0]["name"] == (
        "ТОО «Медтехника Плюс»"
    )
    assert lookup_source("samruk").lookup("151140077023") is None


@pytest.mark.django_db
@pytest.mark.req("SYNC-3")
def test_a_broken_file_imports_nothing_and_the_command_fails(tmp_path, settings):
    settings.STATE_SOURCES_BACKEND = "gateway"
    path = tmp_path / "broken.csv"
    path.write_text("Наименование\nТОО «Ромашка»\n", encoding="utf-8")

    with pytest.raises(CommandError, match="nothing applied"):
        call_command("import_samruk_list", str(path), stdout=Out())

    assert StateListing.objects.count() == 0
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


@pytest.mark.django_db
@pytest.mark.req("SYNC-3")
def test_before_any_import_the_gateway_backend_refuses_to_answer(settings):
    settings.STATE_SOURCES_BACKEND = "gateway"

    with pytest.raises(SourceNotConfigured, match="no Samruk-Kazyna list has been imported"):
        lookup_source("samruk").lookup("170740318604")
    with pytest.raises(SourceNotConfigured, match="import_samruk_list"):
        feed_source("samruk")


class Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
