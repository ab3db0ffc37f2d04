"""Forms of complaints: the recipient's complaint and the supplier's answer (DER-3, E20-8)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.editions import Edition
from portal.uploads import max_document_bytes

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


def _date_field(label: Any, *, required: bool, required_message: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=_("For example, 27.03.2026"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "off"}),
        error_messages={
            "required": required_message,
            "invalid": _("Enter the day as day.month.year, for example 27.03.2026."),
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several PDF, JPEG or PNG files; their content is checked by the service."""

    widget = MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})

    def clean(self, data: Any, initial: Any = None) -> list:
        if isinstance(data, list | tuple):
            return [super(DocumentsField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _documents_help() -> str:
    return str(
        _("PDF, JPEG or PNG files, each no larger than %(limit)s. You can choose several.")
        % {"limit": filesizeformat(max_document_bytes())}
    )


class SupplierSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or BIN/IIN of the supplier"),
        max_length=200,
        required=False,
    )


class ComplaintForm(forms.Form):
    """What happened, when the person learned of it, a description and the evidence."""

    kind = forms.ChoiceField(
        label=_("What happened?"),
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("Choose what happened.")},
    )
    learned_on = _date_field(
        _("On what day did you learn of it?"),
        required=True,
        required_message=_("Enter the day you learned of it."),
    )
    ordered_on = _date_field(_("Day of the order (only if the order was late)"), required=False)
    delivered_on = _date_field(
        _("Day the goods were delivered (only if the order was late and the goods came)"),
        required=False,
    )
    description = forms.CharField(
        label=_("Describe what happened"),
        help_text=_("What you ordered, what was agreed, and what the supplier did or did not do."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Describe what happened.")},
    )
    evidence = DocumentsField(label=_("Evidence (optional)"), required=False)

    def __init__(self, *args: Any, edition: Edition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["kind"].choices = [(k.code, k.text) for k in edition.complaint_kinds]
        self.fields["learned_on"].help_text = _(
            "For example, 27.03.2026. A complaint is possible no later than %(days)d calendar "
            "days after that day (%(clause)s)."
        ) % {
            "days": edition.complaint_filing_calendar_days,
            "clause": edition.clause_for("complaint_filing_calendar_days"),
        }
        self.fields["evidence"].help_text = _documents_help()


class AnswerForm(forms.Form):
    """The supplier's answer to a complaint, with documents."""

    text = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write your answer.")},
    )
    documents = DocumentsField(label=_("Documents (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = _documents_help()


def uploads_from(files: list) -> list:
    """The service's ``Upload`` of each uploaded file."""
    from deregistration.services.complaints import Upload

    return [Upload(file=f, name=f.name, size=f.size) for f in files]
