"""Isolation and role rows of the badges core part (apps/badges/core): the API, the pages and their form
actions.

The targets, in each org (made through the badges' services, found again by name, so a second call in the
same test gives the same objects): a course of the north branch owned by the named Teacher, so its badges are
managed by the Teacher (owner), the north Branch Manager (every branch of the course is theirs) and the Org
Admin; in it {bcore_badge_id} (active, awarded by hand to the named Student: {bcore_award_id}),
{bcore_award_badge_id} (active, not awarded yet: for the award rows) and {bcore_spare_badge_id} (a draft, for
the delete). {bcore_learner_id} is the named Student, in the Teacher's class. Names start with the org's name,
so a leak of globex's shows "Globex".

API keys need the `badges` scope.
"""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

STAFF = ("org_admin", "branch_manager", "teacher")

BADGES = "/api/v1/badges"
BADGE = BADGES + "/{bcore_badge_id}"
AWARD = "/api/v1/badge-awards/{bcore_award_id}"

API_ENDPOINTS: list[Endpoint] = scoped(
    "badges",
    [
        Endpoint("GET", BADGES),
        Endpoint("GET", BADGES + "?sort=-created_at&filter[status]=active"),
        Endpoint(
            "POST",
            BADGES,
            {
                "name": "Matrix badge",
                "description": "Matrix",
                "course_id": "{bcore_course_id}",
                "criteria": [{"kind": "course", "course_id": "{bcore_course_id}"}],
            },
            allowed_roles=STAFF,
        ),
        Endpoint("GET", BADGE, has_object=True),
        Endpoint(
            "PUT",
            BADGE,
            {"name": "Renamed badge", "description": "Matrix"},
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint("PATCH", BADGE, {"criteria_narrative": "Matrix"}, allowed_roles=STAFF, has_object=True),
        Endpoint("DELETE", BADGES + "/{bcore_spare_badge_id}", allowed_roles=STAFF, has_object=True),
        Endpoint("GET", BADGE + "/awards", allowed_roles=STAFF, has_object=True),
        Endpoint(
            "POST",
            BADGES + "/{bcore_award_badge_id}/award",
            {"user_id": "{bcore_learner_id}", "note": "Matrix"},
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint("GET", BADGE + "/progress", has_object=True),
        Endpoint("GET", AWARD, has_object=True),
        Endpoint("POST", AWARD + "/revoke", {"reason": "Matrix"}, allowed_roles=STAFF, has_object=True),
        Endpoint("GET", "/api/v1/users/{bcore_learner_id}/badges", has_object=True),
    ],
)

PAGES = [
    Page("/badges/"),
    Page("/badges/?status=active&q=Matrix"),
    Page("/badges/new/"),
    Page("/badges/{bcore_badge_id}/", has_object=True),
    Page("/badges/{bcore_badge_id}/edit/", has_object=True),
    Page("/badges/{bcore_badge_id}/image.png", has_object=True),
    Page("/achievements/"),
]

_BADGE_FORM = {"name": "Hijacked", "description": "Hijacked", "criteria_mode": "all", "expiry": "none"}

PAGE_ACTIONS = [
    PageAction("/badges/new/", {**_BADGE_FORM, "course": "{bcore_course_id}"}),
    PageAction("/badges/{bcore_badge_id}/edit/", _BADGE_FORM),
    PageAction("/badges/{bcore_badge_id}/status/", {"status": "archived"}),
    PageAction("/badges/{bcore_spare_badge_id}/delete/"),
    PageAction("/badges/{bcore_award_badge_id}/award/", {"user": "{bcore_learner_id}", "note": "Hijacked"}),
    PageAction("/badges/awards/{bcore_award_id}/revoke/", {"reason": "Hijacked"}),
]


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from django.contrib.auth import get_user_model
    from model_bakery import baker

    from apps.badges.core import services
    from apps.badges.models import Badge, BadgeAward
    from apps.courses.models import Course
    from apps.hierarchy.models import Branch

    name = organization.name
    users = get_user_model().objects
    teacher = users.get(email=f"teacher@{organization.slug}.example.com")
    student = users.get(email=f"student@{organization.slug}.example.com")
    course = Course.objects.filter(title=f"{name} badge course").first()
    if course is None:
        course = baker.make_recipe("courses.course", title=f"{name} badge course", owner=teacher)
        course.branches.set([Branch.objects.get(code="north")])
    badges = {b.name: b for b in Badge.objects.filter(course=course)}
    if f"{name} badge" not in badges:
        manual = [{"kind": "manual"}]
        badge = services.badge_create(
            actor=teacher, name=f"{name} badge", description="Matrix", course=course, criteria=manual
        )
        services.badge_set_status(actor=teacher, badge=badge, status="active")
        services.award_create(actor=teacher, badge=badge, user=student, note=f"{name} note")
        other = services.badge_create(
            actor=teacher, name=f"{name} award badge", description="Matrix", course=course, criteria=manual
        )
        services.badge_set_status(actor=teacher, badge=other, status="active")
        services.badge_create(
            actor=teacher, name=f"{name} spare badge", description="Matrix", course=course, criteria=manual
        )
        badges = {b.name: b for b in Badge.objects.filter(course=course)}
    badge = badges[f"{name} badge"]
    award = BadgeAward.objects.get(badge=badge, user=student)
    return {
        "bcore_course_id": str(course.pk),
        "bcore_badge_id": str(badge.pk),
        "bcore_award_badge_id": str(badges[f"{name} award badge"].pk),
        "bcore_spare_badge_id": str(badges[f"{name} spare badge"].pk),
        "bcore_award_id": str(award.pk),
        "bcore_learner_id": str(student.pk),
    }
