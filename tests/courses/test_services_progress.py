"""Progress per lesson, rolled up to the enrollment: writes are idempotent, time spent only grows, and the
first full completion raises one `course.completed` event after commit, also under concurrent requests."""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from apps.audit.models import AuditEntry
from apps.core.errors import InvalidState, NotFound, ValidationFailed
from apps.courses import services
from apps.courses.models import Course, Enrollment, ItemProgress
from apps.events.models import Event
from tests.conftest import in_org
from tests.events import conftest as events_conftest

COMPLETED = "course.completed"
listen = events_conftest.listen  # the fixture: subscribers registered for one test


def lessons(course) -> list:
    return list(course.items.filter(published_version__isnull=False).order_by("module__position", "position"))


@pytest.fixture
def enrolled(acme, acme_student, acme_course):
    with in_org(acme):
        return services.enroll_self(actor=acme_student, course=acme_course)


def test_repeating_a_write_changes_nothing(acme, acme_student, acme_course, enrolled):
    with in_org(acme):
        item = lessons(acme_course)[0]
        first = services.progress_record(
            actor=acme_student, item=item, completed=True, time_spent_seconds=60, position_seconds=12
        ).progress
        second = services.progress_record(
            actor=acme_student, item=item, completed=True, time_spent_seconds=60, position_seconds=12
        ).progress

        assert ItemProgress.objects.filter(user=acme_student, item=item).count() == 1
        assert second.pk == first.pk
        assert (second.completed_at, second.time_spent_seconds, second.last_position_seconds) == (
            first.completed_at,
            60,
            12,
        )
        enrolled.refresh_from_db()
        assert (enrolled.completed_items, enrolled.total_items, enrolled.progress_percent) == (1, 4, 25)


def test_time_spent_keeps_the_largest_total_and_position_the_last(acme, acme_student, acme_course, enrolled):
    with in_org(acme):
        item = lessons(acme_course)[0]
        record = services.progress_record

        record(actor=acme_student, item=item, time_spent_seconds=100, position_seconds=50)
        late_retry = record(
            actor=acme_student, item=item, time_spent_seconds=40, position_seconds=20
        ).progress
        assert (late_retry.time_spent_seconds, late_retry.last_position_seconds) == (100, 20)

        more = record(actor=acme_student, item=item, time_spent_seconds=150).progress
        assert (more.time_spent_seconds, more.last_position_seconds, more.is_completed) == (150, 20, False)
        enrolled.refresh_from_db()
        assert (enrolled.progress_percent, enrolled.status) == (0, "active")
        assert enrolled.last_activity_at is not None


def test_completed_is_a_state_not_a_toggle(acme, acme_student, acme_course, enrolled):
    with in_org(acme):
        item = lessons(acme_course)[0]

        done = services.progress_record(actor=acme_student, item=item, completed=True).progress
        services.progress_record(actor=acme_student, item=item, completed=True)
        services.progress_record(actor=acme_student, item=item)  # says nothing about completion
        assert ItemProgress.objects.get(pk=done.pk).completed_at == done.completed_at

        services.progress_record(actor=acme_student, item=item, completed=False)
        enrolled.refresh_from_db()
        assert ItemProgress.objects.get(pk=done.pk).completed_at is None
        assert (enrolled.completed_items, enrolled.progress_percent) == (0, 0)


@pytest.mark.parametrize(
    "values",
    [
        {"time_spent_seconds": -1},
        {"time_spent_seconds": "ten"},
        {"time_spent_seconds": True},
        {"position_seconds": 10**9},
        {"completed": "yes"},
    ],
)
def test_bad_values_are_refused(acme, acme_student, acme_course, enrolled, values):
    with in_org(acme):
        with pytest.raises(ValidationFailed) as error:
            services.progress_record(actor=acme_student, item=lessons(acme_course)[0], **values)

        assert set(error.value.details) == set(values)
        assert not ItemProgress.objects.filter(user=acme_student).exists()


def test_progress_needs_an_enrollment_and_a_published_lesson(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        item = lessons(acme_course)[0]
        with pytest.raises(InvalidState):
            services.progress_record(actor=acme_student, item=item, completed=True)

        services.enroll_self(actor=acme_student, course=acme_course)
        draft = services.content_create(
            actor=acme_teacher, module=acme_course.modules.first(), kind="text", title="Not yet", body="x"
        )
        with pytest.raises(NotFound):
            services.progress_record(actor=acme_student, item=draft, completed=True)

        services.course_unpublish(actor=acme_teacher, course=acme_course)
        item.refresh_from_db()
        with pytest.raises(NotFound):
            services.progress_record(actor=acme_student, item=item, completed=True)
        assert not ItemProgress.objects.filter(user=acme_student).exists()


def test_completing_every_lesson_completes_the_course_and_raises_one_event(
    acme, acme_teacher, acme_student, acme_course, enrolled, listen, django_capture_on_commit_callbacks
):
    certificates, badges = listen(COMPLETED), listen(COMPLETED)
    with in_org(acme):
        items = lessons(acme_course)
        with django_capture_on_commit_callbacks(execute=True):
            for item in items[:-1]:
                services.progress_record(actor=acme_student, item=item, completed=True)
        enrolled.refresh_from_db()
        assert (enrolled.status, enrolled.progress_percent) == ("active", 75)
        assert certificates.attempts == 0

        with django_capture_on_commit_callbacks(execute=True):
            services.progress_record(actor=acme_student, item=items[-1], completed=True)
            assert certificates.attempts == 0  # only after commit
        enrolled.refresh_from_db()
        assert (enrolled.status, enrolled.progress_percent, enrolled.completed_items) == ("completed", 100, 4)
        assert enrolled.completed_at is not None

        # completing again, un-completing and completing, and new content: never a second event
        with django_capture_on_commit_callbacks(execute=True):
            services.progress_record(actor=acme_student, item=items[-1], completed=True)
            services.progress_record(actor=acme_student, item=items[-1], completed=False)
            services.progress_record(actor=acme_student, item=items[-1], completed=True)
            extra = services.content_create(
                actor=acme_teacher, module=acme_course.modules.first(), kind="text", title="Bonus", body="x"
            )
            services.version_publish(actor=acme_teacher, item=extra, version=extra.latest_version)
            services.progress_record(actor=acme_student, item=extra, completed=True)

        enrolled.refresh_from_db()
        assert (enrolled.status, enrolled.total_items) == ("completed", 5)
        event = Event.objects.get(name=COMPLETED)
        assert event.key == f"{COMPLETED}:{enrolled.pk}"
        assert event.payload == {
            "enrollment_id": enrolled.pk,
            "course_id": acme_course.pk,
            "user_id": acme_student.pk,
            "completed_at": enrolled.completed_at.isoformat(),
        }
        assert event.actor_id == acme_student.pk
        assert event.dispatched_at is not None
        assert [e.pk for e in certificates.events] == [event.pk]
        assert [e.pk for e in badges.events] == [event.pk]


def test_a_completion_that_rolls_back_raises_nothing(
    acme, acme_student, acme_course, enrolled, listen, django_capture_on_commit_callbacks
):
    certificates = listen(COMPLETED)
    with in_org(acme):
        items = lessons(acme_course)
        for item in items[:-1]:
            services.progress_record(actor=acme_student, item=item, completed=True)

        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            _complete_then_fail(acme_student, items[-1])

        enrolled.refresh_from_db()
        assert enrolled.status == "active"
        assert not Event.objects.filter(name=COMPLETED).exists()
        assert certificates.attempts == 0


def _complete_then_fail(student, item) -> None:
    with transaction.atomic():
        services.progress_record(actor=student, item=item, completed=True)
        raise RuntimeError("the request failed after the write")


def test_new_lessons_lower_the_percentage_of_active_learners(
    acme, acme_teacher, acme_student, acme_course, enrolled
):
    with in_org(acme):
        services.progress_record(actor=acme_student, item=lessons(acme_course)[0], completed=True)
        services.content_create(
            actor=acme_teacher, module=acme_course.modules.first(), kind="text", title="New", body="x"
        )
        services.course_publish(actor=acme_teacher, course=acme_course)

        enrolled.refresh_from_db()
        assert (enrolled.completed_items, enrolled.total_items, enrolled.progress_percent) == (1, 5, 20)


# --- concurrent requests -------------------------------------------------------------------------------------
#
# These need committed data seen by several database connections at once. A transactional test
# (django_db(transaction=True)) would do it, but at its end pytest-django truncates the public tables, and
# with them the session's organizations, plans and domains that every later test needs (see
# tests/browser/conftest.py). So the course below is built and committed on separate connections (threads,
# outside the test's own transaction), raced on more connections, and deleted again at the end.


def on_own_connection(schema: str, fn, *args):
    """Run fn(*args) in a thread, on that thread's own connection in `schema` (autocommit), and return it."""
    box: dict = {}

    def target():
        try:
            with schema_context(schema):
                box["result"] = fn(*args)
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in box:
        raise box["error"]
    return box.get("result")


@pytest.fixture
def race(acme):
    """A published course of 4 lessons committed in acme, student@ enrolled; removed afterwards."""
    marker = f"race-{uuid.uuid4().hex[:8]}"

    def build():
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        teacher = users.get(email="teacher@acme.example.com")
        student = users.get(email="student@acme.example.com")
        audit_floor = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        course = services.course_create(actor=teacher, title=marker)
        module = services.module_create(actor=teacher, course=course, title="Only module")
        for n in range(4):
            services.content_create(actor=teacher, module=module, kind="text", title=f"L{n}", body="x")
        services.course_publish(actor=teacher, course=course)
        enrollment = services.enroll_self(actor=student, course=course)
        return {
            "course": course.pk,
            "items": [i.pk for i in lessons(course)],
            "enrollment": enrollment.pk,
            "student": student.pk,
            "audit_floor": audit_floor,
        }

    def cleanup(ids):
        Event.objects.filter(key=f"{COMPLETED}:{ids['enrollment']}").delete()
        Course.objects.filter(pk=ids["course"]).delete()
        AuditEntry.objects.filter(pk__gt=ids["audit_floor"], changes__course=ids["course"]).delete()
        AuditEntry.objects.filter(pk__gt=ids["audit_floor"], target_repr__contains=marker).delete()
        AuditEntry.objects.filter(
            pk__gt=ids["audit_floor"], target_type="courses.course", target_id=str(ids["course"])
        ).delete()

    ids = on_own_connection(acme.schema_name, build)
    try:
        yield ids
    finally:
        on_own_connection(acme.schema_name, cleanup, ids)


def _record(item_id: int, student_id: int, **values):
    from django.contrib.auth import get_user_model

    from apps.courses.models import ContentItem

    item = ContentItem.objects.select_related("course").get(pk=item_id)
    student = get_user_model().objects.get(pk=student_id)
    return services.progress_record(actor=student, item=item, **values)


def _complete(ids, item_ids):
    for item_id in item_ids:
        _record(item_id, ids["student"], completed=True)


def _state(ids):
    enrollment = Enrollment.objects.get(pk=ids["enrollment"])
    events = Event.objects.filter(name=COMPLETED, key=f"{COMPLETED}:{ids['enrollment']}")
    return {
        # a request that completed the course on a stale enrollment would move completed_at past the event's
        "same_completion": [e.payload["completed_at"] for e in events]
        == [enrollment.completed_at.isoformat() if enrollment.completed_at else None],
        "status": enrollment.status,
        "percent": enrollment.progress_percent,
        "completed_items": enrollment.completed_items,
        "events": events.count(),
        "rows": ItemProgress.objects.filter(user_id=ids["student"], course_id=ids["course"]).count(),
    }


def test_concurrent_completions_of_the_last_lesson_complete_once(acme, race, listen):
    certificates = listen(COMPLETED)
    on_own_connection(acme.schema_name, _complete, race, race["items"][:-1])
    barrier = threading.Barrier(8)
    errors: list = []

    def learner_tab():
        try:
            with schema_context(acme.schema_name):
                barrier.wait(10)
                _record(race["items"][-1], race["student"], completed=True, time_spent_seconds=30)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=learner_tab) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    state = on_own_connection(acme.schema_name, _state, race)
    assert state == {
        "same_completion": True,
        "status": "completed",
        "percent": 100,
        "completed_items": 4,
        "events": 1,
        "rows": 4,
    }
    assert len(certificates.events) == 1
    assert certificates.events[0].payload["enrollment_id"] == race["enrollment"]


def test_a_completion_waits_for_a_concurrent_one_on_the_enrollment_row(acme, race, listen):
    """Two tabs complete the last two lessons at once. Each roll-up must see the other's lesson, or neither
    would see 4 of 4 and the course would never complete: the second request waits on the enrollment row
    (select_for_update) until the first commits."""
    certificates = listen(COMPLETED)
    on_own_connection(acme.schema_name, _complete, race, race["items"][:2])
    first_written, release, second_started = threading.Event(), threading.Event(), threading.Event()
    pids: dict = {}
    errors: list = []

    def first_tab():
        try:
            with schema_context(acme.schema_name), transaction.atomic():
                _record(race["items"][2], race["student"], completed=True)
                pids["first"] = connection.connection.info.backend_pid
                first_written.set()
                release.wait(20)  # still uncommitted: the row lock is held
        except BaseException as exc:
            errors.append(exc)
            first_written.set()
        finally:
            connection.close()

    def second_tab():
        try:
            with schema_context(acme.schema_name):
                first_written.wait(20)
                connection.ensure_connection()
                pids["second"] = connection.connection.info.backend_pid
                second_started.set()
                _record(race["items"][3], race["student"], completed=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            second_started.set()
            connection.close()

    first, second = threading.Thread(target=first_tab), threading.Thread(target=second_tab)
    first.start()
    second.start()
    second_started.wait(20)
    blocked_by = _wait_until_blocked(pids.get("second"), second)
    release.set()
    first.join(30)
    second.join(30)

    assert errors == []
    assert blocked_by == [pids["first"]]
    state = on_own_connection(acme.schema_name, _state, race)
    assert state == {
        "same_completion": True,
        "status": "completed",
        "percent": 100,
        "completed_items": 4,
        "events": 1,
        "rows": 4,
    }
    assert len(certificates.events) == 1


def _wait_until_blocked(pid, thread, timeout: float = 5.0) -> list[int]:
    """The backends `pid` waits for on a lock, once it waits (empty if it finished without waiting)."""

    def poll():
        deadline = time.monotonic() + timeout
        with connection.cursor() as cursor:
            while time.monotonic() < deadline and thread.is_alive():
                cursor.execute("SELECT pg_blocking_pids(%s)", [pid])
                blocking = cursor.fetchone()[0]
                if blocking:
                    return blocking
                time.sleep(0.02)
        return []

    return on_own_connection("public", poll) if pid else []


def test_the_race_course_leaves_nothing_behind(acme):
    """The committed course of the tests above is deleted after each of them, with its audit entries and
    events (everything here would be rolled back but what those tests committed)."""
    with in_org(acme):
        courses = list(Course.objects.values_list("pk", flat=True))
        assert not Course.objects.filter(title__startswith="race-").exists()
        assert not AuditEntry.objects.filter(target_repr__startswith="race-").exists()
        assert not AuditEntry.objects.filter(target_type="courses.course").exclude(
            target_id__in=[str(pk) for pk in courses]
        )
        assert not AuditEntry.objects.filter(changes__has_key="course").exclude(changes__course__in=courses)
        assert not Event.objects.exclude(payload__course_id__in=courses).filter(name=COMPLETED)
