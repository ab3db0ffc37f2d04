"""The workspace's forms: the agenda, attendance, the proposal and the vote (COM-2 … COM-5)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from commission.models import AgendaItem, Vote
from deregistration.models import DeregistrationCase
from portal.deadlines import today
from portal.editions import Edition
from portal.models import User
from suppliers.models import Application


def _choices(widget_class):
    return widget_class(attrs={"class": "choices"})


class ApplicationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Application) -> str:
        return f"№ {obj.pk} — {obj.supplier.name} ({obj.supplier.identifier})"


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: DeregistrationCase) -> str:
        return (
            f"№ {obj.pk} — {obj.supplier.name} ({obj.supplier.identifier}): {obj.ground_rule.text}"
        )


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


class ScheduleMeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Day of the meeting"),
        help_text=_("For example, 27.03.2026"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        error_messages={
            "required": _("Enter the day of the meeting."),
            "invalid": _("Enter the day as day.month.year, for example 27.03.2026."),
        },
    )
    applications = ApplicationChoiceField(
        label=_("Applications on the agenda"),
        queryset=Application.objects.none(),
        widget=_choices(forms.CheckboxSelectMultiple),
        required=False,
    )
    cases = CaseChoiceField(
        label=_("Deregistration cases on the agenda"),
        queryset=DeregistrationCase.objects.none(),
        widget=_choices(forms.CheckboxSelectMultiple),
        required=False,
    )

    def __init__(
        self,
        *args,
        inbox: Sequence[Application],
        cases: Sequence[DeregistrationCase] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = Application.objects.filter(
            pk__in=[application.pk for application in inbox]
        ).select_related("supplier")
        self.fields["cases"].queryset = DeregistrationCase.objects.filter(
            pk__in=[case.pk for case in cases]
        ).select_related("supplier")
        self.initial.setdefault("held_on", today().strftime("%d.%m.%Y"))

    @property
    def has_matters(self) -> bool:
        return bool(self.fields["applications"].queryset) or bool(self.fields["cases"].queryset)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("applications") and not cleaned.get("cases"):
            if self.fields["applications"].queryset or not self.fields["cases"].queryset:
                self.add_error("applications", _("Choose at least one application for the agenda."))
            else:
                self.add_error("cases", _("Choose at least one case for the agenda."))
        return cleaned


class AttendanceForm(forms.Form):
    present = MemberChoiceField(
        label=_("Members present"),
        queryset=User.objects.none(),
        required=False,
        widget=_choices(forms.CheckboxSelectMultiple),
    )

    def __init__(self, *args, members: Sequence[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = User.objects.filter(
            pk__in=[member.pk for member in members]
        ).order_by("full_name")


class ProposalForm(forms.Form):
    proposal = forms.ChoiceField(
        label=_("Proposal put to the vote"),
        choices=AgendaItem.Proposal.choices,
        widget=_choices(forms.RadioSelect),
        error_messages={"required": _("Choose whether to propose admission or refusal.")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons for refusal"),
        help_text=_("Only for a refusal: choose every reason that applies."),
        required=False,
        widget=_choices(forms.CheckboxSelectMultiple),
    )

    def __init__(self, *args, edition: Edition, deregistration: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].choices = [
            (reason.code, reason.text) for reason in edition.refusal_reasons
        ]
        proposals = (
            (AgendaItem.Proposal.DEREGISTER, AgendaItem.Proposal.KEEP)
            if deregistration
            else (AgendaItem.Proposal.ADMIT, AgendaItem.Proposal.REFUSE)
        )
        self.fields["proposal"].choices = [(p.value, p.label) for p in proposals]
        if deregistration:
            # A deregistration is decided on the case's ground: no refusal reasons.
            del self.fields["reasons"]
            self.fields["proposal"].error_messages = {
                **self.fields["proposal"].error_messages,
                "required": _("Choose whether to propose deregistration or not."),
            }

    def clean(self):
        cleaned = super().clean()
        proposal, reasons = cleaned.get("proposal"), cleaned.get("reasons")
        if proposal == AgendaItem.Proposal.REFUSE and not reasons:
            self.add_error("reasons", _("Choose at least one reason for the refusal."))
        if proposal == AgendaItem.Proposal.ADMIT and reasons:
            self.add_error("reasons", _("An admission has no refusal reasons: clear them."))
        return cleaned


class VoteChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote on the proposal"),
        choices=Vote.Choice.choices,
        widget=_choices(forms.RadioSelect),
        error_messages={"required": _("Choose for or against the proposal.")},
    )


class CheckForm(forms.Form):
    """A member's check of the application against item 7 (COM-3)."""

    agrees = forms.TypedChoiceField(
        label=_("Your check of the application against item 7"),
        choices=[("yes", _("I agree with the data")), ("no", _("I have remarks"))],
        coerce=lambda value: value == "yes",
        widget=_choices(forms.RadioSelect),
        error_messages={"required": _("Say whether you agree with the data or have remarks.")},
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        help_text=_("Which data or documents, and what is wrong with them."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "textarea"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agrees") is False and not (cleaned.get("remarks") or "").strip():
            self.add_error("remarks", _("Write your remarks."))
        return cleaned


class KindProposalForm(forms.Form):
    """The proposal on each kind of goods or services of the application, where the edition
    decides each on its own (2020 p.8, p.14; E20-3): admit it, or refuse it with reasons."""

    def __init__(self, *args, edition: Edition, kinds: Sequence[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        reasons = [(reason.code, reason.text) for reason in edition.refusal_reasons]
        for offering_id, label in self.kinds:
            self.fields[f"kind-{offering_id}-proposal"] = forms.ChoiceField(
                label=_("Proposal on %(kind)s") % {"kind": label},
                choices=AgendaItem.Proposal.choices,
                widget=_choices(forms.RadioSelect),
                error_messages={"required": _("Choose whether to propose admission or refusal.")},
            )
            self.fields[f"kind-{offering_id}-reasons"] = forms.MultipleChoiceField(
                label=_("Reasons for refusing %(kind)s") % {"kind": label},
                help_text=_("Only for a refusal: choose every reason that applies."),
                choices=reasons,
                required=False,
                widget=_choices(forms.CheckboxSelectMultiple),
            )

    def kind_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"kind-{offering_id}-proposal"], self[f"kind-{offering_id}-reasons"])
            for offering_id, _label in self.kinds
        ]

    def clean(self):
        cleaned = super().clean()
        for offering_id, _label in self.kinds:
            proposal = cleaned.get(f"kind-{offering_id}-proposal")
            reasons = cleaned.get(f"kind-{offering_id}-reasons")
            if proposal == AgendaItem.Proposal.REFUSE and not reasons:
                self.add_error(
                    f"kind-{offering_id}-reasons", _("Choose at least one reason for the refusal.")
                )
            if proposal == AgendaItem.Proposal.ADMIT and reasons:
                self.add_error(
                    f"kind-{offering_id}-reasons",
                    _("An admission has no refusal reasons: clear them."),
                )
        return cleaned

    def proposals(self) -> list[tuple[int, str, tuple[str, ...]]]:
        """(offering id, proposal, reasons) for each kind, once the form is valid."""
        return [
            (
                offering_id,
                self.cleaned_data[f"kind-{offering_id}-proposal"],
                tuple(self.cleaned_data[f"kind-{offering_id}-reasons"]),
            )
            for offering_id, _label in self.kinds
        ]


class KindVoteForm(forms.Form):
    """A member's vote on each kind's proposal (E20-3), signed as one document."""

    def __init__(self, *args, kinds: Sequence[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        for offering_id, label in self.kinds:
            self.fields[f"kind-{offering_id}"] = forms.ChoiceField(
                label=label,
                choices=Vote.Choice.choices,
                widget=_choices(forms.RadioSelect),
                error_messages={"required": _("Choose for or against the proposal.")},
            )

    def kind_choices(self) -> dict[int, str]:
        return {
            offering_id: self.cleaned_data[f"kind-{offering_id}"]
            for offering_id, _label in self.kinds
        }
