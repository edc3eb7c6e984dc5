"""What the bank's and the imports' API lists read beside their rows' own columns (issue 11: read in the
list's one query, or set on the page's rows): a question's latest version, tags, category and course, a
version's author and latest flag, a running import's live progress; the same in the list and the detail."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from apps.assessments.baker_recipes import make_question
from apps.assessments.bank import services
from apps.assessments.models import Question, QuestionVersion, TransferJob
from apps.assessments.transfer.services import progress_key
from apps.courses.models import Tag
from tests.api.helpers import assert_ok
from tests.conftest import client_for, in_org, jwt_for

pytestmark = pytest.mark.django_db

VERSION_FIELDS = {"text", "general_feedback", "default_mark", "penalty", "hints", "data"}


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def category(acme, acme_admin):
    with in_org(acme):
        return services.category_create(actor=acme_admin, course=None, name="Shared")


def test_a_question_lists_its_latest_version_tags_category_and_no_course(acme, acme_admin, category):
    with in_org(acme):
        question = make_question(
            category=category, name="Q", default_mark=Decimal("2.5"), penalty=0.25, hints=["one", "two"]
        )
        question.tags.add(Tag.objects.create(name="zeta"), Tag.objects.create(name="alpha"))
        data = question.latest_version.data
    client = api(acme, acme_admin)

    [listed] = assert_ok(client.get("/api/v1/questions"))
    detail = assert_ok(client.get(f"/api/v1/questions/{question.pk}"))

    assert listed == detail
    assert listed["category"] == {"id": category.pk, "name": "Shared"}
    assert listed["course"] is None
    assert listed["tags"] == ["alpha", "zeta"]
    assert listed["qtype_label"] == "Single choice"
    assert (listed["version"], listed["default_mark"], listed["penalty"]) == (1, "2.5000", 0.25)
    assert (listed["hints"], listed["data"]) == (["one", "two"], data)


def test_a_question_without_a_latest_version_leaves_its_fields_out(acme, acme_admin, category):
    with in_org(acme):
        question = make_question(category=category, name="Q")
        Question.objects.filter(pk=question.pk).update(latest_version=None)
    client = api(acme, acme_admin)

    [listed] = assert_ok(client.get("/api/v1/questions"))
    detail = assert_ok(client.get(f"/api/v1/questions/{question.pk}"))

    assert listed == detail
    assert listed["version"] is None
    assert not VERSION_FIELDS & set(listed)


def test_the_versions_name_their_author_and_flag_the_latest(acme, acme_admin, category):
    with in_org(acme):
        question = make_question(category=category, name="Q", created_by=acme_admin)
        first = question.latest_version
        second = QuestionVersion.objects.create(
            question=question, number=2, qtype=first.qtype, name="Q", data=first.data, created_by=None
        )
        Question.objects.filter(pk=question.pk).update(latest_version=second)
    client = api(acme, acme_admin)

    versions = assert_ok(client.get(f"/api/v1/questions/{question.pk}/versions"))

    assert [(v["number"], v["latest"]) for v in versions] == [(2, True), (1, False)]
    assert versions[0]["created_by"] is None
    assert versions[1]["created_by"] == {"id": acme_admin.pk, "full_name": acme_admin.full_name}
    assert assert_ok(client.get(f"/api/v1/questions/{question.pk}/versions?page=9")) == []
    assert client.get("/api/v1/questions/999999999/versions").status_code == 404
    assert client.get("/api/v1/questions/99999999999999999999/versions").status_code == 404


def test_a_running_import_shows_its_live_progress_in_the_list_and_the_detail(acme, acme_admin, category):
    with in_org(acme):
        job = TransferJob.objects.create(
            file_format="gift",
            status=TransferJob.Status.RUNNING,
            filename="bank.gift",
            size_bytes=10,
            data=b"",
            category=category,
            total=0,
            created_by=None,
        )
        cache.set(progress_key(job.pk), {"total": 8, "processed": 2, "created": 1, "skipped": 1}, 60)
    client = api(acme, acme_admin)
    try:
        [listed] = assert_ok(client.get("/api/v1/question-imports"))
        detail = assert_ok(client.get(f"/api/v1/question-imports/{job.pk}"))
    finally:
        with in_org(acme):  # the cache's keys are the organization's
            cache.delete(progress_key(job.pk))

    assert {k: v for k, v in detail.items() if k != "report"} == listed
    assert (listed["total"], listed["processed"], listed["created"], listed["skipped"]) == (8, 2, 1, 1)
    assert listed["progress_percent"] == 25
    assert listed["created_by"] is None
    assert listed["page_url"] == f"/questions/import/{job.pk}/"
