"""Badges core: progress and automatic awards from the learner's events (once, however often an event is
redelivered), manual awards and revocations by the right roles, expiry, and the activation backfill."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from model_bakery import baker

from apps.assessments.models import AssessmentGrade
from apps.badges.baker_recipes import make_award, make_badge
from apps.badges.core import services
from apps.badges.models import ActivityDay, Badge, BadgeAward, BadgeProgress
from apps.core.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from apps.events import bus
from apps.events.models import Event
from apps.hierarchy.models import Branch
from tests.conftest import in_org, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(acme, acme_teacher):
    with in_org(acme):
        course = baker.make_recipe("courses.course", owner=acme_teacher, title="Algebra Foundations")
        course.branches.set([Branch.objects.get(code="north")])
        return course


def complete(course, user):
    return baker.make_recipe("courses.enrollment", course=course, user=user, completed_at=timezone.now())


def awards_of(badge, user):
    return list(BadgeAward.objects.filter(badge=badge, user=user))


def test_completing_the_course_awards_its_badge_once_however_often_the_event_is_redelivered(
    acme, acme_teacher, acme_student, course, django_capture_on_commit_callbacks
):
    with in_org(acme):
        badge = services.badge_create(
            actor=acme_teacher,
            name="Algebra Foundations",
            description="Completed the course.",
            course=course,
            criteria=[{"kind": "course", "course_id": course.pk}],
            status="active",
        )
        enrollment = complete(course, acme_student)
        with django_capture_on_commit_callbacks(execute=True):
            Event.objects.filter(name="badge.awarded").delete()
            event = bus.emit(
                "course.completed",
                key=f"course.completed:{enrollment.pk}",
                payload={
                    "enrollment_id": enrollment.pk,
                    "course_id": course.pk,
                    "user_id": acme_student.pk,
                    "completed_at": enrollment.completed_at.isoformat(),
                },
            )
        # the same event handed to the subscriber again (a redelivery), and the award logic run again
        from apps.badges.core.subscribers import badges_on_course_completed

        badges_on_course_completed(event)
        badges_on_course_completed(event)

        (award,) = awards_of(badge, acme_student)
        assert award.source == "automatic"
        assert award.recipient_email == "student@acme.example.com"
        assert award.identity_hash.startswith("sha256$")
        assert len(award.salt) == 32
        assert Event.objects.filter(name="badge.awarded", key=f"badge.awarded:{award.pk}").count() == 1
        assert Event.objects.filter(name="badge.awarded").count() == 1
        progress = BadgeProgress.objects.get(badge=badge, user=acme_student)
        assert progress.percent == 100


def test_a_quiz_badge_needs_the_percentage_of_the_quiz_grade(acme, acme_teacher, acme_student, course):
    from apps.assessments.baker_recipes import make_quiz

    with in_org(acme):
        quiz = make_quiz(course=course, title="Algebra check-up", max_grade=Decimal("10"))
        badge = make_badge(
            name="Algebra ace", criteria=[{"kind": "quiz", "assessment": quiz, "min_percent": 90}]
        )
        grade = AssessmentGrade.objects.create(assessment=quiz, user=acme_student, grade=Decimal("8.5"))

        assert services.on_quiz_graded(assessment_id=quiz.pk, user_id=acme_student.pk) == []
        progress = BadgeProgress.objects.get(badge=badge, user=acme_student)
        (state,) = progress.state.values()
        assert (state["current"], state["target"], state["met"]) == (85.0, 90.0, False)
        assert progress.percent == 94

        grade.grade = Decimal("9")
        grade.save()
        (award,) = services.on_quiz_graded(assessment_id=quiz.pk, user_id=acme_student.pk)
        assert award.badge == badge


def test_an_all_badge_waits_for_every_criterion_and_an_any_badge_for_one(acme, acme_student, course):
    with in_org(acme):
        other = baker.make_recipe("courses.course", title="Physics")
        both = make_badge(
            name="Both", criteria=[{"kind": "course", "course": course}, {"kind": "course", "course": other}]
        )
        either = make_badge(
            name="Either",
            criteria_mode="any",
            criteria=[{"kind": "course", "course": course}, {"kind": "course", "course": other}],
        )
        complete(course, acme_student)
        made = services.on_course_completed(course_id=course.pk, user_id=acme_student.pk)

        assert [a.badge.name for a in made] == ["Either"]
        assert BadgeProgress.objects.get(badge=both, user=acme_student).percent == 50
        assert awards_of(either, acme_student)
        assert not awards_of(both, acme_student)


def test_n_courses_of_a_category_count_only_that_category(acme, acme_student):
    with in_org(acme):
        maths = baker.make("courses.Category", name="Maths", slug="maths")
        in_maths = baker.make_recipe("courses.course", category=maths, _quantity=2)
        elsewhere = baker.make_recipe("courses.course")
        badge = make_badge(name="Curious", criteria=[{"kind": "courses", "count": 2, "category": maths}])
        complete(elsewhere, acme_student)
        complete(in_maths[0], acme_student)
        assert services.on_course_completed(course_id=in_maths[0].pk, user_id=acme_student.pk) == []
        complete(in_maths[1], acme_student)
        (award,) = services.on_course_completed(course_id=in_maths[1].pk, user_id=acme_student.pk)
        assert award.badge == badge


def test_a_streak_counts_consecutive_days_in_the_learners_time_zone(acme, acme_student):
    with in_org(acme):
        acme_student.timezone = "Pacific/Auckland"
        acme_student.save(update_fields=["timezone"])
        badge = make_badge(name="Three-day streak", criteria=[{"kind": "streak", "count": 3}])
        # 11:30 UTC on 1 March is 00:30 on 2 March in Auckland (UTC+13)
        start = datetime(2026, 3, 1, 11, 30, tzinfo=UTC)
        for offset in (0, 1):
            services.on_lesson_completed(user_id=acme_student.pk, completed_at=start + timedelta(days=offset))
        assert sorted(
            str(d) for d in ActivityDay.objects.filter(user=acme_student).values_list("day", flat=True)
        ) == [
            "2026-03-02",
            "2026-03-03",
        ]
        assert not awards_of(badge, acme_student)
        (award,) = services.on_lesson_completed(
            user_id=acme_student.pk, completed_at=start + timedelta(days=2)
        )
        assert award.badge == badge
        # a second lesson on the same day changes nothing
        assert (
            services.on_lesson_completed(user_id=acme_student.pk, completed_at=start + timedelta(days=2))
            == []
        )


def test_earning_the_badges_a_and_b_awards_the_badge_that_requires_them(acme, acme_student, course):
    with in_org(acme):
        first = make_badge(name="A")
        second = make_badge(name="B")
        both = make_badge(name="A and B", criteria=[{"kind": "badges", "required_badges": [first, second]}])
        make_award(badge=first, user=acme_student)
        assert services.on_badge_awarded(badge_id=first.pk, user_id=acme_student.pk) == []
        make_award(badge=second, user=acme_student)
        (award,) = services.on_badge_awarded(badge_id=second.pk, user_id=acme_student.pk)
        assert award.badge == both


def test_a_manual_only_badge_is_never_awarded_automatically(acme, acme_student, course):
    with in_org(acme):
        badge = make_badge(name="Helpful", criteria=[{"kind": "manual"}])
        assert services.progress_refresh(badge=badge, user_id=acme_student.pk) is None
        assert not awards_of(badge, acme_student)


def test_a_revoked_award_is_not_given_again_by_the_next_event(acme, acme_student, course):
    with in_org(acme):
        badge = make_badge(name="Course", criteria=[{"kind": "course", "course": course}])
        make_award(badge=badge, user=acme_student, revoked=True)
        complete(course, acme_student)
        assert services.on_course_completed(course_id=course.pk, user_id=acme_student.pk) == []
        assert BadgeAward.objects.filter(badge=badge, user=acme_student, revoked_at__isnull=True).count() == 0


def test_drafts_and_archived_badges_award_nothing(acme, acme_student, course):
    with in_org(acme):
        draft = make_badge(name="Draft", status="draft", criteria=[{"kind": "course", "course": course}])
        archived = make_badge(name="Old", status="archived", criteria=[{"kind": "course", "course": course}])
        complete(course, acme_student)
        assert services.on_course_completed(course_id=course.pk, user_id=acme_student.pk) == []
        assert not awards_of(draft, acme_student)
        assert not awards_of(archived, acme_student)


def test_activating_a_badge_awards_those_who_already_meet_it_in_the_background(
    acme, acme_admin, acme_student, course, django_capture_on_commit_callbacks
):
    with in_org(acme):
        south = person(acme, "south-student")
        complete(course, acme_student)
        badge = services.badge_create(
            actor=acme_admin,
            name="Algebra Foundations",
            description="x",
            criteria=[{"kind": "course", "course_id": course.pk}],
        )
        assert badge.status == "draft"
        with django_capture_on_commit_callbacks(execute=True):
            services.badge_set_status(actor=acme_admin, badge=badge, status="active")
        assert [a.user for a in BadgeAward.objects.filter(badge=badge)] == [acme_student]
        assert services.badge_backfill(badge_id=badge.pk) == 0  # again: nobody twice
        assert not awards_of(badge, south)


def test_expiry_is_computed_from_the_badge(acme, acme_teacher, acme_student, course):
    with in_org(acme):
        badge = make_badge(name="Days", expiry="days", expires_after_days=30)
        award = services.award_create(actor=acme_teacher, badge=badge, user=acme_student, note="Well done")
        assert award.expires_at - award.issued_at == timedelta(days=30)
        dated = make_badge(name="Dated", expiry="date", expires_on=timezone.localdate() + timedelta(days=10))
        award = services.award_create(actor=acme_teacher, badge=dated, user=acme_student)
        assert timezone.localtime(award.expires_at).date() == dated.expires_on


def test_teachers_award_their_class_managers_their_branch_admins_anyone(
    acme, acme_admin, acme_teacher, acme_manager, acme_student
):
    with in_org(acme):
        south_student = person(acme, "south-student")
        badge = make_badge(name="Helpful classmate")
        award = services.award_create(actor=acme_teacher, badge=badge, user=acme_student, note="Helped Ben")
        assert (award.source, award.awarded_by, award.note) == ("manual", acme_teacher, "Helped Ben")
        with pytest.raises(ValidationFailed):
            services.award_create(actor=acme_teacher, badge=badge, user=south_student)
        with pytest.raises(ValidationFailed):
            services.award_create(actor=acme_manager, badge=badge, user=south_student)
        assert services.award_create(actor=acme_admin, badge=badge, user=south_student).user == south_student
        with pytest.raises(PermissionDenied):
            services.award_create(actor=acme_student, badge=make_badge(name="Self"), user=acme_student)
        with pytest.raises(Conflict):
            services.award_create(actor=acme_admin, badge=badge, user=acme_student)


def test_revoking_needs_a_reason_and_raises_badge_revoked_once(acme, acme_teacher, acme_student):
    with in_org(acme):
        award = make_award(badge=make_badge(name="Oops"), user=acme_student)
        with pytest.raises(ValidationFailed):
            services.award_revoke(actor=acme_teacher, award=award, reason="  ")
        revoked = services.award_revoke(actor=acme_teacher, award=award, reason="Awarded by mistake")
        assert (revoked.revocation_reason, revoked.revoked_by) == ("Awarded by mistake", acme_teacher)
        with pytest.raises(InvalidState):
            services.award_revoke(actor=acme_teacher, award=award, reason="again")
        assert Event.objects.filter(key=f"badge.revoked:{award.pk}").count() == 1
        # the learner may be awarded it again by hand
        again = services.award_create(actor=acme_teacher, badge=award.badge, user=acme_student)
        assert again.pk != award.pk


def test_only_course_editors_manage_a_course_badge_and_only_admins_an_org_badge(
    acme, acme_admin, acme_teacher, acme_student, course
):
    with in_org(acme):
        south_teacher = person(acme, "south-teacher")
        badge = services.badge_create(actor=acme_teacher, name="Course badge", description="x", course=course)
        with pytest.raises(PermissionDenied):
            services.badge_update(actor=south_teacher, badge=badge, name="Hijacked")
        with pytest.raises(PermissionDenied):
            services.badge_create(actor=acme_teacher, name="Org badge", description="x")
        with pytest.raises(PermissionDenied):
            services.badge_create(actor=acme_student, name="Mine", description="x", course=course)
        org = services.badge_create(actor=acme_admin, name="Org badge", description="x")
        assert org.course is None
        assert org.image_source == "generated"
        assert org.image.name.endswith(".png")


def test_a_badge_with_awards_cannot_be_deleted_but_archived(acme, acme_admin, acme_student):
    with in_org(acme):
        badge = make_badge(name="Kept")
        make_award(badge=badge, user=acme_student)
        with pytest.raises(Conflict):
            services.badge_delete(actor=acme_admin, badge=badge)
        services.badge_set_status(actor=acme_admin, badge=badge, status="archived")
        assert Badge.objects.get(pk=badge.pk).status == "archived"


def test_bad_criteria_are_refused_with_field_details(acme, acme_admin):
    with in_org(acme):
        with pytest.raises(ValidationFailed) as refused:
            services.badge_create(
                actor=acme_admin,
                name="Bad",
                description="x",
                criteria=[{"kind": "quiz", "assessment_id": 99999999, "min_percent": 50}, {"kind": "nope"}],
            )
        assert "criteria.0.assessment_id" in refused.value.field_errors
        with pytest.raises(ValidationFailed) as refused:
            services.badge_create(
                actor=acme_admin, name="Bad", description="x", criteria=[{"kind": "streak", "count": 0}]
            )
        assert list(refused.value.field_errors) == ["criteria.0.count"]


def test_an_event_touches_only_the_badges_whose_criteria_name_it(acme, acme_student, course):
    with in_org(acme):
        other = baker.make_recipe("courses.course", title="Physics")
        mine = make_badge(name="Mine", criteria=[{"kind": "course", "course": course}])
        unrelated = make_badge(name="Unrelated", criteria=[{"kind": "course", "course": other}])
        streak = make_badge(name="Streak", criteria=[{"kind": "streak", "count": 5}])
        complete(course, acme_student)
        services.on_course_completed(course_id=course.pk, user_id=acme_student.pk)
        touched = set(BadgeProgress.objects.filter(user=acme_student).values_list("badge_id", flat=True))
        assert touched == {mine.pk}
        assert unrelated.pk not in touched
        assert streak.pk not in touched
