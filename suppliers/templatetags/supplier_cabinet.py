"""Template helpers of the supplier cabinet: the header link, the error summary's links."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from portal.access import holds_role
from portal.models import Role
from suppliers.selectors import state_name_of

register = template.Library()


@register.filter
def is_supplier_representative(user) -> bool:
    """Whether the header shows "Supplier cabinet": the person holds a supplier role."""
    return holds_role(user, Role.SUPPLIER)


@register.simple_tag
def supplier_name(supplier) -> str:
    """The name the cabinet's header shows: the state's name of the supplier where a state
    system gives one (issue 9, item 7), else the name typed on the start page."""
    language = (get_language() or "kk")[:2]
    return state_name_of(supplier, language=language) or supplier.name


def field_anchor(bound_field) -> str:
    """The id an error summary links to: the field's input, or for a group of radios or
    checkboxes its first one (GOV.UK), which is what ``id_for_label`` leaves empty."""
    anchor = bound_field.id_for_label
    if anchor or not bound_field.auto_id:
        return anchor
    if getattr(bound_field.field.widget, "input_type", "") in ("radio", "checkbox"):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def form_error_links(form) -> list[tuple[str, str]]:
    """(field id, message) for every error of ``form``, in the order of its fields; errors of
    the form as a whole link to its first field."""
    if form is None or not form.errors:
        return []
    fields = list(form.visible_fields())
    links = [(field_anchor(fields[0]) if fields else "", m) for m in form.non_field_errors()]
    for field in fields:
        links.extend((field_anchor(field), message) for message in field.errors)
    return links


@register.filter
def error_links(form) -> list[tuple[str, str]]:
    return form_error_links(form)
