"""Each event the product raises, from the real service call: raised once, handed to subscribers only after
commit, with its declared payload, and never when the change rolls back."""

from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from apps.accounts import services as accounts
from apps.accounts.models import RoleAssignment
from apps.accounts.services import RoleSpec
from apps.accounts.tokens import invitation_tokens
from apps.courses import services as courses
from apps.courses.models import ContentItem, Course, Enrollment
from apps.events import catalog
from apps.events.models import Event
from apps.hierarchy import services as hierarchy
from apps.hierarchy.models import Branch, SchoolClass
from apps.imports import services as imports
from tests.conftest import in_org, person
from tests.courses.conftest import build_course
from tests.imports.conftest import csv_bytes

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-Long-and-unusual-passphrase-42"


class ChangeFailed(Exception):
    pass


@pytest.fixture
def watch(listen, django_capture_on_commit_callbacks):
    """`with watch("x.y") as seen: <service call>`: the call runs in a transaction that commits at the end
    of the block; nothing may be handed to subscribers before. `seen.events` holds what arrived after."""

    @contextmanager
    def watching(name: str):
        listener = listen(name)
        with django_capture_on_commit_callbacks(execute=True):
            yield listener
            assert listener.attempts == 0, f"{name} was handed out before commit"

    return watching


def once(seen, name: str) -> dict:
    """The payload of the one `name` event `seen` got, checked against the catalog and stored once."""
    assert [e.name for e in seen.events] == [name]
    event = seen.events[0]
    catalog.get(name).check(event.payload)
    stored = Event.objects.get(key=event.key)
    assert (stored.name, stored.version, stored.payload) == (name, catalog.get(name).version, event.payload)
    return event.payload


def _then_fail(change) -> None:
    with transaction.atomic():
        change()
        raise ChangeFailed


def nothing_on_rollback(name: str, change) -> None:
    """`change()` inside a transaction that then fails leaves no `name` event behind."""
    before = Event.objects.filter(name=name).count()
    with pytest.raises(ChangeFailed):
        _then_fail(change)
    assert Event.objects.filter(name=name).count() == before


@pytest.fixture
def acme_course(acme, acme_teacher):
    return build_course(acme, owner=acme_teacher, title="Algebra Basics", modules=2, items_per_module=2)


def fresh(course):
    """The course as stored (a rolled-back change leaves the Python object changed)."""
    return Course.objects.get(pk=course.pk)


def north():
    return Branch.objects.get(code="north")


def algebra():
    return SchoolClass.objects.get(name="Algebra 1")


def invite(admin, email: str, **values):
    spec = RoleSpec("student", branch_id=north().pk, school_class_id=algebra().pk)
    return accounts.user_invite(email=email, roles=[spec], actor=admin, **values)


# --- people and roles ---------------------------------------------------------------------------------------


def test_user_created_on_invitation(acme, acme_admin, watch):
    with in_org(acme):
        with watch("user.created") as seen:
            invitation = invite(acme_admin, "new.person@acme.example.com")

        assert once(seen, "user.created") == {
            "user_id": invitation.user.pk,
            "status": "invited",
            "source": "invitation",
        }
        nothing_on_rollback("user.created", lambda: invite(acme_admin, "rolled.back@acme.example.com"))


def test_user_created_on_signup(acme, watch):
    from apps.accounts.adapters import signup_user_save
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=acme).update(
        self_signup_enabled=True, allowed_email_domains=["acme.example.com"]
    )
    with in_org(acme):
        with watch("user.created") as seen:
            user = signup_user_save(User(), email="nina@acme.example.com", password=PASSWORD)

        assert once(seen, "user.created") == {"user_id": user.pk, "status": "active", "source": "signup"}
        nothing_on_rollback(
            "user.created",
            lambda: signup_user_save(User(), email="nora@acme.example.com", password=PASSWORD),
        )


def test_invitation_sent_on_invitation_and_on_each_resend(acme, acme_admin, watch):
    with in_org(acme):
        with watch("invitation.sent") as seen:
            invitation = invite(acme_admin, "invited@acme.example.com", send_email=True)
        assert once(seen, "invitation.sent") == {
            "user_id": invitation.user.pk,
            "resend": False,
            "emailed": True,
        }

        for _ in range(2):
            with watch("invitation.sent") as resent:
                accounts.invitation_resend(user=invitation.user, actor=acme_admin)
            assert once(resent, "invitation.sent") == {
                "user_id": invitation.user.pk,
                "resend": True,
                "emailed": True,
            }

        assert Event.objects.filter(name="invitation.sent", payload__user_id=invitation.user.pk).count() == 3
        nothing_on_rollback(
            "invitation.sent", lambda: accounts.invitation_resend(user=invitation.user, actor=acme_admin)
        )


def test_invitation_accepted(acme, acme_admin, watch):
    with in_org(acme):
        user = invite(acme_admin, "accepting@acme.example.com").user
        token = invitation_tokens.make_token(user)
        nothing_on_rollback(
            "invitation.accepted",
            lambda: accounts.invitation_accept(
                user=User.objects.get(pk=user.pk), token=token, password=PASSWORD
            ),
        )

        with watch("invitation.accepted") as seen:
            accounts.invitation_accept(user=User.objects.get(pk=user.pk), token=token, password=PASSWORD)

        assert once(seen, "invitation.accepted") == {"user_id": user.pk}


def test_user_deactivated_once_and_reactivated(acme, acme_admin, watch):
    with in_org(acme):
        student = person(acme, "student")
        nothing_on_rollback(
            "user.deactivated",
            lambda: accounts.user_deactivate(user=User.objects.get(pk=student.pk), actor=acme_admin),
        )

        with watch("user.deactivated") as seen:
            accounts.user_deactivate(user=student, actor=acme_admin)
            accounts.user_deactivate(user=student, actor=acme_admin)  # already deactivated: no change
        assert once(seen, "user.deactivated") == {"user_id": student.pk}

        with watch("user.reactivated") as back:
            accounts.user_reactivate(user=student, actor=acme_admin)
        assert once(back, "user.reactivated") == {"user_id": student.pk, "status": "active"}

        with watch("user.deactivated") as again:  # a second deactivation is a new change
            accounts.user_deactivate(user=student, actor=acme_admin)
        assert once(again, "user.deactivated") == {"user_id": student.pk}
        nothing_on_rollback(
            "user.reactivated", lambda: accounts.user_reactivate(user=student, actor=acme_admin)
        )


def test_user_deleted(acme, acme_admin, watch):
    with in_org(acme):
        user = invite(acme_admin, "leaving@acme.example.com").user
        nothing_on_rollback(
            "user.deleted", lambda: accounts.user_delete(user=User.objects.get(pk=user.pk), actor=acme_admin)
        )

        with watch("user.deleted") as seen:
            accounts.user_delete(user=User.objects.get(pk=user.pk), actor=acme_admin)

        assert once(seen, "user.deleted") == {"user_id": user.pk}


def test_role_granted_once(acme, acme_admin, watch):
    with in_org(acme):
        student = person(acme, "student")
        spec = RoleSpec("teacher", branch_id=north().pk)
        nothing_on_rollback(
            "role.granted", lambda: accounts.role_grant(user=student, spec=spec, actor=acme_admin)
        )

        with watch("role.granted") as seen:
            assignment = accounts.role_grant(user=student, spec=spec, actor=acme_admin)
            accounts.role_grant(user=student, spec=spec, actor=acme_admin)  # already held: no change

        assert once(seen, "role.granted") == {
            "assignment_id": assignment.pk,
            "user_id": student.pk,
            "role": "teacher",
            "branch_id": north().pk,
            "class_id": None,
        }


def test_role_granted_for_each_role_of_an_invitation(acme, acme_admin, watch):
    with in_org(acme):
        with watch("role.granted") as seen:
            user = invite(acme_admin, "with.role@acme.example.com").user

        assignment = RoleAssignment.objects.get(user=user)
        assert once(seen, "role.granted") == {
            "assignment_id": assignment.pk,
            "user_id": user.pk,
            "role": "student",
            "branch_id": north().pk,
            "class_id": algebra().pk,
        }


def test_role_revoked(acme, acme_admin, watch):
    with in_org(acme):
        student = person(acme, "student")
        assignment = accounts.role_grant(
            user=student, spec=RoleSpec("teacher", branch_id=north().pk), actor=acme_admin
        )
        expected = {
            "assignment_id": assignment.pk,
            "user_id": student.pk,
            "role": "teacher",
            "branch_id": north().pk,
            "class_id": None,
        }
        nothing_on_rollback(
            "role.revoked",
            lambda: accounts.role_revoke(
                assignment=RoleAssignment.objects.get(pk=assignment.pk), actor=acme_admin
            ),
        )

        with watch("role.revoked") as seen:
            accounts.role_revoke(assignment=assignment, actor=acme_admin)

        assert once(seen, "role.revoked") == expected


# --- structure ----------------------------------------------------------------------------------------------


def test_branch_created(acme, acme_admin, watch):
    with in_org(acme):
        nothing_on_rollback(
            "branch.created", lambda: hierarchy.branch_create(actor=acme_admin, name="Gone", code="gone")
        )
        with watch("branch.created") as seen:
            branch = hierarchy.branch_create(actor=acme_admin, name="East Campus", code="east")

        assert once(seen, "branch.created") == {"branch_id": branch.pk, "code": "east"}


def test_class_created(acme, acme_admin, watch):
    with in_org(acme):
        nothing_on_rollback(
            "class.created", lambda: hierarchy.class_create(actor=acme_admin, branch=north(), name="Gone 1")
        )
        with watch("class.created") as seen:
            school_class = hierarchy.class_create(actor=acme_admin, branch=north(), name="Geometry 1")

        assert once(seen, "class.created") == {"class_id": school_class.pk, "branch_id": north().pk}


# --- courses ------------------------------------------------------------------------------------------------


def test_course_published_once(acme, acme_teacher, watch):
    course = build_course(acme, owner=acme_teacher, publish=False)
    with in_org(acme):
        nothing_on_rollback(
            "course.published", lambda: courses.course_publish(actor=acme_teacher, course=fresh(course))
        )

        with watch("course.published") as seen:
            courses.course_publish(actor=acme_teacher, course=course)
            courses.course_publish(actor=acme_teacher, course=course)  # new content of a published course

        course.refresh_from_db()
        assert once(seen, "course.published") == {
            "course_id": course.pk,
            "published_at": course.published_at.isoformat(),
        }


@pytest.mark.parametrize(
    ("name", "change"),
    [("course.unpublished", courses.course_unpublish), ("course.archived", courses.course_archive)],
)
def test_course_unpublished_and_archived(acme, acme_teacher, acme_course, watch, name, change):
    with in_org(acme):
        nothing_on_rollback(name, lambda: change(actor=acme_teacher, course=fresh(acme_course)))

        with watch(name) as seen:
            change(actor=acme_teacher, course=acme_course)
            change(actor=acme_teacher, course=acme_course)  # no change the second time

        assert once(seen, name) == {"course_id": acme_course.pk}


def test_enrollment_created_when_assigned(acme, acme_teacher, acme_course, watch):
    with in_org(acme):
        student = person(acme, "student")
        nothing_on_rollback(
            "enrollment.created",
            lambda: courses.enroll_assign(actor=acme_teacher, course=acme_course, users=[student.pk]),
        )

        with watch("enrollment.created") as seen:
            courses.enroll_assign(
                actor=acme_teacher, course=acme_course, users=[student.pk], due_at="2026-12-31T12:00:00+00:00"
            )
            courses.enroll_assign(actor=acme_teacher, course=acme_course, users=[student.pk])  # already

        enrollment = Enrollment.objects.get(course=acme_course, user=student)
        assert once(seen, "enrollment.created") == {
            "enrollment_id": enrollment.pk,
            "course_id": acme_course.pk,
            "user_id": student.pk,
            "source": "assigned",
            "rule_id": None,
            "due_at": enrollment.due_at.isoformat(),
            "reenrolled": False,
        }


def test_enrollment_created_for_each_learner_of_a_class(acme, acme_teacher, acme_admin, acme_course, watch):
    with in_org(acme):
        second = invite(acme_admin, "second.learner@acme.example.com").user
        learners = sorted([person(acme, "student").pk, second.pk])

        with watch("enrollment.created") as seen:
            result = courses.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra().pk])

        rule = result.rules[0]
        assert sorted(e.payload["user_id"] for e in seen.events) == learners
        assert {(e.payload["source"], e.payload["rule_id"]) for e in seen.events} == {("class", rule.pk)}
        assert Event.objects.filter(name="enrollment.created", payload__course_id=acme_course.pk).count() == 2


def test_enrollment_withdrawn_and_created_again(acme, acme_teacher, acme_course, watch):
    with in_org(acme):
        student = person(acme, "student")
        courses.enroll_assign(actor=acme_teacher, course=acme_course, users=[student.pk])
        enrollment = Enrollment.objects.get(course=acme_course, user=student)
        nothing_on_rollback(
            "enrollment.withdrawn",
            lambda: courses.enrollment_withdraw(
                actor=student, enrollment=Enrollment.objects.get(pk=enrollment.pk)
            ),
        )

        with watch("enrollment.withdrawn") as seen:
            courses.enrollment_withdraw(actor=student, enrollment=enrollment)
            courses.enrollment_withdraw(actor=student, enrollment=enrollment)  # already withdrawn
        enrollment.refresh_from_db()
        assert once(seen, "enrollment.withdrawn") == {
            "enrollment_id": enrollment.pk,
            "course_id": acme_course.pk,
            "user_id": student.pk,
            "withdrawn_at": enrollment.withdrawn_at.isoformat(),
        }

        with watch("enrollment.created") as back:
            courses.enroll_assign(actor=acme_teacher, course=acme_course, users=[student.pk])
        payload = once(back, "enrollment.created")
        assert (payload["enrollment_id"], payload["reenrolled"]) == (enrollment.pk, True)


def _enrolled(acme, acme_teacher, course):
    student = person(acme, "student")
    courses.enroll_assign(actor=acme_teacher, course=course, users=[student.pk])
    items = list(ContentItem.objects.filter(course=course).order_by("module__position", "position"))
    return student, items, Enrollment.objects.get(course=course, user=student)


def test_lesson_completed_once(acme, acme_teacher, acme_course, watch):
    with in_org(acme):
        student, items, enrollment = _enrolled(acme, acme_teacher, acme_course)
        nothing_on_rollback(
            "lesson.completed", lambda: courses.progress_record(actor=student, item=items[0], completed=True)
        )

        with watch("lesson.completed") as seen:
            result = courses.progress_record(actor=student, item=items[0], completed=True)
            courses.progress_record(actor=student, item=items[0], completed=True)  # a state, not a toggle
            courses.progress_record(actor=student, item=items[0], time_spent_seconds=60)

        assert once(seen, "lesson.completed") == {
            "item_id": items[0].pk,
            "kind": "text",
            "course_id": acme_course.pk,
            "enrollment_id": enrollment.pk,
            "user_id": student.pk,
            "completed_at": result.progress.completed_at.isoformat(),
        }


def test_course_completed_once(acme, acme_teacher, acme_course, watch):
    with in_org(acme):
        student, items, enrollment = _enrolled(acme, acme_teacher, acme_course)
        for item in items[:-1]:
            courses.progress_record(actor=student, item=item, completed=True)
        nothing_on_rollback(
            "course.completed", lambda: courses.progress_record(actor=student, item=items[-1], completed=True)
        )

        with watch("course.completed") as seen:
            courses.progress_record(actor=student, item=items[-1], completed=True)
            courses.progress_record(actor=student, item=items[-1], completed=False)
            courses.progress_record(actor=student, item=items[-1], completed=True)

        enrollment.refresh_from_db()
        assert once(seen, "course.completed") == {
            "enrollment_id": enrollment.pk,
            "course_id": acme_course.pk,
            "user_id": student.pk,
            "completed_at": enrollment.completed_at.isoformat(),
        }


# --- imports ------------------------------------------------------------------------------------------------

ROWS = [
    ("imported.one@acme.example.com", "Imported One", "student", "north", "Algebra 1"),
    ("imported.two@acme.example.com", "Imported Two", "teacher", "north", ""),
    ("student@acme.example.com", "", "student", "north", "Algebra 1"),
    ("not-an-email", "Broken", "student", "north", ""),
]


def _upload(admin, rows=ROWS, **values):
    return imports.import_create(actor=admin, filename="people.csv", content=csv_bytes(rows), **values)


def test_import_finished_with_its_counts(acme, acme_admin, watch):
    with in_org(acme):
        with watch("import.finished") as seen:
            job = _upload(acme_admin)

        job.refresh_from_db()
        assert job.status == "completed"
        assert once(seen, "import.finished") == {
            "import_id": job.pk,
            "outcome": "completed",
            "rows": 4,
            "processed": 4,
            "created": 2,
            "updated": 0,
            "unchanged": 1,
            "failed": 1,
        }


def test_import_finished_when_the_import_fails(acme, acme_admin, watch, django_capture_on_commit_callbacks):
    with in_org(acme):
        job = _upload(acme_admin)  # queued: its run waits for a commit that never comes in this test
        nothing_on_rollback("import.finished", lambda: imports.import_fail(job_id=job.pk, reason="Stopped."))

        with watch("import.finished") as seen:
            imports.import_fail(job_id=job.pk, reason="Stopped.")
            imports.import_fail(job_id=job.pk, reason="Stopped again.")  # finished already

        assert once(seen, "import.finished") == {
            "import_id": job.pk,
            "outcome": "failed",
            "rows": 4,
            "processed": 0,
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "failed": 0,
        }


def test_an_import_raises_the_events_of_the_people_and_roles_it_creates(acme, acme_admin, listen, watch):
    created = listen("user.created")
    invited = listen("invitation.sent")
    with in_org(acme):
        with watch("role.granted") as roles:
            _upload(acme_admin, send_invitations=True)

        one = User.objects.get(email="imported.one@acme.example.com")
        two = User.objects.get(email="imported.two@acme.example.com")
        assert sorted((e.payload["user_id"], e.payload["source"]) for e in created.events) == [
            (one.pk, "import"),
            (two.pk, "import"),
        ]
        assert sorted(e.payload["user_id"] for e in invited.events) == [one.pk, two.pk]
        assert {e.payload["emailed"] for e in invited.events} == {True}
        assert sorted((e.payload["user_id"], e.payload["role"]) for e in roles.events) == [
            (one.pk, "student"),
            (two.pk, "teacher"),
        ]


def test_a_rolled_back_import_chunk_raises_nothing(acme, acme_admin):
    with in_org(acme):
        job = _upload(acme_admin)
        before = Event.objects.filter(name__in=["user.created", "role.granted", "import.finished"]).count()
        with pytest.raises(ChangeFailed):
            _then_fail(lambda: imports.import_run(job_id=job.pk))

        assert (
            Event.objects.filter(name__in=["user.created", "role.granted", "import.finished"]).count()
            == before
        )
