"""Reads for the supplier cabinet: who acts for which supplier, the public offer, the task list,
state data with its provenance, the documents asked for, the completeness check and the status.

Field ids in ``Problem.field_id`` are the HTML ids of the cabinet's form fields, by Django's
default ``id_<name>`` and, for repeated rows (formsets), ``id_<prefix>-<index>-<name>``:

* model fields of the application: ``id_mobile_phone``, ``id_iban``, ``id_places_count``,
  ``id_consent_publication`` …; the offers chosen: ``id_offers``;
* offerings, addresses, specialists: ``id_offerings-0-price``, ``id_addresses-1-street``,
  ``id_specialists-0-diploma`` … (index = position in ``application.offerings.all()`` etc.);
* data the state did not return: ``id_state-<item code>``; its proof: ``id_proof-<item code>``;
* a section's documents: ``id_document-<doc type>``;
* conditions of admission (edition 2020, E20-2), shown with their findings:
  ``id_condition-<code>``; the certificates of one kind of goods: ``id_certificate-<code>``
  (conformity) and ``id_registration-<code>`` (medical device).
"""

from suppliers.selectors.acting import (
    StartOption,
    current_draft_for,
    current_supplier_for,
    draft_of,
    may_act_as,
    may_act_for,
    start_choices_changeable,
    start_options,
)
from suppliers.selectors.annexes import prepared_annexes
from suppliers.selectors.answers import AnswerSection, application_answers, section_answers
from suppliers.selectors.completeness import Problem, completeness_problems
from suppliers.selectors.findings import (
    Finding,
    admission_findings,
)
from suppliers.selectors.offer import (
    CURRENT_OFFER_VERSION,
    OFFER_LANGUAGES,
    OFFER_VERSIONS,
    has_accepted_offer,
    identify_offer,
    offer_acceptance,
    offer_language,
    render_offer,
)
from suppliers.selectors.registration import (
    active_regions,
    filing_edition,
    legal_address_of,
    region_of_address,
    registered_region,
    state_name_of,
)
from suppliers.selectors.rows import (
    addresses_of,
    documents_of,
    offerings_of,
    specialists_of,
    supplied_items_of,
    uploaded_documents,
)
from suppliers.selectors.sections import (
    ITEM_SECTIONS,
    PORTAL_CHECKED_CONDITIONS,
    STATE_CHECKED_CONDITIONS,
    DocumentRequirement,
    classifier_items_for,
    document_requirements,
    offer_of,
    section_is_required,
    sections_for,
)
from suppliers.selectors.state_data import (
    StateDataRow,
    state_data_rows,
    state_reported_facts,
    state_value,
)
from suppliers.selectors.status import (
    StatusView,
    application_status,
    arrival_day,
    may_download,
    may_see_application,
    review_deadline,
    submitted_applications,
)
from suppliers.selectors.task_list import Task, TaskStatus, task_list

__all__ = [
    "AnswerSection",
    "CURRENT_OFFER_VERSION",
    "DocumentRequirement",
    "Finding",
    "ITEM_SECTIONS",
    "OFFER_LANGUAGES",
    "OFFER_VERSIONS",
    "PORTAL_CHECKED_CONDITIONS",
    "Problem",
    "STATE_CHECKED_CONDITIONS",
    "StartOption",
    "StateDataRow",
    "StatusView",
    "Task",
    "TaskStatus",
    "active_regions",
    "addresses_of",
    "admission_findings",
    "application_answers",
    "application_status",
    "arrival_day",
    "classifier_items_for",
    "completeness_problems",
    "current_draft_for",
    "current_supplier_for",
    "document_requirements",
    "documents_of",
    "draft_of",
    "filing_edition",
    "has_accepted_offer",
    "legal_address_of",
    "state_name_of",
    "identify_offer",
    "may_act_as",
    "may_act_for",
    "may_download",
    "may_see_application",
    "offer_acceptance",
    "offer_language",
    "offer_of",
    "offerings_of",
    "prepared_annexes",
    "region_of_address",
    "registered_region",
    "render_offer",
    "review_deadline",
    "section_answers",
    "section_is_required",
    "sections_for",
    "start_choices_changeable",
    "specialists_of",
    "start_options",
    "state_data_rows",
    "state_reported_facts",
    "state_value",
    "submitted_applications",
    "supplied_items_of",
    "task_list",
    "uploaded_documents",
]
