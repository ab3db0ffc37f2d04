"""The application as a task list and its section pages (SUP-4)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from suppliers import forms, selectors, services
from suppliers.forms import ROW_TITLES, SECTION_FORMS
from suppliers.models import (
    Application,
    Section,
)
from suppliers.templatetags.supplier_cabinet import form_error_links
from suppliers.validators import max_document_bytes
from suppliers.views.common import (
    ADD_ROW_LABELS,
    READ_ONLY_SECTIONS,
    ROW_FIELDS,
    ROW_SECTIONS,
    cabinet_page,
    may_sign_for,
)
from suppliers.views.documents import remove_uploaded_document, upload_block, upload_documents

# --- the application as a task list (SUP-4) ------------------------------------------------------


@require_safe
@cabinet_page(draft=True)
def application(request: HttpRequest) -> HttpResponse:
    application = request.application
    tasks = selectors.task_list(application)
    problems = [problem for task in tasks for problem in task.problems]
    return render(
        request,
        "suppliers/application.html",
        {
            "application": application,
            "supplier": application.supplier,
            "tasks": tasks,
            "completed": sum(1 for task in tasks if task.status == "completed"),
            "problem_count": len(problems),
            "may_sign": may_sign_for(request, application.supplier),
        },
    )


def _next_section(application: Application, section: str) -> str | None:
    sections = selectors.sections_for(application)
    try:
        index = sections.index(section)
    except ValueError:
        return None
    return sections[index + 1] if index + 1 < len(sections) else None


def _after_save(request: HttpRequest, application: Application, section: str) -> HttpResponse:
    """ "Save and continue" goes to the next section, "Save and come back later" to the list."""
    if request.POST.get("action") == "later":
        messages.success(request, _("Your answers have been saved. You can come back to them."))
        return redirect("suppliers:application")
    following = _next_section(application, section)
    if following is None:
        return redirect("suppliers:check-answers")
    return redirect("suppliers:section", section=following)


@cabinet_page(draft=True)
def section(request: HttpRequest, section: str) -> HttpResponse:
    """One section of the application: its form, its documents, what it still lacks (SUP-4,
    SUP-5, SUP-6). The page is one form: every button saves what was typed (drafts save on
    every step) and uploads any file chosen; an invalid entry is shown again as typed.

    ``action``: ``continue`` / ``later`` (the save buttons), ``add`` and ``remove-row-<n>`` (rows),
    ``upload``, ``remove-document-<id>``, ``refresh`` (state data).
    """
    application = request.application
    if section not in selectors.sections_for(application):
        raise Http404
    if section != Section.OFFERS and not application.offers:
        messages.info(request, _("First choose what you offer: the sections follow from it."))
        return redirect("suppliers:section", section=Section.OFFERS)
    page = SectionPage(request, application, section)
    if request.method != "POST":
        return page.render()
    action = request.POST.get("action", "continue")
    saved = page.save()
    upload_errors = upload_documents(request, application, section)
    if action.startswith("remove-document-") and saved:
        remove_uploaded_document(request, application, action.removeprefix("remove-document-"))
    if not saved or upload_errors:
        return page.render(document_errors=upload_errors)
    here = reverse("suppliers:section", args=[section])
    if action == "add":
        return redirect(f"{here}?add=1#add-row")
    if action.startswith("remove-row-"):
        messages.success(request, _("The entry has been removed."))
        return redirect(here)
    if action == "refresh" and section == Section.STATE_DATA:
        return _refresh_state_data(request, application)
    if action == "upload" or action.startswith("remove-document-"):
        return redirect(here + "#documents")
    return _after_save(request, application, section)


_ROW_READERS = {
    Section.OFFERINGS: selectors.offerings_of,
    Section.ADDRESSES: selectors.addresses_of,
    Section.SPECIALISTS: selectors.specialists_of,
}


class SectionPage:
    """What a section page shows and how it saves: a form, a formset of rows, or state data."""

    def __init__(
        self, request: HttpRequest, application: Application, section: str, *, bound: bool = True
    ) -> None:
        self.request = request
        self.application = application
        self.section = section
        self.data = request.POST if bound and request.method == "POST" else None
        self.form = None
        self.formset = None
        self.state_form = None
        self.is_editable = application.is_editable
        if section in SECTION_FORMS:
            self.form = SECTION_FORMS[section](self.data, instance=application)
        elif section == Section.OFFERS:
            self.form = forms.OffersForm(
                self.data,
                edition=application.edition,
                supplier_kind=application.supplier.kind,
                initial={"offers": list(application.offers)},
            )
        elif section in ROW_SECTIONS:
            self.formset = self._formset()
        elif section == Section.STATE_DATA:
            self.rows = selectors.state_data_rows(application)
            self.state_form = forms.SuppliedStateItemsForm(
                self.data,
                prefix="state",
                items=[row for row in self.rows if row.needs_proof],
                initial_values={row.code: row.supplied_value for row in self.rows},
            )

    # --- rows ---

    def _formset(self):
        section = self.section
        rows = _ROW_READERS[section](self.application)
        initial = [
            {
                name: getattr(row, f"{name}_id", None)
                if name in ("classifier_item", "region")
                else getattr(row, name)
                for name in ROW_FIELDS[section]
            }
            for row in rows
        ]
        adding = self.data is None and self.request.GET.get("add") == "1"
        extra = 1 if (not rows or adding) else 0
        formset_class = django_forms.formset_factory(ROW_SECTIONS[section], extra=extra)
        # The drop-down lists are read once for all the rows (issue 12).
        kwargs: dict = {}
        if section == Section.OFFERINGS:
            kwargs = {
                "edition": self.application.edition,
                "classifier_items": forms.classifier_choices(
                    selectors.classifier_items_for(offers=self.application.offers)
                ),
            }
        elif section == Section.ADDRESSES:
            kwargs = {"regions": forms.region_choices(selectors.active_regions())}
        if self.data is not None:
            # What was posted is the whole truth about the rows (the page may have been shown
            # again after an error, with fewer "initial" rows than are saved now): a row counts
            # when something was typed in it.
            initial = None
        return formset_class(self.data, initial=initial, prefix=section, form_kwargs=kwargs)

    def _row_data(self) -> tuple[list, list[dict]]:
        """The rows to keep, in order, with the forms they came from (errors go back there)."""
        action = self.request.POST.get("action", "")
        removed = action.removeprefix("remove-row-") if action.startswith("remove-row-") else ""
        removed = int(removed) if removed.isdigit() else None
        kept_forms, rows = [], []
        for index, form in enumerate(self.formset.forms):
            if index == removed:
                continue
            if index >= self.formset.initial_form_count() and not form.has_changed():
                continue
            kept_forms.append(form)
            rows.append({name: form.cleaned_data.get(name) for name in form.fields})
        return kept_forms, rows

    # --- saving ---

    def save(self) -> bool:
        """Validate and save through ``services.save_section``; False when something is wrong."""
        if self.section in READ_ONLY_SECTIONS:
            return True
        if self.formset is not None:
            removing = self.request.POST.get("action", "").startswith("remove-row-")
            if not removing and not self.formset.is_valid():
                return False
            if removing:
                self.formset.is_valid()  # the remaining rows may still be incomplete
                kept_forms, _rows = self._row_data()
                if any(form.errors for form in kept_forms):
                    return False
            kept_forms, rows = self._row_data()
            return self._save({self.section: rows}, kept_forms=kept_forms)
        if self.state_form is not None:
            if not self.state_form.is_valid():
                return False
            items = dict(self.state_form.cleaned_data)
            # An entry posted for an item the page does not offer (state data, a fact the state
            # reports) goes to the service, which refuses it and says why (SUP-3).
            for key in self.data:
                code = key.removeprefix("state-")
                if key.startswith("state-") and code not in items and self.data.get(key):
                    items[code] = self.data.get(key)
            return self._save({"items": items})
        if self.form is None:  # documents only
            return self._save({})
        if not self.form.is_valid():
            return False
        return self._save(dict(self.form.cleaned_data))

    def _save(self, data: dict, *, kept_forms: list | None = None) -> bool:
        try:
            services.save_section(
                application=self.application,
                section=self.section,
                data=data,
                user=self.request.user,
            )
        except services.SupplierActionError as error:
            messages.warning(self.request, str(error))
            self.is_editable = False
            return False
        except ValidationError as error:
            self._attach_errors(error, kept_forms=kept_forms)
            return False
        return True

    def _attach_errors(self, error: ValidationError, *, kept_forms: list | None) -> None:
        """The service's errors go to their fields: ``name``, ``<section>-<index>-<name>``,
        ``state-<code>``; anything else to the form as a whole."""
        target = self.form or self.state_form
        errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for key, messages_ in errors.items():
            if kept_forms is not None and key and key.startswith(f"{self.section}-"):
                _prefix, index, name = key.split("-", 2)
                form = kept_forms[int(index)] if int(index) < len(kept_forms) else None
                if form is not None and name in form.fields:
                    form.add_error(name, messages_)
                    continue
            if self.state_form is not None and key and key.startswith("state-"):
                name = key.removeprefix("state-")
                if name in self.state_form.fields:
                    self.state_form.add_error(name, messages_)
                    continue
            if target is not None and key in getattr(target, "fields", {}):
                target.add_error(key, messages_)
            elif target is not None:
                target.add_error(None, messages_)
            elif self.formset is not None and self.formset.forms:
                self.formset.forms[0].add_error(None, messages_)
            else:
                for message in messages_:
                    messages.warning(self.request, message)

    # --- showing ---

    def error_links(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary: every error of the page's forms."""
        forms_ = [self.form, self.state_form]
        if self.formset is not None:
            forms_ += list(self.formset.forms)
        return [link for form in forms_ for link in form_error_links(form)]

    def render(self, *, document_errors: dict | None = None, status: int = 200) -> HttpResponse:
        application = self.application
        problems = selectors.completeness_problems(application, section=self.section)
        requirements = [
            r for r in selectors.document_requirements(application) if r.section == self.section
        ]
        documents = selectors.documents_of(application)
        document_errors = document_errors or {}
        uploads = [
            upload_block(self.request, requirement, documents, document_errors)
            for requirement in requirements
        ]
        rows = []
        if self.formset is not None:
            for index, form in enumerate(self.formset.forms):
                rows.append(
                    {
                        "form": form,
                        "index": index,
                        "title": ROW_TITLES[self.section] % {"n": index + 1},
                        "is_new": index >= self.formset.initial_form_count(),
                    }
                )
        state_rows = []
        if self.section == Section.STATE_DATA:
            for row in self.rows:
                field = self.state_form[row.code] if row.code in self.state_form.fields else None
                proof = next((u for u in uploads if u["requirement"].item_code == row.code), None)
                state_rows.append({"row": row, "field": field, "proof": proof})
        upload_links = [
            (block["ids"][name], message)
            for block in uploads
            for name, messages_ in block["errors"].items()
            for message in messages_
        ]
        context = {
            "application": application,
            "supplier": application.supplier,
            "section": self.section,
            "section_title": Section(self.section).label,
            "form": self.form,
            "formset": self.formset,
            "rows": rows,
            "add_row_label": ADD_ROW_LABELS.get(self.section, ""),
            "state_rows": state_rows,
            "state_form": self.state_form,
            "conditions": _conditions(application) if self.section == Section.CONDITIONS else [],
            "problems": problems,
            "uploads": [u for u in uploads if u not in [r["proof"] for r in state_rows]],
            "error_links": self.error_links() + upload_links,
            # The state data page saves nothing when the state confirmed every item: no "Save".
            "is_editable": self.is_editable
            and not (self.section == Section.STATE_DATA and not self.state_form.fields),
            "state_confirmed_any": any(r["row"].confirmed for r in state_rows),
            "state_confirmed_all": all(r["row"].confirmed for r in state_rows),
            "next_section": _next_section(application, self.section),
            "max_document_bytes": max_document_bytes(),
            "required": selectors.section_is_required(application, self.section),
        }
        return render(
            self.request, f"suppliers/sections/{self.section}.html", context, status=status
        )


def _conditions(application: Application) -> list[dict]:
    """The conditions of admission with what the state data and the documents suggest about
    each (2020 p.6; SUP-6, E20-2): findings for the commission, never refusals."""
    findings = selectors.admission_findings(application=application)
    conditions = []
    for condition in application.edition.admission_conditions:
        if condition.code not in selectors.PORTAL_CHECKED_CONDITIONS:
            continue
        conditions.append(
            {
                "condition": condition,
                "field_id": f"id_condition-{condition.code}",
                "findings": [f for f in findings if f.code == condition.code],
                "checked_from_state": condition.code in selectors.STATE_CHECKED_CONDITIONS,
            }
        )
    return conditions


def _refresh_state_data(request: HttpRequest, application: Application) -> HttpResponse:
    """Ask the state systems again (SUP-3); a source that fails is reported, never taken as
    "no record" (SYNC-3)."""
    try:
        result = services.refresh_state_data(supplier=application.supplier, user=request.user)
    except services.SupplierActionError as error:
        messages.warning(request, str(error))
    else:
        if result.complete:
            messages.success(
                request, _("The data has been requested again from the state systems.")
            )
        else:
            messages.warning(
                request,
                _(
                    "Some state systems did not answer. What they sent before is kept; try again "
                    "later."
                ),
            )
    return redirect("suppliers:section", section=Section.STATE_DATA)
