"""Pages and form actions of courses and learning, for the isolation matrices (see registry.py; placeholders
come from course_targets.course_ids)."""

from .registry import Page, PageAction

COURSE_PAGES: list[Page] = []
COURSE_PAGE_ACTIONS: list[PageAction] = []
