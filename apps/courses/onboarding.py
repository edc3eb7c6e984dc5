"""The course steps of the organization's getting-started checklist (apps/hierarchy/onboarding.py), each done
once the organization's data shows it: a course exists, one is published, someone is enrolled."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.hierarchy.onboarding import ORGANIZATION, Link, register_onboarding_step

from .models import Course, Enrollment


def _your_courses(viewer) -> tuple[Link, ...]:
    return (Link(_("Your courses"), reverse("courses:teaching")),)


def register() -> None:
    register_onboarding_step(
        checklist=ORGANIZATION,
        code="course",
        order=30,
        label=_("Build a first course"),
        hint=_("Give it modules and lessons: text, video, files and links."),
        links=lambda viewer: (Link(_("New course"), reverse("courses:create")),),
        evidence=lambda viewer: Course.objects.all(),
    )
    register_onboarding_step(
        checklist=ORGANIZATION,
        code="publish",
        order=40,
        label=_("Publish a course"),
        hint=_("Learners see a course once it is published."),
        links=_your_courses,
        evidence=lambda viewer: Course.objects.filter(status=Course.Status.PUBLISHED),
    )
    register_onboarding_step(
        checklist=ORGANIZATION,
        code="enroll",
        order=50,
        label=_("Enroll learners"),
        hint=_(
            "Assign a published course to a class, a branch or a person, or let learners enroll themselves."
        ),
        links=_your_courses,
        evidence=lambda viewer: Enrollment.objects.all(),
    )
