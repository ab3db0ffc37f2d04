"""The application's task list (SUP-4)."""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

from portal.editions.base import Text
from suppliers.models import (
    Application,
    Section,
)
from suppliers.selectors.completeness import Problem, completeness_problems
from suppliers.selectors.sections import section_is_required, sections_for

# --- the task list and the status (SUP-4, SUP-9, CAL-2) ---


class TaskStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANNOT_START = "cannot_start"

    labels = {
        NOT_STARTED: _("Not yet started"),
        IN_PROGRESS: _("In progress"),
        COMPLETED: _("Completed"),
        CANNOT_START: _("Cannot start yet"),
    }


@dataclasses.dataclass(frozen=True)
class Task:
    """A line of the task list: the section, its title, its status and the URL name of its page
    (reversed with the section as argument: ``{% url task.url_name task.section %}``)."""

    section: str
    title: Text
    status: str
    url_name: str = "suppliers:section"
    required: bool = True
    problems: tuple[Problem, ...] = ()

    @property
    def status_label(self) -> Text:
        return TaskStatus.labels[self.status]


# Sections whose content arrives by itself (state data) or is only read (conditions).
_SECTIONS_DONE_WITHOUT_SAVING = frozenset({Section.STATE_DATA, Section.CONDITIONS})


def task_list(application: Application) -> list[Task]:
    """The application as a task list (SUP-4), GOV.UK style: each section with its status."""
    problems = completeness_problems(application)
    by_section: dict[str, list[Problem]] = {}
    for problem in problems:
        by_section.setdefault(problem.section, []).append(problem)
    tasks = []
    for section in sections_for(application):
        own = tuple(by_section.get(section, ()))
        saved = section in application.sections_saved
        if section == Section.OFFERINGS and not application.offers:
            status = TaskStatus.CANNOT_START
        elif not own and (saved or section in _SECTIONS_DONE_WITHOUT_SAVING):
            status = TaskStatus.COMPLETED
        elif saved:
            status = TaskStatus.IN_PROGRESS
        else:
            status = TaskStatus.NOT_STARTED
        tasks.append(
            Task(
                section=section,
                title=Section(section).label,
                status=status,
                required=section_is_required(application, section),
                problems=own,
            )
        )
    return tasks
