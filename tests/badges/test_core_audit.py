"""The audit log's sentences for badges (apps/badges/core/audit.py): every action code the core records has
one, and the award and revoke sentences name the learner only to viewers who may see them."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.audit.describe import described_actions
from apps.audit.models import AuditEntry
from apps.audit.selectors import rows_for
from apps.badges.baker_recipes import make_badge
from apps.badges.core import services
from apps.badges.core.images import generated_png
from tests.api.helpers import assert_ok
from tests.conftest import in_org, person

pytestmark = pytest.mark.django_db


def test_every_action_code_the_badges_core_records_has_a_sentence():
    source = Path(settings.BASE_DIR) / "apps" / "badges" / "core"
    codes = set()
    for path in source.rglob("*.py"):
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text()))
        codes |= set(re.findall(r'"(badge\.(?:activated|archived))"', path.read_text()))
    assert {"badge.created", "badge.awarded", "badge_award.revoked", "badge.activated"} <= codes
    assert sorted(codes - set(described_actions())) == []


def test_awards_and_revocations_read_as_sentences(
    acme, acme_admin, acme_teacher, acme_student, acme_admin_client
):
    with in_org(acme):
        badge = services.badge_create(actor=acme_admin, name="Helpful classmate", description="x")
        services.badge_update(actor=acme_admin, badge=badge, description="Kind to others")
        services.badge_set_status(actor=acme_admin, badge=badge, status="active")
        award = services.award_create(actor=acme_teacher, badge=badge, user=acme_student, note="Helped Ben")
        services.award_revoke(actor=acme_teacher, award=award, reason="Wrong learner")
    response = acme_admin_client.get(
        "/api/v1/audit-log",
        {
            "filter[action][in]": "badge.created,badge.updated,badge.activated,badge.awarded,badge_award.revoked",
            "sort": "created_at",
        },
    )
    described = [entry["description"] for entry in assert_ok(response)]
    name = acme_student.get_full_name()
    assert described == [
        f"{acme_admin.get_full_name()} created the badge Helpful classmate",
        f"{acme_admin.get_full_name()} changed the description of the badge Helpful classmate",
        f"{acme_admin.get_full_name()} activated the badge Helpful classmate: learners can earn it",
        f"{acme_teacher.get_full_name()} awarded the badge Helpful classmate to {name}",
        f"{acme_teacher.get_full_name()} revoked {name}'s badge Helpful classmate: Wrong learner",
    ]
    with in_org(acme):
        south_teacher = person(acme, "south-teacher")
        entry = AuditEntry.objects.filter(action="badge.awarded").order_by("-pk")[:1]
        (row,) = rows_for(entry, viewer=south_teacher)
        assert name not in row.description_text
        assert "a learner" in row.description_text


def test_the_generated_image_is_a_deterministic_400px_png():
    first, second = (
        generated_png("Algebra Foundations", "#2457d6"),
        generated_png("Algebra Foundations", "#2457d6"),
    )
    assert first == second
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert generated_png("Algebra Foundations", "#aa0000") != first
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(first)).size == (400, 400)


def test_the_recipes_make_what_the_services_would(acme, acme_student):
    from apps.badges.baker_recipes import make_award
    from apps.badges.openbadges.identity import hashed_identity

    with in_org(acme):
        badge = make_badge(
            name="Recipe", expiry="days", expires_after_days=10, criteria=[{"kind": "streak", "count": 2}]
        )
        award = make_award(badge=badge, user=acme_student, revoked=True, reason="Because")
        assert [c.kind for c in badge.criteria.all()] == ["streak"]
        assert award.identity_hash == hashed_identity(acme_student.email, award.salt)
        assert (award.expires_at - award.issued_at).days == 10
        assert award.revocation_reason == "Because"
