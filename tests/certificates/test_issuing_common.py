"""What the certificate issuing tests share: a course with a certificate rule, a learner who completes it,
and the codes' shape."""

import re

import pytest
from model_bakery import baker

from apps.certificates.issuing.codes import initials, new_code
from apps.certificates.templating import services as templating
from apps.courses import services as courses
from tests.conftest import in_org, person

CODE = re.compile(r"^[0-9]{10}[A-Z]{2}$")


def make_template(organization, name: str = "Classic"):
    with in_org(organization):
        admin = person(organization, "orgadmin")
        return templating.template_create(
            actor=admin, name=f"{organization.name} {name}", signer_name="Dana Signer"
        )


def make_course(organization, *, title: str = "Algebra Foundations", lessons: int = 1):
    """A published course of the north branch owned by teacher@, with `lessons` text lessons."""
    from apps.hierarchy.models import Branch

    with in_org(organization):
        teacher = person(organization, "teacher")
        course = courses.course_create(
            actor=teacher, title=title, branches=[Branch.objects.get(code="north").pk]
        )
        module = courses.module_create(actor=teacher, course=course, title="Module 1")
        for n in range(lessons):
            courses.content_create(
                actor=teacher, module=module, kind="text", title=f"Lesson {n + 1}", body="x"
            )
        courses.course_publish(actor=teacher, course=course)
        return course


def complete(course, learner):
    """`learner` enrolls and completes every lesson of `course` (raising course.completed)."""
    enrollment = courses.enroll_self(actor=learner, course=course)
    for item in course.items.filter(published_version__isnull=False):
        courses.progress_record(actor=learner, item=item, completed=True)
    return enrollment


@pytest.fixture
def template(acme):
    return make_template(acme)


@pytest.fixture
def course(acme):
    return make_course(acme)


@pytest.fixture
def rule(acme, course, template):
    with in_org(acme):
        return baker.make_recipe("certificates.rule", course=course, template=template, expiry_months=24)


def test_a_code_is_ten_digits_and_the_learners_initials():
    assert CODE.match(new_code("Sam Student"))
    assert new_code("Sam Student").endswith("SS")
    assert initials("Élodie Östberg") == "EO"


def test_initials_of_a_name_in_another_script_are_random_capitals():
    value = initials("Иван Петров")

    assert re.match(r"^[A-Z]{2}$", value)
