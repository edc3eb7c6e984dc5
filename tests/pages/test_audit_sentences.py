"""The audit log in sentences: every action code the code base records reads as a sentence naming who did
what to which object (linked where the viewer may open it), unknown codes fall back to the humanised code,
odd payloads never break a row, the raw data stays one click away, and the API carries the same sentence as
`description`, all in a constant number of queries."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.audit.describe import Sentence, describe_entries, described_actions, register_description
from tests.api.helpers import assert_ok

from .conftest import add_students, queries_for

ROOT = Path(__file__).resolve().parents[2]
USER = "accounts.user"


def recorded_actions() -> set[str]:
    """Every action code passed to audit_record() (directly or through a helper) in apps/ and tenants/."""
    codes = set()
    for path in [*ROOT.glob("apps/**/*.py"), *ROOT.glob("tenants/**/*.py")]:
        source = path.read_text()
        if "audit_record" in source and "apps/audit/" not in str(path):
            codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', source))
    return codes


@pytest.fixture
def course(acme, acme_admin):
    from apps.courses.services import course_create

    with schema_context("acme"):
        return course_create(actor=acme_admin, title="Algebra Foundations")


def entry(action, *, target_type="", target_id="", target_repr="", changes=None, actor=None, **extra):
    from apps.audit.models import AuditEntry

    return AuditEntry(
        action=action,
        actor=actor,
        actor_email=extra.pop("actor_email", getattr(actor, "email", "") or ""),
        target_type=target_type,
        target_id=str(target_id),
        target_repr=target_repr,
        changes={} if changes is None else changes,
        **extra,
    )


def samples(ids, course) -> dict:
    """A realistic entry's (target type, target id, recorded name, payload) for every code, as the
    services record them."""
    u, c = USER, "courses.course"
    role = {"role": "student", "branch": ids.north, "class": ids.algebra}
    return {
        "user.invited": (u, ids.student, "student@acme.example.com", {"roles": [role]}),
        "user.invitation_accepted": (u, ids.student, "student@acme.example.com", {}),
        "user.invitation_resent": (u, ids.student, "student@acme.example.com", {}),
        "user.signed_up": (u, ids.student, "student@acme.example.com", {}),
        "user.updated": (u, ids.student, "student@acme.example.com", {"full_name": ["Stu", "Student"]}),
        "user.deactivated": (u, ids.student, "", {"status": ["active", "deactivated"]}),
        "user.reactivated": (u, ids.student, "", {}),
        "user.deleted": (u, 999_999, "gone@acme.example.com", {"email": "gone@acme.example.com"}),
        "user.password_changed": (u, ids.student, "", {}),
        "role.granted": (u, ids.manager, "", {"role": "branch_manager", "branch": ids.north, "class": None}),
        "role.revoked": (u, ids.teacher, "", {"role": "teacher", "branch": ids.north, "class": ids.algebra}),
        "branch.created": ("hierarchy.branch", ids.north, "North Campus", {"code": "north"}),
        "branch.updated": (
            "hierarchy.branch",
            ids.north,
            "North Campus",
            {"name": ["North", "North Campus"]},
        ),
        "branch.settings_changed": ("hierarchy.branch", ids.north, "", {"welcome_text": ["", "Hello"]}),
        "branch.deleted": ("hierarchy.branch", 999_999, "East Campus", {"code": "east"}),
        "class.created": ("hierarchy.schoolclass", ids.algebra, "Algebra 1", {"branch": "north"}),
        "class.updated": ("hierarchy.schoolclass", ids.algebra, "", {"term": ["", "2026"]}),
        "class.deleted": ("hierarchy.schoolclass", 999_999, "Chemistry 2", {}),
        "api_key.created": ("apikeys.apikey", 999_999, "Nightly sync (ls_ab…1234)", {"name": "Nightly sync"}),
        "api_key.revoked": ("apikeys.apikey", 999_999, "Nightly sync (ls_ab…1234)", {"name": "Nightly sync"}),
        "badge_signing_key.rotated": ("badges.signingkey", 999_999, "3f2a…", {"retired": ["1b9c…"]}),
        "category.created": ("courses.category", 999_999, "Mathematics", {}),
        "category.updated": ("courses.category", 999_999, "Mathematics", {}),
        "category.deleted": ("courses.category", 999_999, "Mathematics", {}),
        "tag.renamed": ("courses.tag", 999_999, "algebra", {}),
        "tag.deleted": ("courses.tag", 999_999, "algebra", {}),
        "course.created": (c, course.pk, course.title, {"slug": "algebra-foundations"}),
        "course.updated": (c, course.pk, course.title, {"fields": ["description", "title"]}),
        "course.published": (c, course.pk, course.title, {}),
        "course.unpublished": (c, course.pk, course.title, {}),
        "course.archived": (c, course.pk, course.title, {}),
        "course.deleted": (c, 999_999, "Old Course", {}),
        "course.modules_reordered": (c, course.pk, course.title, {}),
        "module.created": ("courses.module", 999_999, "Week 1", {"course": course.pk}),
        "module.updated": ("courses.module", 999_999, "Week 1", {}),
        "module.items_reordered": ("courses.module", 999_999, "Week 1", {}),
        "module.deleted": ("courses.module", 999_999, "Week 1", {"course": course.pk}),
        "content.created": ("courses.contentitem", 999_999, "Halves", {"course": course.pk, "kind": "text"}),
        "content.updated": ("courses.contentitem", 999_999, "Halves", {"fields": ["body", "title"]}),
        "content.deleted": ("courses.contentitem", 999_999, "Halves", {"course": course.pk}),
        "content.version_created": ("courses.contentitem", 999_999, "Halves", {"version": 3}),
        "content.version_published": ("courses.contentitem", 999_999, "Halves", {"version": 3}),
        "content.unpublished": ("courses.contentitem", 999_999, "Halves", {}),
        "content.reverted": ("courses.contentitem", 999_999, "Halves", {"to": 2, "as": 5}),
        "media.uploaded": (
            "courses.mediafile",
            999_999,
            "diagram.png",
            {"course": course.pk, "type": "image/png", "size": 2048},
        ),
        "media.deleted": ("courses.mediafile", 999_999, "diagram.png", {"course": course.pk}),
        "enrollment.self": ("courses.enrollment", 999_999, course.title, {}),
        "enrollment.assigned": (
            c,
            course.pk,
            course.title,
            {"users": [ids.student], "classes": [ids.algebra], "branches": [], "enrolled": 3, "due_at": None},
        ),
        "enrollment.rule_deleted": (c, course.pk, course.title, {"rule": 4}),
        "enrollment.updated": (
            "courses.enrollment",
            999_999,
            "x in y",
            {"due_at": "2026-05-01 00:00:00+00:00"},
        ),
        "enrollment.withdrawn": ("courses.enrollment", 999_999, "student@acme.example.com in Algebra", {}),
        "import.created": (
            "imports.importjob",
            999_999,
            "Import #5 (people.csv)",
            {"filename": "people.csv"},
        ),
        "import.completed": (
            "imports.importjob",
            999_999,
            "Import #5 (people.csv)",
            {"rows": 10, "processed": 10, "created": 8, "updated": 1, "unchanged": 0, "failed": 1},
        ),
        "import.failed": ("imports.importjob", 999_999, "Import #5 (people.csv)", {"reason": "Time limit."}),
        "organization.settings_updated": (
            "tenants.organizationsettings",
            1,
            "Acme Academy",
            {"fields": ["primary_color"]},
        ),
        **_assessment_samples(),
    }


def _assessment_samples() -> dict:
    """The assessments' codes (apps/assessments/audit.py), on objects that no longer exist: named as
    recorded."""
    lesson, attempt, quiz = "courses.contentitem", "assessments.attempt", "assessments.assessment"
    question, category = "assessments.question", "assessments.questioncategory"
    job = "assessments.transferjob"
    on_lesson = (lesson, 999_999, "Algebra check-up")
    return {
        "assessment.created": (*on_lesson, {"assessment": 999_999, "course": 999_999}),
        "assessment.updated": (*on_lesson, {"fields": ["time_limit"]}),
        "assessment.slot_added": (*on_lesson, {"question": 999_999}),
        "assessment.random_added": (*on_lesson, {"category": 999_999, "count": 2}),
        "assessment.slot_updated": (*on_lesson, {"fields": ["mark"]}),
        "assessment.page_break": (*on_lesson, {"after": 2, "present": True}),
        "assessment.slot_removed": (*on_lesson, {}),
        "assessment.slots_reordered": (*on_lesson, {}),
        "assessment.repaginated": (*on_lesson, {"per_page": 2}),
        "assessment.override_created": (*on_lesson, {}),
        "assessment.override_updated": (*on_lesson, {"fields": ["time_limit"]}),
        "assessment.override_deleted": (*on_lesson, {}),
        "assessment.regraded": (quiz, 999_999, "Algebra check-up", {"attempts": 3}),
        "assessment.attempt_reopened": (attempt, 999_999, "Attempt 1", {}),
        "assessment.attempt_graded": (attempt, 999_999, "Attempt 1", {"slot": 2, "mark": "3"}),
        "assessment.attempt_regraded": (attempt, 999_999, "Attempt 1", {}),
        "question.created": (question, 999_999, "Solve 2x + 5 = 17", {}),
        "question.updated": (question, 999_999, "Solve 2x + 5 = 17", {"fields": ["text"]}),
        "question.duplicated": (question, 999_999, "Solve 2x + 5 = 17 (copy)", {"source": 999_998}),
        "question.hidden": (question, 999_999, "Solve 2x + 5 = 17", {}),
        "question.unhidden": (question, 999_999, "Solve 2x + 5 = 17", {}),
        "question.deleted": (question, 999_999, "Solve 2x + 5 = 17", {}),
        "question_category.created": (category, 999_999, "Equations", {}),
        "question_category.updated": (category, 999_999, "Equations", {"fields": ["name"]}),
        "question_category.deleted": (category, 999_999, "Equations", {}),
        "question_import.created": (job, 999_999, "GIFT import 5", {"filename": "q.gift", "format": "gift"}),
        "question_import.completed": (job, 999_999, "GIFT import 5", {"created": 4, "skipped": 1}),
        "question_import.failed": (job, 999_999, "GIFT import 5", {"reason": "Not GIFT."}),
        **_certificate_issuing_samples(),
        **_certificate_templating_samples(),
        **_badges_core_samples(),
    }


def _certificate_templating_samples() -> dict:
    """Certificate templates' codes (apps/certificates/templating/audit.py), on objects that no longer exist."""
    template = "certificates.certificatetemplate"
    return {
        "certificate_template.created": (template, 999_999, "Acme classic", {"version": 1}),
        "certificate_template.updated": (
            template,
            999_999,
            "Acme classic",
            {"fields": ["layout"], "version": 2},
        ),
        "certificate_template.archived": (template, 999_999, "Acme classic", {}),
        "certificate_template.restored": (template, 999_999, "Acme classic", {}),
        "certificate_template.deleted": (template, 999_999, "Acme classic", {}),
    }


def _badges_core_samples() -> dict:
    """The badges core's codes (apps/badges/core/audit.py), on objects that no longer exist."""
    badge, award = "badges.badge", "badges.badgeaward"
    return {
        "badge.created": (badge, 999_999, "Algebra ace", {"course": None}),
        "badge.updated": (badge, 999_999, "Algebra ace", {"fields": ["name", "criteria"]}),
        "badge.activated": (badge, 999_999, "Algebra ace", {}),
        "badge.archived": (badge, 999_999, "Algebra ace", {}),
        "badge.deleted": (badge, 999_999, "Algebra ace", {}),
        "badge.awarded": (award, 999_999, "Algebra ace", {"badge": 999_999, "user": 999_999}),
        "badge_award.revoked": (award, 999_999, "Algebra ace", {"badge": 999_999, "reason": "x"}),
    }


def _certificate_issuing_samples() -> dict:
    """Certificate issuing's codes (apps/certificates/issuing/audit.py), on objects that no longer exist."""
    cert, course, job = "certificates.certificate", "courses.course", "certificates.bulkjob"
    return {
        "certificate.issued": (cert, 999_999, "1234567890SS", {"user": 999_999, "source": "manual"}),
        "certificate.revoked": (cert, 999_999, "1234567890SS", {"reason": "Issued by mistake"}),
        "certificate.reissued": (cert, 999_999, "1234567890SS", {"revision": 2, "version": 3}),
        "certificate.skipped": (course, 999_999, "Algebra", {"user": 999_999, "reason": "plan"}),
        "certificate_rule.saved": (course, 999_999, "Algebra", {"template": 999_999, "auto_issue": True}),
        "certificate_rule.deleted": (course, 999_999, "Algebra", {"assessment": None}),
        "certificate_job.started": (job, 999_999, "issue job 5", {"kind": "issue", "course": 999_999}),
    }


def described(items, *, viewer=None):
    with schema_context("acme"):
        return describe_entries(items, viewer=viewer)


def test_every_recorded_action_code_has_a_sentence(acme):
    recorded = recorded_actions()

    assert len(recorded) >= 50  # the scan found the services' calls
    assert recorded - set(described_actions()) == set()


def test_each_known_code_reads_as_a_sentence_without_its_code(acme, acme_admin, ids, course):
    cases = samples(ids, course)
    assert set(cases) >= recorded_actions()
    items = [
        entry(code, target_type=t, target_id=pk, target_repr=name, changes=changes, actor=acme_admin)
        for code, (t, pk, name, changes) in cases.items()
    ]

    for item, description in zip(items, described(items), strict=True):
        assert description.known, item.action
        assert item.action not in description.text, description.text
        assert description.text.strip(), item.action
        assert not re.search(r"[{}]", description.text), description.text


def test_sentences_name_people_and_places_by_their_current_names(acme, acme_admin, ids, course):
    by_code = {
        code: entry(code, target_type=t, target_id=pk, target_repr=name, changes=changes, actor=acme_admin)
        for code, (t, pk, name, changes) in samples(ids, course).items()
    }
    texts = dict(zip(by_code, [d.text for d in described(list(by_code.values()))], strict=True))

    admin = "Acme Academy Admin"
    assert texts["user.invited"] == f"{admin} invited Student as Student in Algebra 1 (2026)"
    assert texts["role.granted"] == f"{admin} gave Manager the role Branch Manager in North Campus"
    assert texts["role.revoked"] == f"{admin} removed the role Teacher in Algebra 1 (2026) from Teacher"
    assert texts["course.published"] == f"{admin} published the course Algebra Foundations"
    assert (
        texts["branch.updated"]
        == f"{admin} changed the branch North Campus: name from “North” to “North Campus”"
    )
    assert texts["class.created"] == f"{admin} created the class Algebra 1 (2026) in North Campus"
    assert texts["user.updated"] == f"{admin} changed the profile of Student: name from “Stu” to “Student”"
    assert texts["user.deleted"] == f"{admin} deleted gone@acme.example.com"
    assert texts["enrollment.assigned"] == (
        f"{admin} enrolled Student and the class Algebra 1 (2026) in Algebra Foundations (3 newly enrolled)"
    )
    assert texts["module.created"] == f"{admin} added the module Week 1 to Algebra Foundations"
    assert texts["content.reverted"] == f"{admin} restored version 2 of Halves as version 5"
    assert (
        texts["media.uploaded"]
        == f"{admin} uploaded diagram.png (image/png, 2.0\xa0KB) to Algebra Foundations"
    )
    assert texts["import.completed"] == (
        f"The import Import #5 (people.csv) by {admin} finished: 8 created, 1 updated and 1 failed"
    )
    assert texts["user.signed_up"] == "Student signed up"


def test_a_system_action_and_a_deleted_actor_are_named_too(acme, ids):
    items = [
        entry("user.deactivated", target_type=USER, target_id=ids.student),
        entry(
            "user.deactivated", target_type=USER, target_id=ids.student, actor_email="left@acme.example.com"
        ),
    ]

    assert [d.text for d in described(items)] == [
        "System deactivated Student",
        "left@acme.example.com deactivated Student",
    ]


def test_unknown_codes_fall_back_to_the_humanised_code(acme, acme_admin):
    items = [
        entry(
            "widget.frobnicated",
            target_type="widgets.widget",
            target_id=7,
            target_repr="Thing 7",
            actor=acme_admin,
        ),
        entry("report_exported", actor=acme_admin),
    ]

    first, second = described(items)

    assert (first.text, first.known) == ("Acme Academy Admin: widget frobnicated (Thing 7)", False)
    assert second.text == "Acme Academy Admin: report exported"


ODD_PAYLOADS = [
    {},
    {"roles": "student", "fields": 3, "course": "abc", "version": [1], "to": None, "users": {"a": 1}},
    {"roles": [None, 3, {"role": 7}, {"role": "wizard", "class": "x"}], "classes": [None], "size": "big"},
    {"name": "just a string", "code": ["a", "b", "c"], "due_at": "not a date", "branch": {"x": 1}},
]


@pytest.mark.parametrize("changes", ODD_PAYLOADS)
def test_odd_or_missing_payload_keys_still_give_a_sentence(acme, acme_admin, ids, course, changes):
    items = [
        entry(code, target_type=t, target_id=pk, target_repr=name, changes=changes, actor=acme_admin)
        for code, (t, pk, name, _) in samples(ids, course).items()
    ]
    items.append(entry("user.invited", target_type=USER, target_id="", changes=["not", "a", "dict"]))

    for item, description in zip(items, described(items), strict=True):
        assert description.known, (item.action, changes)  # worded by its describer, not the safety net
        assert item.action not in description.text


def test_a_describer_that_fails_falls_back_instead_of_breaking_the_log(acme, admin, acme_admin):
    from apps.audit import describe
    from apps.audit.models import AuditEntry

    def broken(facts):
        raise RuntimeError("boom")

    original = describe._descriptions["course.archived"]
    register_description("course.archived", broken)
    try:
        with schema_context("acme"):
            AuditEntry.objects.create(action="course.archived", actor=acme_admin, target_repr="Old Course")
        text = described([entry("course.archived", target_repr="Old Course", actor=acme_admin)])[0].text
        response = admin.get("/manage/audit/")
    finally:
        register_description("course.archived", original)

    assert text == "Acme Academy Admin: course archived (Old Course)"
    assert response.status_code == 200
    assert "Acme Academy Admin</a>: course archived (Old Course)" in response.content.decode()


def test_an_app_registers_its_own_sentence(acme, acme_admin):
    from apps.audit import describe

    register_description(
        "quiz.graded", lambda facts: Sentence("{actor} graded {quiz}", quiz=facts.text("quiz"))
    )
    try:
        text = described([entry("quiz.graded", changes={"quiz": "Week 1 check"}, actor=acme_admin)])[0].text
    finally:
        describe._descriptions.pop("quiz.graded")

    assert text == "Acme Academy Admin graded Week 1 check"


def test_the_page_links_names_and_keeps_the_raw_data_one_click_away(admin, acme_admin, ids, course):
    from apps.audit.models import AuditEntry

    with schema_context("acme"):
        AuditEntry.objects.create(
            action="user.invited",
            actor=acme_admin,
            actor_email=acme_admin.email,
            target_type=USER,
            target_id=str(ids.student),
            target_repr="student@acme.example.com",
            changes={
                "roles": [{"role": "student", "branch": ids.north, "class": ids.algebra}],
                "note": "<b>x</b>",
            },
            ip_address="203.0.113.9",
            user_agent="Browser/1.0",
        )

    body = admin.get("/manage/audit/?action=user.invited").content.decode()
    row = re.search(r'<tr id="entry-\d+">.*?</tr>', body, re.S).group(0)

    assert (
        f'<p class="audit-sentence"><a href="/manage/people/{ids.orgadmin}/">Acme Academy Admin</a> invited '
        f'<a href="/manage/people/{ids.student}/">Student</a> as Student in '
        f'<a href="/manage/classes/{ids.algebra}/">Algebra 1 (2026)</a></p>'
    ) in row
    details = re.search(r'<details class="audit-raw">.*?</details>', row, re.S).group(0)
    assert "<summary>Raw data" in details
    assert "<code>user.invited</code>" in details
    assert f"<code>accounts.user</code> {ids.student}" in details
    assert "203.0.113.9" in details
    assert "Browser/1.0" in details
    assert "&quot;role&quot;: &quot;student&quot;" in details  # the payload, pretty-printed
    assert "&quot;note&quot;: &quot;&lt;b&gt;x&lt;/b&gt;&quot;" in details  # escaped
    assert "<b>x</b>" not in body


def test_names_are_escaped_in_sentences(admin, acme_admin):
    from apps.audit.models import AuditEntry

    with schema_context("acme"):
        AuditEntry.objects.create(
            action="course.deleted", actor=acme_admin, target_type="courses.course", target_repr="<i>Old</i>"
        )

    body = admin.get("/manage/audit/").content.decode()

    assert "deleted the course &lt;i&gt;Old&lt;/i&gt;</p>" in body


def _varied_history(count: int, acme_admin, ids, course) -> None:
    """`count` new students, each invited into Algebra 1, given a role in north, and enrolled in a course,
    with the course published and a branch renamed for each: every kind of object the page names."""
    from django.contrib.auth import get_user_model

    from apps.audit.models import AuditEntry

    prefix = f"v{count}x"
    add_students(count, prefix=prefix)
    with schema_context("acme"):
        people = get_user_model().objects.filter(email__startswith=prefix)
        rows = []
        for person in people:
            common = {"actor": acme_admin, "actor_email": acme_admin.email}
            role = {"role": "student", "branch": ids.north, "class": ids.algebra}
            rows += [
                AuditEntry(
                    action="user.invited",
                    target_type=USER,
                    target_id=str(person.pk),
                    changes={"roles": [role]},
                    **common,
                ),
                AuditEntry(
                    action="role.granted", target_type=USER, target_id=str(person.pk), changes=role, **common
                ),
                AuditEntry(
                    action="enrollment.assigned",
                    target_type="courses.course",
                    target_id=str(course.pk),
                    changes={"users": [person.pk], "classes": [ids.algebra], "branches": [ids.south]},
                    **common,
                ),
                AuditEntry(
                    action="branch.updated",
                    target_type="hierarchy.branch",
                    target_id=str(ids.south),
                    **common,
                ),
            ]
        AuditEntry.objects.bulk_create(rows)


def test_the_page_costs_the_same_number_of_queries_for_few_and_many_rows(admin, acme_admin, ids, course):
    _varied_history(2, acme_admin, ids, course)
    few = queries_for(admin, "/manage/audit/")
    _varied_history(10, acme_admin, ids, course)

    many = queries_for(admin, "/manage/audit/")

    assert few == many


def test_the_api_gives_each_entry_its_sentence_in_constant_queries(
    acme_admin_client, acme_admin, ids, course
):
    _varied_history(2, acme_admin, ids, course)
    url = "/api/v1/audit-log?per_page=100"
    acme_admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        first = acme_admin_client.get(url)
    _varied_history(10, acme_admin, ids, course)
    with CaptureQueriesContext(connection) as many:
        second = acme_admin_client.get(url)

    data = assert_ok(second)
    assert len(assert_ok(first)) < len(data)
    assert len(few.captured_queries) == len(many.captured_queries)
    assert all(item["description"] for item in data)
    assert data[-1]["action"] == "user.invited"  # the oldest: the provisioned admin's invitation
    assert data[-1]["description"] == "System invited Acme Academy Admin as Org Admin"
    invited = [item for item in data if item["action"] == "user.invited" and item["actor_email"]]
    assert invited[0]["description"].startswith("Acme Academy Admin invited Extra Student")
    assert invited[0]["description"].endswith(" as Student in Algebra 1 (2026)")
