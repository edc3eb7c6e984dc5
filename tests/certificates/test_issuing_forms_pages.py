"""The pages that set a quiz's certificate rule and issue one certificate by hand (the API's
PUT /assessments/{id}/certificate-rule and POST /certificates, through the same services)."""

import pytest

from apps.certificates.models import Certificate, CertificateRule
from tests.conftest import browser_for, in_org

from . import test_issuing_common as common

pytestmark = pytest.mark.django_db

template, course, rule = common.template, common.course, common.rule


@pytest.fixture
def quiz(acme, course):
    from apps.assessments.baker_recipes import make_quiz

    with in_org(acme):
        return make_quiz(course=course, title="Final check")


def test_the_course_rule_page_lists_its_quizzes_with_their_rules(acme, acme_teacher, course, rule, quiz):
    page = browser_for(acme, acme_teacher).get(f"/courses/{course.pk}/certificate/").content.decode()

    assert 'id="quiz-rules"' in page
    assert "Final check" in page
    assert f'href="/quizzes/{quiz.pk}/certificate/"' in page


def test_the_quiz_rule_page_saves_changes_and_removes_the_quizs_rule(acme, acme_teacher, template, quiz):
    browser = browser_for(acme, acme_teacher)
    assert "passes the quiz" in browser.get(f"/quizzes/{quiz.pk}/certificate/").content.decode()

    saved = browser.post(f"/quizzes/{quiz.pk}/certificate/", {"template": template.pk, "expiry_months": "3"})
    with in_org(acme):
        rule = CertificateRule.objects.get(assessment=quiz)
        assert (rule.template_id, rule.expiry_months, rule.auto_issue, rule.course_id) == (
            template.pk,
            3,
            False,
            None,
        )
    removed = browser.post(f"/quizzes/{quiz.pk}/certificate/", {"delete": "1"})

    assert saved.status_code == removed.status_code == 302
    assert saved["Location"] == f"/quizzes/{quiz.pk}/certificate/"
    with in_org(acme):
        assert not CertificateRule.objects.filter(assessment=quiz).exists()


def test_the_quiz_rule_page_shows_field_errors_and_saves_nothing(acme, acme_teacher, template, quiz):
    response = browser_for(acme, acme_teacher).post(
        f"/quizzes/{quiz.pk}/certificate/", {"template": template.pk, "expiry_months": "0"}
    )

    assert response.status_code == 200
    assert "expiry_months" in response.content.decode()
    with in_org(acme):
        assert not CertificateRule.objects.filter(assessment=quiz).exists()


def test_a_student_may_not_change_a_quizs_rule(acme, acme_student, template, quiz):
    response = browser_for(acme, acme_student).post(
        f"/quizzes/{quiz.pk}/certificate/", {"template": template.pk}
    )

    assert response.status_code in (403, 404)
    with in_org(acme):
        assert not CertificateRule.objects.filter(assessment=quiz).exists()


def test_issuing_by_hand_for_a_course_opens_the_new_certificate(
    acme, acme_teacher, acme_student, course, rule
):
    browser = browser_for(acme, acme_teacher)
    form = browser.get(f"/certificates/issue/?course={course.pk}").content.decode()
    assert f'<option value="{course.pk}" selected>' in form

    response = browser.post(
        "/certificates/issue/", {"learner": acme_student.email.upper(), "course": course.pk}
    )

    with in_org(acme):
        issued = Certificate.objects.get(user=acme_student, course=course)
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/{issued.pk}/"
    assert (issued.source, issued.template_id) == (Certificate.Source.MANUAL, rule.template_id)


def test_issuing_by_hand_for_a_quiz_with_a_chosen_template(acme, acme_admin, acme_student, template, quiz):
    response = browser_for(acme, acme_admin).post(
        "/certificates/issue/", {"learner": acme_student.email, "quiz": quiz.pk, "template": template.pk}
    )

    assert response.status_code == 302
    with in_org(acme):
        issued = Certificate.objects.get(user=acme_student, assessment=quiz)
        assert issued.template_id == template.pk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"learner": "nobody@acme.example.com", "course": "COURSE"}, "Nobody with this email"),
        ({"learner": "STUDENT", "course": "COURSE", "quiz": "QUIZ"}, "not both"),
        ({"learner": "STUDENT"}, "not both"),
        ({"learner": "not an email", "course": "COURSE"}, "learner"),
    ],
)
def test_issuing_by_hand_refuses_bad_input_on_the_form(
    acme, acme_teacher, acme_student, course, rule, quiz, data, message
):
    values = {"COURSE": str(course.pk), "QUIZ": str(quiz.pk), "STUDENT": acme_student.email}
    response = browser_for(acme, acme_teacher).post(
        "/certificates/issue/", {key: values.get(value, value) for key, value in data.items()}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    with in_org(acme):
        assert not Certificate.objects.filter(user=acme_student).exists()


def test_issuing_twice_is_refused_on_the_form(acme, acme_teacher, acme_student, course, rule):
    browser = browser_for(acme, acme_teacher)
    browser.post("/certificates/issue/", {"learner": acme_student.email, "course": course.pk})

    again = browser.post("/certificates/issue/", {"learner": acme_student.email, "course": course.pk})

    assert again.status_code == 200
    assert "already holds a valid certificate" in again.content.decode()
    with in_org(acme):
        assert Certificate.objects.filter(user=acme_student, course=course).count() == 1


def test_the_certificate_lists_link_to_issuing_by_hand(acme, acme_teacher, course):
    browser = browser_for(acme, acme_teacher)

    assert 'href="/certificates/issue/"' in browser.get("/certificates/").content.decode()
    assert (
        f'href="/certificates/issue/?course={course.pk}"'
        in browser.get(f"/courses/{course.pk}/certificates/").content.decode()
    )


def test_the_issue_page_is_closed_to_students(acme, acme_student, course, rule):
    browser = browser_for(acme, acme_student)

    assert browser.get("/certificates/issue/").status_code in (403, 404)
    refused = browser.post("/certificates/issue/", {"learner": acme_student.email, "course": course.pk})
    assert refused.status_code in (403, 404)
    with in_org(acme):
        assert not Certificate.objects.filter(user=acme_student).exists()
