"""The demo's badges, in acme: "Algebra Foundations" (complete the course), "Algebra ace" (at least 90 % on
the quiz "Algebra check-up"), "Three-day streak", "Curious learner" (complete 2 courses) and the manual
"Helpful classmate", awarded by the teacher with a note; one award revoked with a reason. Activating each
badge awards, through the activation backfill, the classmates who already meet it. Sam Student has not
completed Algebra Foundations: passing the quiz brings its badge (and "Curious learner", Study Skills being
done) automatically.

Everything goes through the services, as the teacher's and the Org Admin's clicks would."""

from django.contrib.auth import get_user_model
from django.db import transaction

ALGEBRA = "algebra-foundations"
QUIZ_TITLE = "Algebra check-up"


def _person(slug: str, local: str):
    return get_user_model().objects.filter(email=f"{local}@{slug}.example.com").first()


def seed_badges(slug: str) -> list[str]:
    """Acme's badges and awards (call in its schema); returns what it created. Idempotent: the badge
    "Algebra Foundations" already there means the step ran."""
    from apps.assessments.models import Assessment
    from apps.badges.core import services
    from apps.badges.models import Badge
    from apps.courses.models import Course

    if slug != "acme":
        return []
    course = Course.objects.filter(slug=ALGEBRA).first()
    teacher, admin = _person(slug, "teacher"), _person(slug, "orgadmin")
    if (
        course is None
        or teacher is None
        or admin is None
        or Badge.objects.filter(name="Algebra Foundations").exists()
    ):
        return []
    quiz = Assessment.objects.filter(course=course, item__title=QUIZ_TITLE).first()
    created: list[str] = []
    with transaction.atomic():
        services.activity_history_import()
        specs = [
            (
                teacher,
                course,
                "Algebra Foundations",
                "Completed every lesson of Algebra Foundations.",
                [{"kind": "course", "course_id": course.pk}],
            ),
            (
                admin,
                None,
                "Three-day streak",
                "Completed a lesson on three days in a row.",
                [{"kind": "streak", "count": 3}],
            ),
            (admin, None, "Curious learner", "Completed two courses.", [{"kind": "courses", "count": 2}]),
            (
                admin,
                None,
                "Helpful classmate",
                "Helped classmates, as their teacher saw.",
                [{"kind": "manual"}],
            ),
        ]
        if quiz is not None:
            specs.insert(
                1,
                (
                    teacher,
                    course,
                    "Algebra ace",
                    "Scored at least 90 % on the Algebra check-up.",
                    [{"kind": "quiz", "assessment_id": quiz.pk, "min_percent": 90}],
                ),
            )
        badges = {}
        for actor, on_course, name, description, criteria in specs:
            badges[name] = services.badge_create(
                actor=actor,
                name=name,
                description=description,
                course=on_course,
                criteria=criteria,
                criteria_narrative=description,
            )
            services.badge_set_status(actor=actor, badge=badges[name], status="active")
            created.append(f"badge '{name}'")
    for badge in badges.values():  # the activation backfill, at once (the queued task then finds nothing)
        made = services.badge_backfill(badge_id=badge.pk)
        if made:
            created.append(f"{made} award(s) of '{badge.name}'")
    helpful = badges["Helpful classmate"]
    ava, ben = _person(slug, "ava"), _person(slug, "ben")
    with transaction.atomic():
        if ava is not None:
            services.award_create(
                actor=teacher, badge=helpful, user=ava, note="Explained like terms to the whole table."
            )
            created.append("'Helpful classmate' awarded to Ava")
        if ben is not None:
            award = services.award_create(actor=teacher, badge=helpful, user=ben, note="Shared the notes.")
            services.award_revoke(actor=teacher, award=award, reason="Awarded to the wrong classmate.")
            created.append("one award revoked")
    return created
