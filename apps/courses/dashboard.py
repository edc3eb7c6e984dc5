"""The courses app's card on the dashboard (apps.core.dashboard, registered from CoursesConfig.ready()): the
viewer's current courses and, for authors, the courses they changed most recently."""

from apps.accounts.permissions import scope_of
from apps.core.dashboard import register_card

from . import selectors
from .permissions import can_author

SHOWN = 5


def learning(request) -> dict:
    viewer = request.user
    context = {"my_courses": list(selectors.my_learning(viewer=viewer).filter(status="active")[:SHOWN])}
    if can_author(scope_of(viewer)):
        editable = selectors.course_list_editable(viewer=viewer).prefetch_related(None)
        context["teaching_courses"] = list(editable.order_by("-updated_at", "pk")[:SHOWN])
    return context


def register() -> None:
    register_card("courses", template="courses/cards/learning.html", context=learning, order=20)
