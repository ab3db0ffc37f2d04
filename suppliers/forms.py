"""The supplier cabinet's HTML forms (SUP-2 … SUP-10).

Forms check what one page can check: the format of what was typed (phones, e-mail, IBAN/BIC with
``suppliers.validators``, IIN), and nothing about whether the application is complete: a draft
may be saved half-filled on every step, and what is missing is said by the completeness check
(SUP-6, ``services.completeness_problems``). Forms never save: views hand ``cleaned_data`` to
``suppliers.services``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.utils import flatatt
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.editions import ANNEX_LANGUAGES, Edition, Offer, SupplierKind
from portal.identifiers import validate_iin
from portal.models import ClassifierItem, Region
from suppliers import amounts, validators
from suppliers.models import (
    Application,
    DocType,
    Offering,
    Section,
    ServiceAddress,
    Specialist,
)

TEXT = {"class": "input--wide"}


def _choices(widget_class, **attrs):
    return widget_class(attrs={"class": "choices", **attrs})


class LoadedChoices:
    """The options of a drop-down list read once for a page (issue 12): every row of a formset
    shows and checks the same list, instead of each row reading its own. ``groups``:
    (label, items) for ``<optgroup>``s; by default one list."""

    def __init__(self, items: Iterable, *, label, groups: Callable | None = None) -> None:
        items = list(items)
        self.by_pk = {str(item.pk): item for item in items}
        self.options = [(item.pk, label(item)) for item in items]
        labels = dict(self.options)
        self.grouped = (
            [(name, [(i.pk, labels[i.pk]) for i in members]) for name, members in groups(items)]
            if groups
            else self.options
        )
        # The options as HTML, escaped once: every row's select joins the same strings.
        self.html: list[tuple[str, str]] = []  # (value, "<option …>"), value "" for markup
        for entry in self.grouped:
            name, members = entry if groups else (None, [entry])
            if name is not None:
                self.html.append(("", format_html('<optgroup label="{}">', name)))
            for value, label in members:
                self.html.append((str(value), format_html('<option value="{}"', value)))
                self.html.append(("", format_html(">{}</option>", label)))
            if name is not None:
                self.html.append(("", "</optgroup>"))


class LoadedSelect(forms.Select):
    """A select whose options come from ``LoadedChoices``, joined from HTML escaped once
    (issue 12): Django's own widget renders each option through a template, ten thousand of them
    for 100 rows of a formset."""

    loaded: LoadedChoices | None = None
    empty_label: str = ""

    def render(self, name, value, attrs=None, renderer=None):
        if self.loaded is None:
            return super().render(name, value, attrs, renderer)
        selected = {str(v) for v in self.format_value(value)}
        parts = [
            format_html(
                "<select{}>", flatatt({"name": name, **self.build_attrs(self.attrs, attrs)})
            ),
            format_html(
                '<option value=""{}>{}</option>',
                " selected" if "" in selected else "",
                self.empty_label,
            ),
        ]
        for option_value, html in self.loaded.html:
            parts.append(html)
            if option_value and option_value in selected:
                parts.append(" selected")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


class LoadedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose options come from ``LoadedChoices``: shown and checked
    without a query of its own."""

    widget = LoadedSelect
    loaded: LoadedChoices | None = None

    def load(self, loaded: LoadedChoices) -> None:
        self.loaded = loaded
        self.choices = [("", self.empty_label), *loaded.grouped]
        if isinstance(self.widget, LoadedSelect):
            self.widget.loaded = loaded
            self.widget.empty_label = str(self.empty_label or "")

    def to_python(self, value):
        if self.loaded is None or value in self.empty_values:
            return super().to_python(value)
        key = str(value.pk if isinstance(value, Model) else value)
        if key not in self.loaded.by_pk:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return self.loaded.by_pk[key]


class RegionChoiceField(LoadedModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


def region_choices(regions: Iterable[Region]) -> LoadedChoices:
    return LoadedChoices(regions, label=lambda region: region.name)


def active_regions():
    return Region.objects.filter(is_active=True).order_by("kato")


class PrintableText(forms.BaseForm):
    """Every text typed into the form is printed on Annex 1: refuse what its fonts cannot draw
    (``validators.validate_printable``), with the message at the field."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and value:
                try:
                    validators.validate_printable(value)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


# --- numbers as people type them (issue 9, item 5) --------------------------------------------


def _format(message: str, params: dict[str, str]) -> str:
    return str(message) % params


_lazy_format = lazy(_format, str)


def _in_language_of_request(message, **params: str):
    """``message % params`` translated when shown, not when the form class is defined."""
    return _lazy_format(message, params)


class AmountField(forms.DecimalField):
    """An amount in tenge typed as people write it ("125 000,50", "125000.50"), refused outside
    ``min_value`` … ``max_value`` with a message that gives the range; shown as the PDF prints it.
    """

    def __init__(self, *, min_value: Decimal, max_value: Decimal, **kwargs):
        allowed = _in_language_of_request(
            _("Enter a price from %(min)s to %(max)s tenge."),
            min=amounts.money(min_value),
            max=amounts.money(max_value),
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "class": "input--short", "spellcheck": "false"}
            ),
        )
        super().__init__(
            min_value=min_value,
            max_value=max_value,
            max_digits=14,
            decimal_places=2,
            error_messages={
                "invalid": _("Enter the price in digits, for example 125 000,50."),
                "min_value": allowed,
                "max_value": allowed,
                "max_digits": allowed,
                "max_whole_digits": allowed,
                "max_decimal_places": _(
                    "Enter the price with at most two digits after the comma, for example "
                    "125 000,50."
                ),
            },
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return amounts.parse_amount(str(value).strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return amounts.money(value) if isinstance(value, Decimal) else value


class WholeNumberField(forms.IntegerField):
    """A count typed with or without spaces between thousands ("1 200"), refused outside
    ``min_value`` … ``max_value`` with a message that gives the range. A text input: a number
    input drops "1 200" silently in some browsers."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        allowed = _in_language_of_request(
            _("Enter a whole number from %(min)s to %(max)s."),
            min=amounts.whole(min_value),
            max=amounts.whole(max_value),
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "input--short", "spellcheck": "false"}
            ),
        )
        super().__init__(
            min_value=min_value,
            max_value=max_value,
            error_messages={
                "invalid": _("Enter a whole number in digits, for example 12."),
                "min_value": allowed,
                "max_value": allowed,
            },
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return amounts.parse_whole(str(value).strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        # No min/max attributes: the browser would refuse without the message of the range.
        return {}


# --- start page (SUP-2) ----------------------------------------------------------------------


class StartForm(PrintableText, forms.Form):
    """Who the supplier is and what it offers (2022 p.3, p.5). Where it is registered is not
    asked: the region follows from its legal address (SUP-8).

    ``kinds`` are the kinds of supplier the signed-in certificate allows: an organisation's key
    acts for a legal entity, a personal key for an individual entrepreneur or assistant.
    """

    kind = forms.ChoiceField(
        label=_("What kind of supplier are you?"),
        widget=_choices(forms.RadioSelect),
        error_messages={"required": _("Choose what kind of supplier you are.")},
    )
    name = forms.CharField(
        label=_("Name of the supplier"),
        help_text=_(
            "As registered: the organisation's name, or for an individual entrepreneur the name "
            "of the business. An individual assistant gives their own full name. At most 500 "
            "characters."
        ),
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={
            "required": _("Enter the name of the supplier."),
            "max_length": _(
                "Enter a name of at most %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    offers = forms.MultipleChoiceField(
        label=_("What do you offer?"),
        help_text=_("Choose all that apply. You can change this until you submit."),
        widget=_choices(forms.CheckboxSelectMultiple),
        error_messages={"required": _("Choose at least one kind of goods or services you offer.")},
    )

    def __init__(self, *args, kinds: Iterable[str], edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        # Longer input is refused with a message, not cut by the browser where no one sees it.
        self.fields["name"].widget.attrs.pop("maxlength", None)
        allowed = set(kinds)
        self.fields["kind"].choices = [
            (value, kind_label(edition, value))
            for value, _label in SupplierKind.choices
            if value in allowed
        ]
        if len(self.fields["kind"].choices) == 1:
            self.fields["kind"].initial = self.fields["kind"].choices[0][0]
        self.fields["offers"].choices = offer_choices(edition)
        self.edition = edition
        # Where the rules restrict what a kind offers (SUP-1), the page says so before it is
        # chosen; ``clean`` refuses the rest.
        restricted = [
            edition.offers_not_allowed_message(supplier_kind=r.supplier_kind)
            for r in edition.offers_by_kind
            if r.supplier_kind in allowed
        ]
        if restricted:
            self.fields["offers"].help_text = " ".join(
                [str(self.fields["offers"].help_text), *restricted]
            )

    def clean(self):
        cleaned = super().clean()
        kind, offers = cleaned.get("kind"), cleaned.get("offers")
        if kind and offers:
            allowed = self.edition.offers_for(supplier_kind=kind)
            if any(offer not in allowed for offer in offers):
                self.add_error(
                    "offers",
                    self.edition.offers_not_allowed_message(supplier_kind=kind),
                )
        return cleaned


def kind_label(edition: Edition, kind: str) -> str:
    """The name of a kind of supplier under ``edition``: edition 2020 admits a legal entity's
    branches too ("заңды тұлғалар мен олардың филиалдары", p.2(2), p.4(1)), by their own BIN."""
    if kind == SupplierKind.LEGAL_ENTITY and edition.branches_may_apply:
        return _("legal entity or a branch of a legal entity")
    return SupplierKind(kind).label


def offer_choices(edition: Edition, *, supplier_kind: str | None = None) -> list[tuple[str, str]]:
    """The offers of the edition, or those a kind of supplier may make (SUP-1)."""
    labels = dict(Offer.choices)
    codes = (
        edition.offers if supplier_kind is None else edition.offers_for(supplier_kind=supplier_kind)
    )
    return [(code, labels[code]) for code in codes]


class OffersForm(forms.Form):
    """The "What you offer" section: which offers the application covers (2022 p.3)."""

    offers = forms.MultipleChoiceField(
        label=_("What do you offer?"),
        help_text=_("Choose all that apply. The sections of your application follow from this."),
        widget=_choices(forms.CheckboxSelectMultiple),
        error_messages={"required": _("Choose at least one kind of goods or services you offer.")},
    )

    def __init__(self, *args, edition: Edition, supplier_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["offers"]
        field.choices = offer_choices(edition, supplier_kind=supplier_kind)
        # A posted offer outside the kind's (SUP-1) is refused with the rule, not Django's
        # "not one of the available choices".
        field.error_messages = {
            **field.error_messages,
            "invalid_choice": edition.offers_not_allowed_message(supplier_kind=supplier_kind),
        }


# --- sections of the application (SUP-4) -------------------------------------------------------


class SectionForm(PrintableText, forms.ModelForm):
    """A section that edits fields of the application itself. Nothing is required here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def _post_clean(self):
        # The application is changed only by services.save_section; keep the form's instance
        # (the live application) untouched by ModelForm's construct_instance.
        pass


class ContactsForm(SectionForm):
    """Contacts (2022 p.7(1); Annex 1: e-mail, phone, fax). People write phones with spaces,
    brackets and dashes; they are kept in E.164 (``+77011234567``)."""

    mobile_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        help_text=_("For example, +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=32,
        required=False,
        help_text=_("With the area code, for example +7 7172 12 34 56."),
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    fax = forms.CharField(
        label=_("Fax"),
        max_length=32,
        required=False,
        help_text=_("If you have one."),
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    website = forms.URLField(
        label=_("Web site"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("If you have one, for example https://example.kz."),
        widget=forms.URLInput(attrs={**TEXT, "autocomplete": "url"}),
    )

    class Meta:
        model = Application
        fields = ["mobile_phone", "email", "phone", "fax", "website"]

    def _phone(self, name: str, *, mobile: bool = False) -> str:
        value = self.cleaned_data.get(name, "")
        if not value:
            return ""
        return validators.normalise_kz_phone(value, mobile=mobile)

    def clean_mobile_phone(self) -> str:
        return self._phone("mobile_phone", mobile=True)

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_fax(self) -> str:
        return self._phone("fax")

    def clean_email(self) -> str:
        value = self.cleaned_data.get("email", "")
        return validators.normalise_email(value) if value else ""


class BankDetailsForm(SectionForm):
    """Bank details (2022 p.7(2)): a Kazakh IBAN and the BIC of its bank."""

    class Meta:
        model = Application
        fields = ["iban", "bic", "bank_name"]
        widgets = {
            "iban": forms.TextInput(attrs={**TEXT, "spellcheck": "false", "autocomplete": "off"}),
            "bic": forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
            "bank_name": forms.TextInput(attrs=TEXT),
        }
        help_texts = {
            "iban": _("20 characters starting with KZ, for example KZ86 125K ZT50 0410 0100."),
            "bic": _("8 or 11 letters and digits, for example HSBKKZKX."),
            "bank_name": _("Leave empty to take it from the IBAN, when the bank is known."),
        }

    def clean_iban(self) -> str:
        value = self.cleaned_data.get("iban", "")
        return validators.normalise_kz_iban(value) if value else ""

    def clean_bic(self) -> str:
        value = self.cleaned_data.get("bic", "")
        return validators.normalise_bic(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        iban, bic = cleaned.get("iban"), cleaned.get("bic")
        if iban and bic:
            try:
                validators.check_iban_matches_bic(iban=iban, bic=bic)
            except ValidationError as error:
                self.add_error("bic", error)
        if iban and not cleaned.get("bank_name"):
            cleaned["bank_name"] = validators.bank_name_for(iban)
        return cleaned


class StaffForm(SectionForm):
    """Staff count (2022 p.7(7)); the list of specialists and the staffing table go with it."""

    staff_count = WholeNumberField(
        label=capfirst(_("staff count")),
        min_value=1,
        max_value=amounts.STAFF_MAX,
        required=False,
        help_text=_("The number of employees in your staffing table."),
    )

    class Meta:
        model = Application
        fields = ["staff_count"]


class PlacesForm(SectionForm):
    """Places for special social services and sanatorium-resort treatment (2022 p.7(8))."""

    places_count = WholeNumberField(
        label=capfirst(_("number of places")),
        min_value=1,
        max_value=amounts.PLACES_MAX,
        required=False,
        help_text=_(
            "How many people you can take at once for special social services or "
            "sanatorium-resort treatment."
        ),
    )

    class Meta:
        model = Application
        fields = ["places_count"]


def _yes_no(value: str) -> bool:
    return value == "yes"


class DepartmentForm(SectionForm):
    """The department providing special social services (2022 p.7(9)); whether its premises are
    the organisation's property decides whether the title deed is asked."""

    department_premises_owned = forms.TypedChoiceField(
        label=_("Are the department's premises the organisation's property?"),
        help_text=_(
            "If they are, upload the document of title, unless the state systems already show "
            "the ownership."
        ),
        choices=[("yes", _("Yes")), ("no", _("No, they are leased or used on another basis"))],
        coerce=_yes_no,
        empty_value=None,
        widget=_choices(forms.RadioSelect),
        required=False,
    )

    class Meta:
        model = Application
        fields = [
            "department_type",
            "department_kind",
            "department_name",
            "department_premises_owned",
        ]
        widgets = {
            "department_type": forms.TextInput(attrs=TEXT),
            "department_kind": forms.TextInput(attrs=TEXT),
            "department_name": forms.TextInput(attrs=TEXT),
        }
        help_texts = {
            "department_type": _("For example: inpatient, semi-inpatient, home care."),
            "department_kind": _("For example: for children, for adults, for older people."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answer = self.instance.department_premises_owned if self.instance else None
        if not self.is_bound and answer is not None:
            self.initial["department_premises_owned"] = "yes" if answer else "no"


class MaterialResourcesForm(SectionForm):
    """Material resources for special social services and sanatorium treatment (2022 p.7(10))."""

    class Meta:
        model = Application
        fields = ["material_resources"]
        widgets = {"material_resources": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "material_resources": _(
                "The medical equipment and other resources you provide the services with."
            )
        }


class ConsentsForm(SectionForm):
    """The consents of Annex 1 (SUP-7, SUP-10): personal data, and publication yes or no."""

    consent_publication = forms.TypedChoiceField(
        label=_("Do you consent to the publication of your data in the registers of the portal?"),
        help_text=_(
            "If you are admitted, your data appear in the public registers only with your "
            "consent. You sign this answer with the application."
        ),
        choices=[("yes", _("Yes, publish my data")), ("no", _("No, do not publish my data"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=_choices(forms.RadioSelect),
        required=False,
    )

    class Meta:
        model = Application
        fields = ["consent_personal_data", "consent_publication"]
        widgets = {"consent_personal_data": forms.CheckboxInput()}
        labels = {
            "consent_personal_data": _(
                "I consent to the collection and processing of my personal data of limited "
                "access, protected by law and held in information systems, for registration on "
                "and use of the Social Services Portal."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answer = self.instance.consent_publication if self.instance else None
        if not self.is_bound and answer is not None:
            self.initial["consent_publication"] = "yes" if answer else "no"


# --- rows: offerings, addresses, specialists ---------------------------------------------------


class ClassifierItemChoiceField(LoadedModelChoiceField):
    """The classifier's items, each shown with its code."""

    def label_from_instance(self, obj: ClassifierItem) -> str:
        return classifier_label(obj)


def classifier_label(item: ClassifierItem) -> str:
    return f"{item.code} {item.name}"


def classifier_choices(items: Iterable[ClassifierItem]) -> LoadedChoices:
    """The items in groups by kind (goods, services): ``<optgroup>`` in the select."""

    def by_kind(items: list[ClassifierItem]) -> list:
        groups = []
        for kind, label in ClassifierItem.Kind.choices:
            members = [item for item in items if item.kind == kind]
            if members:
                groups.append((label, members))
        return groups

    return LoadedChoices(items, label=classifier_label, groups=by_kind)


class RowForm(PrintableText, forms.ModelForm):
    """A row of the application (an offering, an address, a specialist). Never saved here."""

    def _post_clean(self):
        pass


class OfferingForm(RowForm):
    """A kind of goods or service with its characteristics and price (2022 p.7(3)-(5)); edition
    2020 also asks for the quantity in stock (E20-1)."""

    classifier_item = ClassifierItemChoiceField(
        label=_("Kind of goods or service"),
        help_text=_("From the classifier of goods and services."),
        queryset=ClassifierItem.objects.none(),
        empty_label=_("Choose from the classifier"),
        error_messages={"required": _("Choose the kind of goods or service.")},
    )

    price = AmountField(
        label=capfirst(_("price, KZT")),
        min_value=amounts.PRICE_MIN,
        max_value=amounts.PRICE_MAX,
        required=False,
        help_text=_("In tenge, for example 125 000 or 125 000,50."),
    )
    stock_quantity = WholeNumberField(
        label=capfirst(_("quantity in stock")),
        min_value=0,
        max_value=amounts.STOCK_MAX,
        required=False,
    )

    class Meta:
        model = Offering
        fields = ["classifier_item", "characteristics", "price", "unit", "stock_quantity"]
        widgets = {
            "characteristics": forms.Textarea(attrs={"rows": 5}),
            "unit": forms.TextInput(),
        }
        help_texts = {
            "characteristics": _("Size, material, model, what the service includes."),
            "unit": _("For example: piece, pair, day, hour, course."),
        }

    def __init__(
        self, *args, edition: Edition, classifier_items: LoadedChoices | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if classifier_items is None:
            classifier_items = classifier_choices(
                ClassifierItem.objects.filter(is_active=True).order_by("kind", "code")
            )
        self.fields["classifier_item"].load(classifier_items)
        if not edition.requires_stock_quantity:
            del self.fields["stock_quantity"]


class AddressForm(RowForm):
    """An address where goods are sold or services provided (2022 p.7(6))."""

    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        empty_label=_("Choose a region"),
        error_messages={"required": _("Choose the region of the address.")},
    )

    class Meta:
        model = ServiceAddress
        fields = ["region", "settlement", "street", "building", "premises"]
        widgets = {
            "settlement": forms.TextInput(attrs=TEXT),
            "street": forms.TextInput(attrs=TEXT),
            "building": forms.TextInput(attrs={"class": "input--short"}),
            "premises": forms.TextInput(attrs={"class": "input--short"}),
        }
        help_texts = {"premises": _("Office, flat or room, if any.")}

    def __init__(self, *args, regions: LoadedChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # An address starts with its region; the rest may follow later (the completeness check
        # says what is missing).
        self.fields["region"].load(regions or region_choices(active_regions()))


class SpecialistForm(RowForm):
    """A specialist: education, qualification and experience (2022 p.7(7), p.7(11)). A row
    counts when anything is typed in it; what is missing is said by the completeness check."""

    iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        required=False,
        help_text=_("12 digits, if you know it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    experience_years = WholeNumberField(
        label=capfirst(_("work experience, years")),
        min_value=0,
        max_value=amounts.EXPERIENCE_YEARS_MAX,
        required=False,
    )

    class Meta:
        model = Specialist
        fields = ["full_name", "iin", "position", "education", "qualification", "experience_years"]
        widgets = {
            "full_name": forms.TextInput(attrs=TEXT),
            "position": forms.TextInput(attrs=TEXT),
            "education": forms.Textarea(attrs={"rows": 3}),
            "qualification": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "education": _("The educational institution, the year and the speciality."),
            "qualification": _("Certificates and qualification categories."),
        }

    def clean_iin(self) -> str:
        value = "".join(self.cleaned_data.get("iin", "").split())
        if value:
            validate_iin(value)
        return value


# The sections whose form edits fields of the application itself.
SECTION_FORMS: dict[str, type[SectionForm]] = {
    Section.CONTACTS: ContactsForm,
    Section.BANK_DETAILS: BankDetailsForm,
    Section.STAFF: StaffForm,
    Section.PLACES: PlacesForm,
    Section.DEPARTMENT: DepartmentForm,
    Section.MATERIAL_RESOURCES: MaterialResourcesForm,
    Section.CONSENTS: ConsentsForm,
}
ROW_TITLES = {
    Section.OFFERINGS: _("Goods or service %(n)d"),
    Section.ADDRESSES: _("Address %(n)d"),
    Section.SPECIALISTS: _("Specialist %(n)d"),
}


# --- state data the state did not return (SUP-3, SUP-5) ----------------------------------------


class SuppliedStateItemsForm(PrintableText, forms.Form):
    """One text field per state-data item the state systems did not return."""

    def __init__(self, *args, items: Iterable, initial_values: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[item.code] = forms.CharField(
                label=item.text,
                required=False,
                max_length=2000,
                initial=initial_values.get(item.code, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )


# --- documents (SUP-5) -----------------------------------------------------------------------


class DocumentForm(forms.Form):
    """Upload of a supporting document: PDF, JPEG or PNG, checked by its content."""

    doc_type = forms.ChoiceField(
        label=_("Type of document"),
        error_messages={"required": _("Choose the type of document.")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, JPEG or PNG file."),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The selected file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    expires_on = forms.DateField(
        label=_("Valid until (if the document has an expiry date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter the date like 31.12.2027.")},
    )

    def __init__(self, *args, doc_types: Iterable[str], max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(DocType.choices)
        self.doc_types = list(doc_types)
        self.fields["doc_type"].choices = [(code, labels[code]) for code in self.doc_types]
        # With one type there is nothing to choose: the type is the requirement's.
        self.fields["doc_type"].required = len(self.doc_types) > 1
        self.fields["file"].help_text = _("A PDF, JPEG or PNG file, no larger than %(limit)s.") % {
            "limit": filesizeformat(max_bytes)
        }

    def clean_doc_type(self) -> str:
        value = self.cleaned_data.get("doc_type")
        return value or self.doc_types[0]


# --- signing and submitting (SUP-7, SUP-8) ------------------------------------------------------


class AnnexLanguageForm(forms.Form):
    """The language of the Annex 1 document the supplier signs (Kazakh or Russian)."""

    language = forms.ChoiceField(
        label=_("Which language do you sign the application in?"),
        choices=[(code, name) for code, name in settings.LANGUAGES if code in ANNEX_LANGUAGES],
        widget=_choices(forms.RadioSelect),
        error_messages={"required": _("Choose the language of the application.")},
    )


class DeregistrationApplicationForm(forms.Form):
    """The application for deregistration (2022 p.19(1), Annex 3; 2020 p.15(1), Annex 2): the
    form's fields in its order, prefilled from the supplier's data; no reason field and no
    consent to publication (the forms have neither)."""

    name = forms.CharField(
        label=_("Full name of the supplier, or surname, first name and patronymic (if any)"),
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Enter the name of the supplier.")},
    )
    identifier = forms.CharField(
        label=_("BIN or IIN"),
        disabled=True,
        required=False,
        widget=forms.TextInput(),
    )
    registration_number = forms.CharField(
        label=_("State registration number"),
        max_length=50,
        required=False,
        help_text=_("If you have one."),
        widget=forms.TextInput(),
    )
    activity = forms.CharField(
        label=_("Kind of activity"),
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Enter the kind of activity.")},
    )
    legal_address = forms.CharField(
        label=_("Legal address"),
        max_length=500,
        help_text=_("Region, city, district, settlement, street, house or building number."),
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "street-address"}),
        error_messages={"required": _("Enter the legal address.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the e-mail address."),
            "invalid": _("Enter an e-mail address in the right form, like name@example.kz."),
        },
    )
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=50,
        help_text=_("With the area code, for example +7 7172 12 34 56."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter the contact phone.")},
    )
    fax = forms.CharField(
        label=_("Fax"),
        max_length=50,
        required=False,
        help_text=_("If you have one."),
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    activity_address = forms.CharField(
        label=_("Address of the place of activity"),
        max_length=500,
        help_text=_("Region, city, district, settlement, street, house or building number."),
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Enter the address of the place of activity.")},
    )
    confirms_contacts = forms.BooleanField(
        label=_(
            "I confirm that all the data given are official contacts, to which any information "
            "on the provision of services and (or) sale of goods may be sent"
        ),
        error_messages={"required": _("Confirm that the data given are official contacts.")},
    )
    confirms_documents = forms.BooleanField(
        label=_("I confirm that all the attached documents are true and valid"),
        error_messages={"required": _("Confirm that the documents are true and valid.")},
    )
    consent_personal_data = forms.BooleanField(
        label=_(
            "I consent to the collection and processing of my personal data of limited access "
            "that are a secret protected by law, contained in information systems, for "
            "registration and use of the Social Services Portal"
        ),
        error_messages={"required": _("Give your consent to the processing of personal data.")},
    )

    def __init__(self, *args, fields: Sequence[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        self.order_fields(fields)
