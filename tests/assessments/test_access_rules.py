"""Moodle's quiz access rules beyond the window and the counts: the quiz password (asked when an attempt starts,
on the page and in the API, never shown to learners; overrides may set their own) and the network restriction
(addresses or CIDR ranges, held for starting, resuming, saving and submitting)."""

import json
import re

import pytest
from model_bakery import baker

from apps.assessments import access_rules
from apps.assessments.attempts import services as attempts
from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.models import Assessment, Attempt, Override
from apps.assessments.quizzes import selectors
from apps.assessments.quizzes import services as quizzes
from apps.audit.models import AuditEntry
from apps.core.errors import ValidationFailed
from apps.courses import services as course_services
from apps.hierarchy.models import SchoolClass
from tests.conftest import browser_for, client_for, in_org, jwt_for
from tests.courses.conftest import build_course

pytestmark = pytest.mark.django_db

SECRET = "Open Sesame 42"
INSIDE, OUTSIDE = "192.168.10.77", "203.0.113.9"


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def course(acme, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_teacher, title="Access course", modules=1, items_per_module=1)
    with in_org(acme):
        course_services.enroll_self(actor=acme_student, course=course)
    return course


@pytest.fixture
def quiz(acme, course):
    with in_org(acme):
        category = baker.make_recipe("assessments.category", course=course)
        return make_quiz(course=course, questions=[make_question(category=category)], title="Locked quiz")


def with_password(acme, quiz, password=SECRET):
    with in_org(acme):
        Assessment.objects.filter(pk=quiz.pk).update(password=password)
        return Assessment.objects.get(pk=quiz.pk)


def with_subnets(acme, quiz, subnets=("192.168.10.0/24", "2001:db8::/32")):
    with in_org(acme):
        Assessment.objects.filter(pk=quiz.pk).update(subnets=list(subnets))
        return Assessment.objects.get(pk=quiz.pk)


def attempts_of(acme, quiz) -> int:
    with in_org(acme):
        return Attempt.objects.filter(assessment=quiz).count()


# --- the rules themselves ----------------------------------------------------------------------------------


def test_subnets_are_normalized_and_a_bad_entry_is_named():
    errors: dict = {}
    cleaned = access_rules.clean_subnets(
        "192.168.10.0/24, 10.1.2.3\n2001:db8::/32 10.1.2.3/32 192.168.10.5/24", "subnets", errors
    )
    bad = access_rules.clean_subnets(["10.0.0.0/8", "10.0.0.300", "intranet"], "subnets", errors)

    assert cleaned == ["192.168.10.0/24", "10.1.2.3", "2001:db8::/32"]
    assert bad is None
    assert len(errors["subnets"]) == 2
    assert "10.0.0.300" in errors["subnets"][0]
    assert "intranet" in errors["subnets"][1]


def test_addresses_match_their_networks():
    nets = ["192.168.10.0/24", "10.1.2.3", "2001:db8::/32"]

    assert access_rules.address_allowed("192.168.10.200", nets)
    assert access_rules.address_allowed("10.1.2.3", nets)
    assert access_rules.address_allowed("2001:db8::1", nets)
    assert access_rules.address_allowed("::ffff:192.168.10.9", nets)  # IPv4 mapped into IPv6
    assert not access_rules.address_allowed("10.1.2.4", nets)
    assert not access_rules.address_allowed("unknown", nets)
    assert not access_rules.address_allowed(None, nets)


def test_passwords_compare_exactly():
    assert access_rules.password_matches(SECRET, (SECRET,))
    assert access_rules.password_matches("b", ("a", "b"))
    assert not access_rules.password_matches(SECRET.lower(), (SECRET,))
    assert not access_rules.password_matches(SECRET + " ", (SECRET,))
    assert not access_rules.password_matches(None, (SECRET,))


# --- settings: services, audit -----------------------------------------------------------------------------


def test_settings_take_a_password_and_networks_and_the_audit_never_holds_the_password(
    acme, acme_teacher, quiz
):
    with in_org(acme):
        updated = quizzes.assessment_update(
            actor=acme_teacher, assessment=quiz, password=SECRET, subnets="192.168.10.0/24, 10.1.2.3"
        )
        entry = AuditEntry.objects.filter(action="assessment.updated").latest("pk")
        with pytest.raises(ValidationFailed) as bad:
            quizzes.assessment_update(actor=acme_teacher, assessment=quiz, subnets=["10.0.0.0/33"])
        with pytest.raises(ValidationFailed) as long:
            quizzes.assessment_update(actor=acme_teacher, assessment=quiz, password="x" * 65)
        fresh = Assessment.objects.get(pk=quiz.pk)

    assert (updated.password, updated.subnets) == (SECRET, ["192.168.10.0/24", "10.1.2.3"])
    assert (fresh.password, fresh.subnets) == (SECRET, ["192.168.10.0/24", "10.1.2.3"])
    assert entry.changes == {"fields": ["password", "subnets"]}
    assert SECRET not in json.dumps(entry.changes) + entry.target_repr
    assert "10.0.0.0/33" in bad.value.field_errors["subnets"][0]
    assert set(long.value.field_errors) == {"password"}


def test_an_override_sets_its_own_password(acme, acme_teacher, acme_student, quiz):
    with in_org(acme):
        override = quizzes.override_create(
            actor=acme_teacher, assessment=quiz, user=acme_student, password="mine"
        )
        entry = AuditEntry.objects.filter(action="assessment.override_created").latest("pk")
        quizzes.override_update(actor=acme_teacher, override=override, password="mine, again")
        updated = AuditEntry.objects.filter(action="assessment.override_updated").latest("pk")
        with pytest.raises(ValidationFailed) as empty:
            quizzes.override_create(
                actor=acme_teacher,
                assessment=quiz,
                school_class=SchoolClass.objects.get(name="Algebra 1"),
                password="",
            )
        override.refresh_from_db()

    assert override.password == "mine, again"
    assert "mine" not in json.dumps(entry.changes) + json.dumps(updated.changes)
    assert updated.changes["fields"] == ["password"]
    assert "non_field_errors" in empty.value.field_errors


# --- effective settings: overrides -------------------------------------------------------------------------


def test_the_persons_password_wins_then_any_class_password_then_the_quizs(acme, acme_student, quiz):
    quiz = with_password(acme, quiz)
    with in_org(acme):
        algebra = SchoolClass.objects.get(name="Algebra 1")
        plain = selectors.effective_settings(quiz, acme_student).passwords
        Override.objects.create(assessment=quiz, school_class=algebra, password="class-pass")
        by_class = selectors.effective_settings(quiz, acme_student).passwords
        Override.objects.create(assessment=quiz, user=acme_student, time_limit=600)
        person_without = selectors.effective_settings(quiz, acme_student).passwords
        Override.objects.filter(user=acme_student).update(password="own-pass")
        by_person = selectors.effective_settings(quiz, acme_student).passwords

    assert plain == (SECRET,)
    assert by_class == ("class-pass",)
    assert person_without == ("class-pass",)  # the person's override sets no password
    assert by_person == ("own-pass",)


def test_the_override_password_wins_when_starting(acme, acme_student, quiz):
    quiz = with_password(acme, quiz)
    with in_org(acme):
        Override.objects.create(assessment=quiz, user=acme_student, password="own-pass")
        with pytest.raises(access_rules.QuizPasswordInvalid):
            attempts.attempt_start(actor=acme_student, assessment=quiz, password=SECRET)
        started = attempts.attempt_start(actor=acme_student, assessment=quiz, password="own-pass")

    assert started.created


# --- starting: services ------------------------------------------------------------------------------------


def test_starting_needs_the_password_resuming_does_not(acme, acme_student, quiz):
    quiz = with_password(acme, quiz)
    with in_org(acme):
        with pytest.raises(access_rules.QuizPasswordRequired) as missing:
            attempts.attempt_start(actor=acme_student, assessment=quiz)
        with pytest.raises(access_rules.QuizPasswordInvalid) as wrong:
            attempts.attempt_start(actor=acme_student, assessment=quiz, password="guess")
        none_yet = Attempt.objects.filter(assessment=quiz).count()
        started = attempts.attempt_start(actor=acme_student, assessment=quiz, password=SECRET)
        resumed = attempts.attempt_start(actor=acme_student, assessment=quiz)

    assert (missing.value.status_code, missing.value.code) == (403, "QUIZ_PASSWORD_REQUIRED")
    assert (wrong.value.status_code, wrong.value.code) == (403, "QUIZ_PASSWORD_INVALID")
    assert none_yet == 0
    assert started.created
    assert not resumed.created
    assert resumed.attempt.pk == started.attempt.pk


def test_an_editor_previews_without_the_password(acme, acme_teacher, quiz):
    quiz = with_password(acme, quiz)
    with in_org(acme):
        result = attempts.attempt_start(actor=acme_teacher, assessment=quiz)

    assert result.created
    assert result.attempt.preview


def test_networks_hold_for_starting_resuming_saving_and_submitting(acme, acme_student, quiz):
    quiz = with_subnets(acme, quiz)
    with in_org(acme):
        with pytest.raises(access_rules.QuizNetworkRestricted) as refused:
            attempts.attempt_start(actor=acme_student, assessment=quiz, client_ip=OUTSIDE)
        with pytest.raises(access_rules.QuizNetworkRestricted):
            attempts.attempt_start(actor=acme_student, assessment=quiz)  # no address known: in no network
        attempt = attempts.attempt_start(actor=acme_student, assessment=quiz, client_ip=INSIDE).attempt
        resumed = attempts.attempt_start(actor=acme_student, assessment=quiz, client_ip="2001:db8::5")
        with pytest.raises(access_rules.QuizNetworkRestricted):
            attempts.attempt_start(actor=acme_student, assessment=quiz, client_ip=OUTSIDE)
        with pytest.raises(access_rules.QuizNetworkRestricted):
            attempts.attempt_save(actor=acme_student, attempt=attempt, responses={1: {"choice": "a"}},
                                  client_ip=OUTSIDE)  # fmt: skip
        with pytest.raises(access_rules.QuizNetworkRestricted):
            attempts.attempt_submit(actor=acme_student, attempt=attempt, client_ip=OUTSIDE)
        saved = attempts.attempt_save(
            actor=acme_student, attempt=attempt, responses={1: {"choice": "a"}}, client_ip=INSIDE
        )
        submitted = attempts.attempt_submit(actor=acme_student, attempt=attempt, client_ip=INSIDE)

    assert (refused.value.status_code, refused.value.code) == (403, "QUIZ_NETWORK_RESTRICTED")
    assert resumed.attempt.pk == attempt.pk
    assert (saved.outcome, saved.changed) == ("saved", [1])
    assert submitted.outcome == "finished"


# --- the settings page and the API: editors only -----------------------------------------------------------


def test_the_settings_page_shows_and_saves_the_rules_for_editors(acme, acme_teacher, quiz):
    quiz = with_password(acme, quiz)
    teacher = browser_for(acme, acme_teacher)
    url = f"/quizzes/{quiz.pk}/settings/"
    page = teacher.get(url).content.decode()
    values = dict(
        re.findall(r'<input type="(?:text|number|datetime-local)" name="(\w+)" value="([^"]*)"', page)
    )
    form = {**values, "overdue_handling": "autosubmit", "grade_method": "highest", "navigation": "free",
            "behaviour": "deferred"}  # fmt: skip

    bad = teacher.post(url, {**form, "subnets": "192.168.10.0/24, not-a-network"})
    good = teacher.post(url, {**form, "password": "new secret", "subnets": "192.168.10.0/24, 10.1.2.3"})

    assert values["password"] == SECRET
    assert bad.status_code == 400
    assert "not-a-network" in bad.content.decode()
    assert good.status_code == 302
    with in_org(acme):
        fresh = Assessment.objects.get(pk=quiz.pk)
    assert (fresh.password, fresh.subnets) == ("new secret", ["192.168.10.0/24", "10.1.2.3"])


def test_the_api_shows_the_rules_to_editors_and_never_the_password_to_learners(
    acme, acme_teacher, acme_student, quiz
):
    editor, learner = api(acme, acme_teacher), api(acme, acme_student)

    patched = editor.patch(
        f"/api/v1/assessments/{quiz.pk}",
        {"password": SECRET, "subnets": ["192.168.10.0/24", "10.1.2.3/32"]},
        format="json",
    )
    bad = editor.patch(f"/api/v1/assessments/{quiz.pk}", {"subnets": ["10.1.2.0/24", "nope"]}, format="json")
    editor_view = editor.get(f"/api/v1/assessments/{quiz.pk}").json()["data"]
    with in_org(acme):
        Override.objects.create(assessment=quiz, user=acme_student, password="own-pass")
    answers = [
        learner.get(f"/api/v1/assessments/{quiz.pk}"),
        learner.get("/api/v1/assessments"),
        learner.get(f"/api/v1/assessments/{quiz.pk}/overrides"),
        learner.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json", REMOTE_ADDR=INSIDE),
    ]

    assert patched.status_code == 200, patched.json()
    assert (editor_view["password"], editor_view["subnets"]) == (SECRET, ["192.168.10.0/24", "10.1.2.3"])
    assert bad.status_code == 400
    assert "nope" in json.dumps(bad.json()["error"]["details"]["subnets"])
    assert answers[0].status_code == 200
    assert not {"password", "subnets"} & set(answers[0].json()["data"])
    assert not {"password", "subnets"} & set(answers[0].json()["data"]["effective"])
    for answer in answers:
        assert SECRET not in answer.content.decode()
        assert "own-pass" not in answer.content.decode()


def test_overrides_pages_and_api_take_a_password(acme, acme_teacher, acme_student, quiz):
    teacher = browser_for(acme, acme_teacher)
    added = teacher.post(
        f"/quizzes/{quiz.pk}/overrides/", {"user": str(acme_student.pk), "password": "own-pass"}
    )
    listing = teacher.get(f"/quizzes/{quiz.pk}/overrides/").content.decode()
    with in_org(acme):
        override = Override.objects.get(assessment=quiz)
    patched = api(acme, acme_teacher).patch(
        f"/api/v1/assessments/{quiz.pk}/overrides/{override.pk}", {"password": "changed"}, format="json"
    )

    assert added.status_code == 302
    assert "own-pass" in listing
    assert patched.status_code == 200
    assert patched.json()["data"]["password"] == "changed"


# --- the start page ----------------------------------------------------------------------------------------


def test_the_start_page_asks_for_the_password(acme, acme_student, course, quiz):
    quiz = with_password(acme, quiz)
    student = browser_for(acme, acme_student)
    start = f"/quizzes/{quiz.pk}/start/"

    lesson = student.get(f"/courses/{course.pk}/learn/{quiz.item_id}/").content.decode()
    missing = student.post(start)
    wrong = student.post(start, {"password": "guess"})
    none_yet = attempts_of(acme, quiz)
    right = student.post(start, {"password": SECRET})
    resumed = student.post(start)
    lesson_after = student.get(f"/courses/{course.pk}/learn/{quiz.item_id}/").content.decode()

    assert 'type="password" name="password"' in lesson
    assert SECRET not in lesson
    assert missing.status_code == 200
    assert 'id="quiz-password-form"' in missing.content.decode()
    assert wrong.status_code == 400
    assert "is not the quiz&#x27;s password" in wrong.content.decode()
    assert SECRET not in wrong.content.decode()
    assert none_yet == 0
    assert right.status_code == 302
    with in_org(acme):
        attempt = Attempt.objects.get(assessment=quiz)
    assert right["Location"] == f"/attempts/{attempt.pk}/?page=0"
    assert resumed.status_code == 302  # continuing asks nothing
    assert resumed["Location"] == right["Location"]
    assert 'id="quiz-continue"' in lesson_after
    assert 'type="password"' not in lesson_after


def test_an_editor_previewing_is_not_asked(acme, acme_teacher, course, quiz):
    quiz = with_password(acme, quiz)
    teacher = browser_for(acme, acme_teacher)

    lesson = teacher.get(f"/courses/{course.pk}/learn/{quiz.item_id}/").content.decode()
    started = teacher.post(f"/quizzes/{quiz.pk}/start/")

    assert 'type="password"' not in lesson
    assert started.status_code == 302
    with in_org(acme):
        assert Attempt.objects.get(assessment=quiz).preview


def test_pages_refuse_an_attempt_from_outside_the_networks(acme, acme_student, quiz):
    quiz = with_subnets(acme, quiz)
    student = browser_for(acme, acme_student)
    start = f"/quizzes/{quiz.pk}/start/"

    refused = student.post(start, REMOTE_ADDR=OUTSIDE)
    none_yet = attempts_of(acme, quiz)
    started = student.post(start, REMOTE_ADDR=INSIDE)
    with in_org(acme):
        attempt = Attempt.objects.get(assessment=quiz)
    base = f"/attempts/{attempt.pk}"
    take_outside = student.get(f"{base}/", REMOTE_ADDR=OUTSIDE)
    save_outside = student.post(f"{base}/save/", {"page": "0", "slots": "1", "q1-choice": "a"},
                                REMOTE_ADDR=OUTSIDE)  # fmt: skip
    submit_outside = student.post(f"{base}/submit/", REMOTE_ADDR=OUTSIDE)
    take_inside = student.get(f"{base}/", REMOTE_ADDR=INSIDE)
    submit_inside = student.post(f"{base}/submit/", {"slots": "1", "q1-choice": "a"}, REMOTE_ADDR=INSIDE)

    assert refused.status_code == 403
    assert "certain networks" in refused.content.decode()
    assert none_yet == 0
    assert started.status_code == 302
    assert (take_outside.status_code, save_outside.status_code, submit_outside.status_code) == (403, 403, 403)
    assert take_inside.status_code == 200
    assert submit_inside.status_code == 302
    with in_org(acme):
        attempt.refresh_from_db()
    assert attempt.state == "finished"


# --- the API start -----------------------------------------------------------------------------------------


def test_the_api_start_needs_the_password(acme, acme_student, quiz):
    quiz = with_password(acme, quiz)
    client = api(acme, acme_student)
    url = f"/api/v1/assessments/{quiz.pk}/attempts"

    missing = client.post(url, {}, format="json")
    wrong = client.post(url, {"password": "guess"}, format="json")
    one_call = client.post(f"/api/v1/assessments/{quiz.pk}/submit", {"responses": {}}, format="json")
    none_yet = attempts_of(acme, quiz)
    right = client.post(url, {"password": SECRET}, format="json")
    resumed = client.post(url, {}, format="json")

    assert missing.status_code == wrong.status_code == one_call.status_code == 403
    assert missing.json()["error"]["code"] == "QUIZ_PASSWORD_REQUIRED"
    assert wrong.json()["error"]["code"] == "QUIZ_PASSWORD_INVALID"
    assert one_call.json()["error"]["code"] == "QUIZ_PASSWORD_REQUIRED"
    assert missing.json()["success"] is False
    assert none_yet == 0
    assert right.status_code == 201
    assert resumed.status_code == 200
    assert resumed.json()["data"]["id"] == right.json()["data"]["id"]
    for response in (missing, wrong, right, resumed):
        assert SECRET not in response.content.decode()


def test_the_api_previews_without_the_password(acme, acme_teacher, quiz):
    quiz = with_password(acme, quiz)

    started = api(acme, acme_teacher).post(
        f"/api/v1/assessments/{quiz.pk}/attempts", {"preview": True}, format="json"
    )

    assert started.status_code == 201
    assert started.json()["data"]["preview"] is True


def test_the_api_refuses_calls_from_outside_the_networks(acme, acme_student, quiz):
    quiz = with_subnets(acme, quiz)
    client = api(acme, acme_student)
    url = f"/api/v1/assessments/{quiz.pk}/attempts"

    refused = client.post(url, {}, format="json", REMOTE_ADDR=OUTSIDE)
    started = client.post(url, {}, format="json", REMOTE_ADDR=INSIDE)
    attempt_id = started.json()["data"]["id"]
    base = f"/api/v1/attempts/{attempt_id}"
    page_outside = client.get(f"{base}/pages/0", REMOTE_ADDR=OUTSIDE)
    save_outside = client.post(f"{base}/answers", {"responses": {"1": {"choice": "a"}}}, format="json",
                               REMOTE_ADDR=OUTSIDE)  # fmt: skip
    submit_outside = client.post(f"{base}/submit", {}, format="json", REMOTE_ADDR=OUTSIDE)
    saved = client.post(f"{base}/answers", {"responses": {"1": {"choice": "a"}}}, format="json",
                        REMOTE_ADDR=INSIDE)  # fmt: skip
    submitted = client.post(f"{base}/submit", {}, format="json", REMOTE_ADDR=INSIDE)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "QUIZ_NETWORK_RESTRICTED"
    assert started.status_code == 201
    for response in (page_outside, save_outside, submit_outside):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "QUIZ_NETWORK_RESTRICTED"
    assert saved.json()["data"]["outcome"] == "saved"
    assert submitted.json()["data"]["outcome"] == "finished"


def test_the_client_address_comes_through_the_trusted_proxies(acme, acme_student, quiz, settings):
    quiz = with_subnets(acme, quiz)
    settings.NUM_PROXIES = 1
    client = api(acme, acme_student)

    spoofed = client.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json",
                          REMOTE_ADDR=INSIDE, HTTP_X_FORWARDED_FOR=OUTSIDE)  # fmt: skip
    forwarded = client.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json",
                            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{OUTSIDE}, {INSIDE}")  # fmt: skip

    assert spoofed.status_code == 403
    assert forwarded.status_code == 201
