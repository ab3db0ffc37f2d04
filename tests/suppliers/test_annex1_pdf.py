"""SUP-7: the application in the form of Annex 1, rendered as a PDF in Kazakh and Russian.

The PDFs are read back with pypdf: their text (the form's wording of the application's edition,
the supplier's data, the annexed lists), their fonts (embedded, covering the Kazakh letters) and
their tagging (PDF/UA).
"""

from __future__ import annotations

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from egov_gateway.eds.services import sign_document
from egov_gateway.eds.signer import Purpose
from egov_gateway.models import StateRecord
from egov_gateway.sources import gbd_fl, gbd_ul, psychiatric, real_estate
from portal.calendar import ALMATY
from portal.editions import Offer, SupplierKind
from suppliers.annex import (
    SignedCopyUnavailable,
    annex1_context,
    render_annex1,
    render_signed_copy,
)
from suppliers.models import (
    AnnexDocument,
    Application,
    DocType,
    Offering,
    ServiceAddress,
    Specialist,
    SupportingDocument,
)
from tests.factories import (
    ClassifierItemFactory,
    RegionFactory,
    UserFactory,
    iin_from_sequence,
)
from tests.suppliers.factories import ApplicationFactory, SupplierFactory, pdf_bytes

pytestmark = pytest.mark.django_db

KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"
ON = datetime.date(2024, 3, 5)
FETCHED_AT = datetime.datetime(2024, 3, 4, 10, 30, tzinfo=ALMATY)

# Identifiers and head of the test PKI's organisation, so the signed copy can be signed for real.
HEAD_IIN, COMPANY_BIN = "770303300016", "100440000014"
ASSISTANT_IIN = iin_from_sequence(7_007, female=True)

COMPANY_NAME = "«Қазақстан Өңір Ұстаздары» ЖШС"
COMPANY_FULL_NAME_KK = "«Қазақстан Өңір Ұстаздары» жауапкершілігі шектеулі серіктестігі"
COMPANY_FULL_NAME_RU = "Товарищество с ограниченной ответственностью «Қазақстан Өңір Ұстаздары»"
CERTIFICATE_PDF = pdf_bytes()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


ASSISTANT_NAME = "Әбдіғалиева Гүлнұр Қайратқызы"


# --------------------------------------------------------------------------------------------
# The applications
# --------------------------------------------------------------------------------------------


def _state_record(answer) -> StateRecord:
    return StateRecord.objects.create(
        identifier=answer.identifier,
        source=answer.source,
        fetched_at=answer.fetched_at,
        found=True,
        data=answer.data(),
        raw="<answer/>",
    )


def legal_entity_application(*, edition_code: str = "2022") -> Application:
    region = RegionFactory(kato="750000000")  # Almaty city
    supplier = SupplierFactory(
        kind=SupplierKind.LEGAL_ENTITY, identifier=COMPANY_BIN, name=COMPANY_NAME, region=region
    )
    application = ApplicationFactory(
        supplier=supplier,
        edition_code=edition_code,
        offers=[Offer.TECHNICAL_AIDS],
        mobile_phone="+77011234567",
        email="info@ustaz.example",
        phone="+77272501020",
        fax="+77272501021",
        website="https://ustaz.example",
        iban="KZ86125KZT5004100100",
        bic="KCJBKZKX",
        bank_name="АО «Банк ЦентрКредит»",
        consent_personal_data=True,
        consent_publication=True,
        region=region,
    )
    wheelchair = ClassifierItemFactory(
        code="TEST-7-01",
        name_kk="Бөлмеге арналған мүгедектер арбасы",
        name_ru="Кресло-коляска комнатная",
        name_en="Indoor wheelchair",
    )
    crutches = ClassifierItemFactory(
        code="TEST-7-02",
        name_kk="Шынтақ балдақтары",
        name_ru="Костыли с опорой под локоть",
        name_en="Elbow crutches",
    )
    Offering.objects.create(
        application=application,
        classifier_item=wheelchair,
        characteristics="Ені 60 см, жүк көтергіштігі 120 кг",
        price=Decimal("187500.00"),
        unit="дана",
        stock_quantity=14,
    )
    Offering.objects.create(
        application=application,
        classifier_item=crutches,
        characteristics="Алюминий, биіктігі реттеледі",
        price=Decimal("23990.50"),
        unit="жұп",
        stock_quantity=60,
    )
    ServiceAddress.objects.create(
        application=application,
        region=region,
        settlement="Алматы",
        street="Абай даңғылы",
        building="52",
        premises="14",
    )
    certificate = SupportingDocument(
        application=application,
        doc_type=DocType.CONFORMITY_CERTIFICATE,
        item_code="TEST-7-01",
        original_name="сәйкестік-сертификаты.pdf",
        content_type="application/pdf",
        size=len(CERTIFICATE_PDF),
        sha256=hashlib.sha256(CERTIFICATE_PDF).hexdigest(),
        expires_on=datetime.date(2026, 12, 31),
        uploaded_by=UserFactory(),
    )
    certificate.file.save("upload.pdf", ContentFile(CERTIFICATE_PDF), save=False)
    certificate.save()
    _state_record(
        gbd_ul.LegalEntity(
            source=gbd_ul.NAME,
            identifier=COMPANY_BIN,
            fetched_at=FETCHED_AT,
            raw="",
            bin=COMPANY_BIN,
            full_name_kk=COMPANY_FULL_NAME_KK,
            full_name_ru=COMPANY_FULL_NAME_RU,
            registered_on=datetime.date(2010, 4, 1),
            registration_number="38417-1901-ТОО",
            short_name_kk=COMPANY_NAME,
            short_name_ru="ТОО «Қазақстан Өңір Ұстаздары»",
            legal_address="г. Алматы, Медеуский район, пр. Абая, 52",
            head_full_name="Басшы Ерлан Серікұлы",
            head_iin=HEAD_IIN,
            founders=(gbd_ul.Founder("Басшы Ерлан Серікұлы", HEAD_IIN, "Қазақстан"),),
            activities=(
                gbd_ul.Activity(
                    "47740",
                    name_ru="Розничная торговля медицинскими товарами",
                    name_kk="Медициналық тауарларды бөлшек саудада сату",
                    is_main=True,
                ),
            ),
            ownership_form="Частная",
        )
    )
    _state_record(
        real_estate.RealEstateRights(
            source=real_estate.NAME,
            identifier=COMPANY_BIN,
            fetched_at=FETCHED_AT,
            raw="",
            rights=(
                real_estate.Right(
                    "20-311-004-117", "г. Алматы, пр. Абая, 52", "аренда", datetime.date(2021, 5, 1)
                ),
            ),
        )
    )
    return application


def assistant_application() -> Application:
    region = RegionFactory(kato="710000000")  # Astana
    supplier = SupplierFactory(
        kind=SupplierKind.INDIVIDUAL_ASSISTANT,
        identifier=ASSISTANT_IIN,
        name=ASSISTANT_NAME,
        region=region,
    )
    application = ApplicationFactory(
        supplier=supplier,
        edition_code="2022",
        offers=[Offer.INDIVIDUAL_ASSISTANT],
        mobile_phone="+77051112233",
        email="gulnur@example.kz",
        consent_personal_data=True,
        consent_publication=False,
        region=region,
    )
    service = ClassifierItemFactory(
        code="TEST-7-10",
        kind="services",
        register="individual_assistant",
        name_kk="Жеке көмекшінің қызметі",
        name_ru="Услуги индивидуального помощника",
        name_en="Individual assistant services",
    )
    Offering.objects.create(
        application=application,
        classifier_item=service,
        characteristics="Күніне 8 сағат",
        price=Decimal("1540.00"),
        unit="сағат",
    )
    ServiceAddress.objects.create(
        application=application, region=region, settlement="Астана", street="Сарыарқа", building="7"
    )
    Specialist.objects.create(
        application=application,
        full_name=ASSISTANT_NAME,
        iin=ASSISTANT_IIN,
        position="жеке көмекші",
        education="Жоғары, әлеуметтік жұмыс",
        qualification="Әлеуметтік қызметкер",
        experience_years=6,
    )
    _state_record(
        gbd_fl.Person(
            source=gbd_fl.NAME,
            identifier=ASSISTANT_IIN,
            fetched_at=FETCHED_AT,
            raw="",
            iin=ASSISTANT_IIN,
            surname="Әбдіғалиева",
            first_name="Гүлнұр",
            patronymic="Қайратқызы",
            legal_address="Астана қ., Сарыарқа ауданы, Сарыарқа д-лы, 7",
        )
    )
    _state_record(
        psychiatric.PsychiatricRegistration(
            source=psychiatric.NAME,
            identifier=ASSISTANT_IIN,
            fetched_at=FETCHED_AT,
            raw="",
            iin=ASSISTANT_IIN,
            is_registered=False,
        )
    )
    return application


# --------------------------------------------------------------------------------------------
# Reading a PDF back
# --------------------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    """All the text of the PDF, whitespace collapsed (line breaks fall between words)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").split())


def page_fonts(pdf: bytes) -> list[dict]:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptors = [
                d.get_object()["/FontDescriptor"].get_object()
                for d in font.get("/DescendantFonts", [])
            ] or [font["/FontDescriptor"].get_object()]
            fonts.append({"name": str(font["/BaseFont"]), "descriptors": descriptors})
    return fonts


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


@pytest.mark.req("SUP-7", "SUP-10")
def test_russian_annex_is_the_2022_form_filled_with_the_legal_entitys_data():
    application = legal_entity_application()

    text = pdf_text(render_annex1(application, language="ru", on=ON))

    assert "Приложение 1 к Правилам допуска поставщиков товаров и (или) услуг" in text
    assert "Заявление на допуск и регистрацию на портале социальных услуг" in text
    assert "Прошу допустить и зарегистрировать на портале социальных услуг" in text
    # SUP-7: the name the state certifies, in the form's language, not the one typed at the start
    assert f"{COMPANY_FULL_NAME_RU} (полное наименование" in text
    assert COMPANY_BIN in text
    assert "Юридический адрес г. Алматы, Медеуский район, пр. Абая, 52" in text
    assert "Электронная почта info@ustaz.example" in text
    assert "Контактный телефон +77011234567, +77272501020" in text
    assert "Факс +77272501021" in text
    assert "все прилагаемые документы соответствуют действительности" in text
    # SUP-7: the seed's form has no box before the consent to personal-data processing
    assert "нет. Даю согласие" not in text
    assert "действительными. Даю согласие на сбор и обработку моих персональных данных" in text
    assert (
        "Даю согласие на опубликование персональных данных или сведений в реестре и (или) "
        "регистре поставщиков на портале ☒ да, ☐ нет." in text
    )
    assert "Дата «05» марта 2024 года" in text
    assert "Удостоверено ЭЦП" in text
    # the annexed lists: each offering with its name and price, the documents, the state data
    assert "Кресло-коляска комнатная" in text
    assert "187 500,00" in text
    assert "Костыли с опорой под локоть" in text
    assert "23 990,50" in text
    assert "Абай даңғылы" in text
    assert "сәйкестік-сертификаты.pdf" in text.replace("- ", "-")  # may wrap at the hyphen
    assert hashlib.sha256(CERTIFICATE_PDF).hexdigest()[:16] in text
    assert "KZ86125KZT5004100100" in text
    assert "Басшы Ерлан Серікұлы" in text
    assert "20-311-004-117" in text
    assert "04.03.2024" in text  # the date the state data was received


@pytest.mark.req("SUP-7", "SUP-10")
def test_kazakh_annex_is_the_2022_form_in_kazakh_with_kazakh_letters_intact():
    application = legal_entity_application()

    text = pdf_text(render_annex1(application, language="kk", on=ON))

    assert "Әлеуметтік қызметтер порталына жіберуге және тіркеуге өтініш" in text
    assert "Әлеуметтік қызметтер порталына жіберуді және тіркеуді сұраймын" in text
    assert "1-қосымша" in text
    assert COMPANY_NAME in text  # Қ, Ө, Ң, Ұ survive extraction
    assert COMPANY_BIN in text
    assert "Заңды мекенжайы г. Алматы, Медеуский район, пр. Абая, 52" in text
    assert "☒ Әлеуметтік қызметтер порталында" not in text  # no box the seed does not have
    assert "болып табылады. Әлеуметтік қызметтер порталында тіркеу және оны пайдалану үшін" in text
    assert "дербес деректерімді жинауға және өңдеуге келісім беремін" in text
    assert "жариялауға келісім беремін ☒ иә, ☐ жоқ." in text
    assert "Күні: «05» наурыз 2024 жыл" in text
    assert "ЭЦҚ-мен куәландырылды" in text
    assert "Бөлмеге арналған мүгедектер арбасы" in text
    assert "187 500,00" in text
    assert "Шынтақ балдақтары" in text
    assert "23 990,50" in text
    assert "Медициналық тауарларды бөлшек саудада сату" in text  # state data in Kazakh
    # the Russian form's wording is not mixed in
    assert "Заявление на допуск" not in text


@pytest.mark.req("SUP-7")
@pytest.mark.parametrize(
    ("language", "title", "identifier_caption", "no_publication"),
    [
        (
            "ru",
            "Заявление на допуск и регистрацию на портале социальных услуг",
            "(БИН или ИИН)",
            "☐ да, ☒ нет.",
        ),
        (
            "kk",
            "Әлеуметтік қызметтер порталына жіберуге және тіркеуге өтініш",
            "(БСН немесе ЖСН)",
            "☐ иә, ☒ жоқ.",
        ),
    ],
)
def test_individual_assistants_annex_shows_the_persons_data(
    language, title, identifier_caption, no_publication
):
    application = assistant_application()

    text = pdf_text(render_annex1(application, language=language, on=ON))

    assert title in text
    assert ASSISTANT_NAME in text
    assert f"{ASSISTANT_IIN} {identifier_caption}" in text
    assert "Астана қ., Сарыарқа ауданы, Сарыарқа д-лы, 7" in text  # legal address, state data
    assert no_publication in text  # the supplier refused publication
    assert "1 540,00" in text
    assert {"kk": "Жеке көмекшінің қызметі", "ru": "Услуги индивидуального помощника"}[
        language
    ] in text
    assert "Жоғары, әлеуметтік жұмыс" in text  # the specialist's education


@pytest.mark.req("SUP-7", "E20-1")
@pytest.mark.parametrize(
    ("language", "title", "consent"),
    [
        (
            "kk",
            "Әлеуметтік қызметтер порталында тіркеуге өтініш",
            "дербес деректерімді жинауға және өңдеуге келісім беретінімді растаймын",
        ),
        (
            "ru",
            "Заявление на регистрацию на портале социальных услуг",
            "Подтверждаю согласие на сбор и обработку моих персональных данных",
        ),
    ],
)
def test_edition_2020_annex_uses_its_form_and_shows_the_stock_quantity(language, title, consent):
    application = legal_entity_application(edition_code="2020")

    context = annex1_context(application, language=language, on=ON)
    text = pdf_text(render_annex1(application, language=language, on=ON))

    assert context["asks_publication_consent"] is False
    assert title in text
    assert consent in text
    # the 2020 form asks for the address of the place of activity and has no publication consent
    assert "Абай даңғылы, 52, 14" in text
    assert "☒ да" not in text and "☒ иә" not in text
    # E20-1: the quantity in stock of each offering, next to its price
    assert "187 500,00 14" in text
    assert "23 990,50 60" in text


@pytest.mark.req("SUP-7")
def test_edition_2022_annex_has_no_stock_quantity_column():
    application = legal_entity_application()

    context = annex1_context(application, language="ru", on=ON)
    text = pdf_text(render_annex1(application, language="ru", on=ON))

    assert context["show_stock_quantity"] is False
    assert "187 500,00 14" not in text
    assert "23 990,50 60" not in text


@pytest.mark.req("SUP-7", "SUP-10")
def test_unanswered_consent_to_publication_ticks_neither_box():
    application = legal_entity_application()
    Application.objects.filter(pk=application.pk).update(consent_publication=None)
    application.refresh_from_db()

    text = pdf_text(render_annex1(application, language="ru", on=ON))

    assert "на портале ☐ да, ☐ нет." in text


@pytest.mark.req("SUP-7")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_annex_embeds_its_own_font_covering_the_kazakh_letters(language):
    application = legal_entity_application()

    pdf = render_annex1(application, language=language, on=ON)

    fonts = page_fonts(pdf)
    assert {font["name"].split("+")[-1] for font in fonts} == {"Annex-Sans", "Annex-Sans-Bold"}
    for font in fonts:
        assert all("/FontFile2" in d for d in font["descriptors"]), font["name"]


@pytest.mark.req("SUP-7")
def test_every_kazakh_letter_round_trips_through_the_pdf():
    application = legal_entity_application()
    record = StateRecord.objects.get(identifier=COMPANY_BIN, source=gbd_ul.NAME)
    record.data["full_name_kk"] = f"{KAZAKH_LETTERS} Қазақстан"
    record.save()

    text = pdf_text(render_annex1(application, language="kk", on=ON))

    assert f"{KAZAKH_LETTERS} Қазақстан" in text
    assert "өтініш" in text


@pytest.mark.req("SUP-7")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_annex_is_a_tagged_pdf_ua_document_with_title_and_language(language):
    application = legal_entity_application()

    reader = PdfReader(io.BytesIO(render_annex1(application, language=language, on=ON)))

    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == language
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    title = {
        "ru": "Заявление на допуск и регистрацию на портале социальных услуг",
        "kk": "Әлеуметтік қызметтер порталына жіберуге және тіркеуге өтініш",
    }[language]
    name = {"ru": COMPANY_FULL_NAME_RU, "kk": COMPANY_FULL_NAME_KK}[language]  # SUP-7
    assert reader.metadata.title == f"{title}: {name}"
    assert reader.metadata.author == name


@pytest.mark.req("SUP-7")
def test_what_the_supplier_typed_is_printed_as_text_never_as_markup():
    application = legal_entity_application()
    typed = '<img src="file:///etc/passwd"> <b>Жарнама</b>'
    Application.objects.filter(pk=application.pk).update(bank_name=typed)
    application.refresh_from_db()

    text = pdf_text(render_annex1(application, language="ru", on=ON))

    assert typed in text


@pytest.mark.req("SUP-7")
def test_annex_is_made_only_in_kazakh_or_russian():
    application = legal_entity_application()

    with pytest.raises(ValueError, match="Kazakh or Russian"):
        render_annex1(application, language="en")


@pytest.mark.req("SUP-7")
def test_the_same_data_render_to_the_same_bytes():
    application = legal_entity_application()

    assert render_annex1(application, language="kk", on=ON) == render_annex1(
        application, language="kk", on=ON
    )


# --------------------------------------------------------------------------------------------
# After signing (SUP-8): the signed bytes stay; a printed copy shows who signed
# --------------------------------------------------------------------------------------------


@pytest.fixture
def signed_annex(trust_test_pki, user_factory):
    head = user_factory(iin=HEAD_IIN, full_name="Басшы Ерлан Серікұлы")
    application = legal_entity_application()
    rendered_at = timezone.now()
    pdf = render_annex1(
        application, language="ru", on=timezone.localtime(rendered_at, ALMATY).date()
    )
    annex = AnnexDocument.objects.create(
        application=application,
        language="ru",
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        revision=application.revision,
        rendered_at=rendered_at,
    )
    key = trust_test_pki.key_for(HEAD_IIN, Purpose.SIGN, COMPANY_BIN)
    signature = sign_document(
        role="supplier",
        cms=key.sign(pdf),
        data=pdf,
        purpose=Purpose.SIGN,
        signer_user=head,
        expected_iin=HEAD_IIN,
        expected_bin=COMPANY_BIN,
        obj=annex,
        document_kind="annex1",
    )
    AnnexDocument.objects.filter(pk=annex.pk).update(signature=signature)
    annex.refresh_from_db()
    return annex


@pytest.mark.req("SUP-7", "SUP-8")
def test_printed_copy_of_a_signed_annex_shows_the_signer_and_leaves_the_signed_bytes(
    signed_annex,
):
    signed = bytes(signed_annex.pdf)
    signature = signed_annex.signature

    copy = render_signed_copy(signed_annex)

    text = pdf_text(copy)
    assert "Заявление на допуск и регистрацию на портале социальных услуг" in text
    assert f"Удостоверено ЭЦП {signature.common_name}" in text
    assert signature.iin in text
    assert signature.certificate_serial in text
    signing_time = timezone.localtime(signature.signing_time, ALMATY)
    assert f"{signing_time:%d.%m.%Y %H:%M:%S}" in text
    assert hashlib.sha256(signed).hexdigest()[:16] in text
    # the signed document itself carries none of it and is unchanged
    signed_annex.refresh_from_db()
    assert bytes(signed_annex.pdf) == signed
    assert signature.certificate_serial not in pdf_text(signed)
    # the line names the head, as the form asks, already in the bytes signed (issue 9)
    assert "Удостоверено ЭЦП Басшы Ерлан Серікұлы (фамилия, имя, отчество" in pdf_text(signed)


@pytest.mark.req("SUP-7", "SUP-8")
def test_printed_copy_shows_the_state_data_as_signed_after_a_later_refresh(signed_annex):
    StateRecord.objects.create(
        identifier=COMPANY_BIN,
        source=gbd_ul.NAME,
        fetched_at=signed_annex.rendered_at + datetime.timedelta(days=3),
        found=True,
        data={"bin": COMPANY_BIN, "legal_address": "г. Астана, ул. Новая, 1"},
        raw="<answer/>",
    )

    text = pdf_text(render_signed_copy(signed_annex))

    assert "г. Алматы, Медеуский район, пр. Абая, 52" in text
    assert "ул. Новая" not in text


@pytest.mark.req("SUP-7", "SUP-8")
def test_no_printed_copy_once_the_data_differ_from_what_was_signed(signed_annex):
    Offering.objects.filter(application=signed_annex.application).update(price=Decimal("1.00"))

    with pytest.raises(SignedCopyUnavailable):
        render_signed_copy(signed_annex)
