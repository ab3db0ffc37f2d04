"""Suppliers and their applications for admission to the Social Services Portal (SUP, E20).

A supplier (Поставщик) signs the public offer (SUP-2), receives state data (SUP-3, kept in
``egov_gateway.StateRecord``), fills in its application (Заявка, Annex 1) section by section
(SUP-4), uploads supporting documents (SUP-5), and signs and submits the rendered Annex 1
(SUP-7, SUP-8). State changes go through ``suppliers.services`` only.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.deadlines import HeldDeadline
from portal.editions.base import Offer, SupplierKind
from portal.identifiers import validate_iin, validate_iin_or_bin
from suppliers.storage import document_path, private_storage

# The commission's periods for an application, from the day after it arrives: the check (2022
# p.12; 2020 p.13), then, where the edition fixes one, the decision (2020 p.14) (CAL-2).
REVIEW_PERIODS = ("review_deadline_working_days", "decision_deadline_working_days")


class Supplier(models.Model):
    """A supplier of goods and (or) services (Поставщик, 2022 p.2(4), p.3; 2020 p.2(2)).

    Identified by the BIN of a legal entity or the IIN of a natural person (SUP-1). People act
    for a legal entity through ``RoleAssignment(role=supplier, organisation_bin=BIN)``; an
    individual entrepreneur or individual assistant is the holder of the IIN.
    """

    kind = models.CharField(_("kind of supplier"), max_length=32, choices=SupplierKind.choices)
    identifier = models.CharField(
        _("BIN/IIN"), max_length=12, unique=True, validators=[validate_iin_or_bin]
    )
    name = models.CharField(_("name"), max_length=500)
    # What the supplier chose to offer on the start page, kept until the draft application takes
    # it (issue 9, item 2: a new session does not lose it).
    chosen_offers = ArrayField(
        models.CharField(max_length=40, choices=Offer.choices),
        default=list,
        blank=True,
        verbose_name=_("offers chosen at the start"),
    )
    region = models.ForeignKey(
        "portal.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suppliers",
        verbose_name=_("region of registration"),
        help_text=_(
            "The region of the supplier's legal address (the state's registered address, or the "
            "one the supplier entered where no state system has it): its applications go to "
            "this region's commission."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def is_legal_entity(self) -> bool:
        return self.kind == SupplierKind.LEGAL_ENTITY


class OfferAcceptance(models.Model):
    """The supplier's acceptance of the public offer, signed with EDS (акцепт оферты, SUP-2).

    ``signature`` keeps the exact bytes of the offer text that was signed; ``offer_version`` and
    ``language`` say which template rendered them.
    """

    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        related_name="offer_acceptances",
        verbose_name=_("supplier"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signature = models.OneToOneField(
        "eds.Signature",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signature"),
    )
    offer_version = models.CharField(_("version of the offer"), max_length=20)
    language = models.CharField(_("language"), max_length=5)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        verbose_name = _("acceptance of the public offer")
        verbose_name_plural = _("acceptances of the public offer")

    def __str__(self) -> str:
        return f"{self.supplier}: {self.offer_version} ({self.accepted_at:%Y-%m-%d})"


class Section(models.TextChoices):
    """The sections of the application's task list (SUP-4; 2022 p.7, 2020 p.5)."""

    OFFERS = "offers", _("What you offer")
    STATE_DATA = "state_data", _("Data from state systems")
    CONTACTS = "contacts", _("Contact details")
    BANK_DETAILS = "bank_details", _("Bank details")
    OFFERINGS = "offerings", _("Goods and services, characteristics and prices")
    ADDRESSES = "addresses", _("Addresses where goods are sold or services provided")
    STAFF = "staff", _("Staff")
    PLACES = "places", _("Places")
    DEPARTMENT = "department", _("Special social services department")
    MATERIAL_RESOURCES = "material_resources", _("Material resources")
    SPECIALISTS = "specialists", _("Specialists: education, qualification and experience")
    MEDICAL_CERTIFICATE = "medical_certificate", _("Medical certificate form 075/u")
    ACCESSIBILITY = "accessibility", _("Accessibility of the premises")
    CONDITIONS = "conditions", _("Conditions of registration")
    CONSENTS = "consents", _("Consents")


class Application(ConcurrentTransitionMixin, models.Model):
    """An application for admission and registration on the portal (Заявка / заявление,
    Annex 1; 2022 p.7-10, 2020 p.5-9).

    ``status`` is protected: it changes only through the transitions below, called by
    ``suppliers.services``. ``edition_code`` is the rules edition of the application: the one
    in force when the draft was started, moved to the one in force on the day it is signed and
    filed (SUP-8); every legal parameter of its handling comes from that edition.
    ``revision`` grows with every change of the data, so a rendered Annex 1 is known to show the
    data as they are.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        UNDER_REVIEW = "under_review", _("under review by the commission")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="applications", verbose_name=_("supplier")
    )
    edition_code = models.CharField(_("rules edition"), max_length=10)
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    offers = ArrayField(
        models.CharField(max_length=40, choices=Offer.choices),
        default=list,
        blank=True,
        verbose_name=_("what is offered"),
    )
    # contacts (2022 p.7(1); 2020 p.5(3); Annex 1)
    mobile_phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=16, blank=True)
    fax = models.CharField(_("fax"), max_length=16, blank=True)
    website = models.URLField(_("web site"), blank=True)
    # bank details (2022 p.7(2); 2020 p.5(6))
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("bank"), max_length=255, blank=True)
    # places (2022 p.7(8))
    places_count = models.PositiveIntegerField(_("number of places"), null=True, blank=True)
    # special social services department (2022 p.7(9))
    department_type = models.CharField(_("type of department"), max_length=255, blank=True)
    department_kind = models.CharField(_("kind of department"), max_length=255, blank=True)
    department_name = models.CharField(_("name of department"), max_length=500, blank=True)
    # whether the department's premises are the organisation's property: the title deed is asked
    # only then ("при наличии собственности", 2022 p.7(9)); None until the supplier answers
    department_premises_owned = models.BooleanField(
        _("the department's premises are the organisation's property"), null=True, blank=True
    )
    # staff (2022 p.7(7)) and material resources (2022 p.7(10)), described in words
    staff_count = models.PositiveIntegerField(_("staff count"), null=True, blank=True)
    material_resources = models.TextField(_("material resources"), blank=True)
    # consents (Annex 1; SUP-7, SUP-10): None until the supplier answers
    consent_personal_data = models.BooleanField(
        _("consent to the processing of personal data"), default=False
    )
    consent_publication = models.BooleanField(
        _("consent to publication in the registers"), null=True, blank=True
    )
    sections_saved = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        verbose_name=_("sections saved at least once"),
    )
    # The previous application this draft was filled in from (issue 9, item 7): each section it
    # carried over is confirmed (saved) by the supplier before the draft can be signed.
    prefilled_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filled in from"),
    )
    language = models.CharField(
        _("language of notifications"), max_length=5, default=settings.LANGUAGE_CODE
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_due = models.DateField(_("review due by"), null=True, blank=True)
    # review_due with the clauses that fix it, as a portal.deadlines.Deadline (CAL-2).
    review_deadline = HeldDeadline(day_field="review_due", parameter=REVIEW_PERIODS)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The commission's decision, once its protocol is published (2022 p.15-16; SUP-9).
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_protocol = models.CharField(_("protocol of the decision"), max_length=100, blank=True)
    decision_protocol_url = models.CharField(
        _("address of the published protocol"), max_length=200, blank=True
    )
    refusal_reasons = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("refusal reasons")
    )
    region = models.ForeignKey(
        "portal.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_applications",
        verbose_name=_("reviewing region"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["status", "region"], name="application_status_region")]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"],
                condition=models.Q(status="draft"),
                name="one_draft_per_supplier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} #{self.pk} ({self.get_status_display()})"

    @property
    def edition(self):
        from portal.editions import edition_by_code

        return edition_by_code(self.edition_code)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self) -> None:
        """Draft -> submitted (2022 p.10; 2020 p.9)."""

    @transition(
        field=status,
        source=[Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW],
        target=Status.WITHDRAWN,
    )
    def withdraw(self) -> None:
        """Withdrawn by the supplier before the commission decides."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.UNDER_REVIEW)
    def take_under_review(self) -> None:
        """Put on the agenda of the commission's meeting (2022 p.13; 2020 p.13: accepted by the
        secretary and put to the commission)."""

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.APPROVED)
    def approve(self) -> None:
        """Admitted and registered: the protocol of admission is published (2022 p.15-17)."""

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.REFUSED)
    def refuse(self) -> None:
        """Refused with reasons: the protocol of refusal is published (2022 p.15-16)."""

    @property
    def awaits_decision(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.UNDER_REVIEW)


class Offering(models.Model):
    """A kind of goods or service the supplier offers, with its characteristics and price
    (2022 p.7(3)-(5); 2020 p.5(1),(2),(5), p.8: one per kind, E20-1, E20-3)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="offerings",
        verbose_name=_("application"),
    )
    classifier_item = models.ForeignKey(
        "portal.ClassifierItem",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of goods or service"),
    )
    characteristics = models.TextField(_("characteristics"), blank=True)
    price = models.DecimalField(
        _("price, KZT"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    stock_quantity = models.PositiveIntegerField(_("quantity in stock"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("goods or service offered")
        verbose_name_plural = _("goods and services offered")

    def __str__(self) -> str:
        return f"{self.classifier_item.code} {self.classifier_item.name}"


class ServiceAddress(models.Model):
    """An address where goods are sold or services provided (2022 p.7(6); 2020 p.5(4))."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="addresses",
        verbose_name=_("application"),
    )
    region = models.ForeignKey(
        "portal.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    settlement = models.CharField(_("city, district or settlement"), max_length=255, blank=True)
    street = models.CharField(_("street"), max_length=255, blank=True)
    building = models.CharField(_("building"), max_length=50, blank=True)
    premises = models.CharField(_("premises"), max_length=50, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("address of activity")
        verbose_name_plural = _("addresses of activity")

    def __str__(self) -> str:
        parts = [self.region.name, self.settlement, self.street, self.building, self.premises]
        return ", ".join(p for p in parts if p)


class Specialist(models.Model):
    """A specialist who provides the services: education, qualification, experience
    (2022 p.7(7), p.7(11))."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="specialists",
        verbose_name=_("application"),
    )
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin])
    position = models.CharField(_("position"), max_length=255, blank=True)
    education = models.TextField(_("education"), blank=True)
    qualification = models.TextField(_("qualification"), blank=True)
    experience_years = models.PositiveSmallIntegerField(
        _("work experience, years"), null=True, blank=True
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("specialist")
        verbose_name_plural = _("specialists")

    def __str__(self) -> str:
        return self.full_name


class DocType(models.TextChoices):
    """Kinds of supporting documents (2022 p.7; 2020 p.6, p.7)."""

    STAFFING_TABLE = "staffing_table", _("staffing table")
    FOUNDING_DOCUMENTS = "founding_documents", _("founding documents")
    TITLE_DEED = "title_deed", _("document of title to the property")
    EQUIPMENT_PURCHASE = "equipment_purchase", _("proof of purchase of medical equipment")
    DIPLOMA = "diploma", _("diploma")
    QUALIFICATION_CERTIFICATE = "qualification_certificate", _("qualification certificate")
    EMPLOYMENT_CONTRACT = "employment_contract", _("employment contract")
    MEDICAL_CERTIFICATE_075U = "medical_certificate_075u", _("medical certificate form 075/u")
    ACCESSIBILITY_PHOTO = "accessibility_photo", _("photo of the accessibility of the premises")
    CONFORMITY_CERTIFICATE = "conformity_certificate", _("certificate of conformity")
    MEDICAL_DEVICE_REGISTRATION = (
        "medical_device_registration",
        _("registration certificate of a medical device"),
    )
    PROOF_OF_DATA = "proof_of_data", _("proof of data the state systems did not confirm")
    OTHER = "other", _("other document")


class SupportingDocument(models.Model):
    """A supporting document uploaded in the cabinet (2022 p.7 last paragraph, SUP-5; 2020 p.7).

    The file lies in private storage (``PRIVATE_MEDIA_ROOT``), named by a random id; the
    ``content_type`` is the one detected from the content, never the one the browser claimed.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    doc_type = models.CharField(_("type of document"), max_length=40, choices=DocType.choices)
    item_code = models.CharField(
        _("supported item"),
        max_length=64,
        blank=True,
        help_text=_("The code of the data item or the classifier item the document supports."),
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_path, max_length=255
    )
    original_name = models.CharField(_("file name as uploaded"), max_length=255)
    content_type = models.CharField(_("detected type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}: {self.original_name}"


class SuppliedStateItem(models.Model):
    """Data the state systems did not return, entered by the supplier (2022 p.6 last paragraph,
    p.7; SUP-3, SUP-5). State data itself stays in ``egov_gateway.StateRecord``."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="supplied_state_items",
        verbose_name=_("application"),
    )
    item_code = models.CharField(_("data item"), max_length=64)
    value = models.TextField(_("value"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        ordering = ["item_code"]
        verbose_name = _("data entered instead of state data")
        verbose_name_plural = _("data entered instead of state data")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "item_code"], name="one_supplied_value_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.value[:50]}"


class AnnexDocument(models.Model):
    """The rendered application in the form of Annex 1, the exact bytes to be signed (SUP-7).

    Rendering again makes a new row. Once ``signature`` is set the row can be neither changed nor
    deleted (a database trigger refuses both): the signed PDF never changes (SUP-8).
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="annexes", verbose_name=_("application")
    )
    language = models.CharField(_("language"), max_length=5)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The text extracted from ``pdf`` when it was rendered, shown on the sign page beside the
    # link to the PDF (issue 9, item 8): extracting it again takes about a second a page.
    text = models.TextField(_("extracted text"), blank=True, default="")
    revision = models.PositiveIntegerField(_("revision of the application data"))
    rendered_at = models.DateTimeField(_("rendered at"), default=timezone.now)
    signature = models.OneToOneField(
        "eds.Signature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature"),
    )

    class Meta:
        ordering = ["-rendered_at", "-pk"]
        verbose_name = _("Annex 1 application form")
        verbose_name_plural = _("Annex 1 application forms")
        triggers = [
            pgtrigger.Protect(
                name="annex_immutable_once_signed",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__signature__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} Annex 1 ({self.language}, {self.rendered_at:%Y-%m-%d %H:%M})"

    @property
    def is_signed(self) -> bool:
        return self.signature_id is not None
