"""The badges' pages: the staff's list, editor (criteria rows, no JavaScript), badge page with the award and
revoke forms, and the learner's "My achievements" with state, progress and certificates."""

import pytest
from django.urls import reverse
from model_bakery import baker

from apps.badges.baker_recipes import make_award, make_badge
from apps.badges.models import Badge, BadgeAward, BadgeProgress
from apps.hierarchy.models import Branch
from tests.conftest import browser_for, in_org, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(acme, acme_teacher):
    with in_org(acme):
        course = baker.make_recipe("courses.course", owner=acme_teacher, title="Algebra Foundations")
        course.branches.set([Branch.objects.get(code="north")])
        return course


def test_a_teacher_makes_a_course_badge_with_the_editor(acme, acme_teacher, course):
    page = browser_for(acme, acme_teacher)
    assert page.get("/badges/new/").status_code == 200
    response = page.post(
        "/badges/new/",
        {
            "name": "Algebra Foundations",
            "description": "Completed the course.",
            "course": str(course.pk),
            "criteria_mode": "all",
            "expiry": "none",
            "c0_kind": "course",
            "c0_course": str(course.pk),
            "c1_kind": "streak",
            "c1_count": "3",
        },
    )
    with in_org(acme):
        badge = Badge.objects.get(name="Algebra Foundations")
        assert [(c.kind, c.course_id, c.count) for c in badge.criteria.all()] == [
            ("course", course.pk, None),
            ("streak", None, 3),
        ]
    assert response.status_code == 302
    assert response["Location"] == reverse("badges:badge_detail", args=[badge.pk])
    assert page.post(f"/badges/{badge.pk}/status/", {"status": "active"}).status_code == 302
    with in_org(acme):
        assert Badge.objects.get(pk=badge.pk).status == "active"


def test_a_bad_criterion_comes_back_on_its_row(acme, acme_admin):
    response = browser_for(acme, acme_admin).post(
        "/badges/new/",
        {"name": "Bad", "description": "x", "criteria_mode": "all", "expiry": "none", "c0_kind": "streak"},
    )
    assert response.status_code == 200
    assert "c0_count" in response.context["form"].errors


def test_the_badge_page_awards_and_revokes(acme, acme_teacher, acme_student):
    with in_org(acme):
        badge = make_badge(name="Helpful classmate")
    page = browser_for(acme, acme_teacher)
    shown = page.get(f"/badges/{badge.pk}/")
    assert shown.status_code == 200
    assert "Helpful classmate" in shown.content.decode()
    page.post(f"/badges/{badge.pk}/award/", {"user": str(acme_student.pk), "note": "Helped Ben"})
    with in_org(acme):
        award = BadgeAward.objects.get(badge=badge, user=acme_student)
        assert award.note == "Helped Ben"
        assert award.awarded_by == acme_teacher
    assert "Helped Ben" in page.get(f"/badges/{badge.pk}/").content.decode()
    page.post(f"/badges/awards/{award.pk}/revoke/", {"reason": "Wrong person"})
    with in_org(acme):
        award.refresh_from_db()
        assert award.revocation_reason == "Wrong person"
        assert award.revoked_by == acme_teacher


def test_students_get_403_on_staff_pages_and_others_badges_404(acme, acme_student, course):
    with in_org(acme):
        badge = make_badge(name="Hidden", course=course)
        south_teacher = person(acme, "south-teacher")
    assert browser_for(acme, acme_student).get("/badges/").status_code == 403
    assert browser_for(acme, south_teacher).get(f"/badges/{badge.pk}/").status_code == 404


def test_my_achievements_shows_badges_with_their_state_and_progress(acme, acme_student):
    with in_org(acme):
        make_award(badge=make_badge(name="Kept badge"), user=acme_student)
        make_award(badge=make_badge(name="Taken badge"), user=acme_student, revoked=True, reason="A mistake")
        next_one = make_badge(name="Curious learner", criteria=[{"kind": "courses", "count": 2}])
        BadgeProgress.objects.create(badge=next_one, user=acme_student, percent=50, state={})
        make_badge(name="Three-day streak", criteria=[{"kind": "streak", "count": 3}])
        make_badge(name="Helpful classmate", criteria=[{"kind": "manual"}])
    response = browser_for(acme, acme_student).get("/achievements/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kept badge" in body
    assert "Taken badge" in body
    assert "A mistake" in body
    assert 'value="50"' in body
    assert "Curious learner" in body
    assert "Three-day streak" in body
    assert 'value="0"' in body
    assert "Helpful classmate" not in body  # awarded by hand only: no bar
    assert "/ob/v2/assertions/" in body
    assert "My certificates" in body


def test_navigation_shows_badges_to_staff_and_achievements_to_learners(acme, acme_teacher, acme_student):
    staff = browser_for(acme, acme_teacher).get("/badges/").content.decode()
    learner = browser_for(acme, acme_student).get("/achievements/").content.decode()
    assert 'href="/badges/"' in staff
    assert 'href="/achievements/"' not in staff
    assert 'href="/achievements/"' in learner
    assert 'href="/badges/"' not in learner


def test_my_achievements_lists_the_learners_certificates(acme, acme_student, course):
    from apps.certificates.baker_recipes import make_certificate

    with in_org(acme):
        certificate = make_certificate(user=acme_student, course=course)
        make_certificate(user=person(acme, "south-student"), course=course)
    body = browser_for(acme, acme_student).get("/achievements/").content.decode()
    assert certificate.code in body
    assert "Algebra Foundations" in body
    assert body.count('id="certificate-') == 1
