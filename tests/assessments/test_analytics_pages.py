"""The statistics page (/quizzes/<pk>/statistics/): the chooser, the quiz figures with Moodle's hints, the SVG
histogram with its table, the question table with the flag, the option counts, the stale notice, the refresh
button (POST) and the CSV download; 404 for who cannot see the quiz, 403 for who sees it without managing it."""

import csv
import io
import re

import pytest
from model_bakery import baker

from apps.assessments.analytics import selectors, services
from apps.assessments.models import StatisticsCache
from tests.conftest import browser_for, in_org, person

from .analytics_builders import add_attempt, statistics_quiz

pytestmark = pytest.mark.django_db

MARKS = [[1, 1, 2], [1, 0, 2], [0, 1, 0], [1, 1, 0], [0, 0, 0]]


def page(quiz, query=""):
    return f"/quizzes/{quiz.pk}/statistics/{query}"


@pytest.fixture
def course(acme, acme_teacher):
    with in_org(acme):
        return baker.make_recipe("courses.course", owner=acme_teacher)


@pytest.fixture
def quiz(acme, course):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        learners = baker.make_recipe("accounts.student", _quantity=len(MARKS))
        for user, row in zip(learners, MARKS, strict=True):
            add_attempt(quiz, user, row, responses={1: {"choice": "a" if row[0] else "c"}})
        return quiz


def test_the_page_draws_the_histogram_and_the_question_table(acme, acme_teacher, quiz):
    response = browser_for(acme, acme_teacher).get(page(quiz))

    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r'<svg id="stats-histogram".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg
    assert '<title id="stats-svg-title">' in svg
    assert svg.count("<rect") == 10
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))  # no inline script
    assert 'id="stats-histogram-data"' in html  # the same figures as a table
    table = re.search(r'<table class="table table-stack" id="stats-questions">.*?</table>', html, re.S).group(
        0
    )
    assert table.count('<tr id="stats-q-') == 3
    assert "Capital" in table
    assert "60.00 %" in table  # facility of the choice question
    assert 'id="stats-quiz-cic"' in html
    assert 'data-hint="mean"' in html
    options = re.search(r'id="stats-options-1">.*?</table>', html, re.S).group(0)
    assert "Paris" in options
    assert "Marseille" in options
    assert 'name="attempts"' in html
    assert f'action="/quizzes/{quiz.pk}/statistics/refresh/"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_question_with_low_discriminative_efficiency_is_flagged_with_text(acme, acme_teacher, course):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        learners = baker.make_recipe("accounts.student", _quantity=4)
        # The true/false question is answered right by the weakest and wrong by the strongest: DE < 15.
        for user, row in zip(learners, [[1, 0, 2], [1, 0, 2], [0, 1, 0], [0, 1, 0]], strict=True):
            add_attempt(quiz, user, row)
        rows = services.compute(quiz, "first").data["questions"]
    assert rows[1]["dubious"] is True

    html = browser_for(acme, acme_teacher).get(page(quiz)).content.decode()

    row = re.search(r'<tr id="stats-q-2" class="dubious">.*?</tr>', html, re.S).group(0)
    assert 'data-flag="dubious"' in row
    assert "discriminative efficiency below 15 %" in row


def test_a_stale_cache_says_so(acme, acme_teacher, quiz):
    with in_org(acme):
        services.compute(quiz, "first")
        services.statistics_mark_stale(assessment_id=quiz.pk, queue=False)

    html = browser_for(acme, acme_teacher).get(page(quiz)).content.decode()

    assert 'id="stats-stale"' in html
    assert "Stale — recomputing" in html


def test_a_large_set_without_cache_shows_computing(acme, acme_teacher, quiz, monkeypatch):
    monkeypatch.setattr(selectors, "SYNC_LIMIT", 2)

    response = browser_for(acme, acme_teacher).get(page(quiz))

    assert response.status_code == 200
    assert 'id="stats-computing"' in response.content.decode()
    assert 'id="stats-questions"' not in response.content.decode()


def test_no_attempt_shows_dashes_not_an_error(acme, acme_teacher, course):
    with in_org(acme):
        empty, _ = statistics_quiz(course)

    response = browser_for(acme, acme_teacher).get(page(empty, "?attempts=all"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="stats-empty"' in html
    assert "\u2013" in html  # an en dash for each undefined figure


def test_the_csv_has_one_row_per_question_and_no_formulas(acme, acme_teacher, quiz):
    with in_org(acme):
        quiz.slots.get(position=1).question.versions.update(name="=HYPERLINK(1)")

    response = browser_for(acme, acme_teacher).get(page(quiz, "?attempts=all&format=csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["slot", "question", "type", "attempts", "max_mark"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][5] == "60.0000"


def test_refresh_posts_recompute_and_come_back_to_the_chosen_set(acme, acme_teacher, quiz):
    browser = browser_for(acme, acme_teacher)

    response = browser.post(page(quiz, "refresh/"), {"attempts": "highest"})

    assert response.status_code == 302
    assert response["Location"] == page(quiz, "?attempts=highest")
    with in_org(acme):
        cache = StatisticsCache.objects.get(assessment=quiz, which="highest")
    assert (cache.stale, cache.attempt_count) == (False, 5)
    assert browser.get(page(quiz, "refresh/")).status_code == 405


def test_who_cannot_see_the_quiz_gets_404_and_who_only_learns_in_it_403(acme, acme_student, course, quiz):
    outsider = person(acme, "south-teacher")
    assert browser_for(acme, outsider).get(page(quiz)).status_code == 404
    assert browser_for(acme, outsider).post(page(quiz, "refresh/")).status_code == 404
    assert browser_for(acme, acme_student).get(page(quiz)).status_code == 404
    with in_org(acme):
        baker.make_recipe("courses.enrollment", course=course, user=acme_student)

    assert browser_for(acme, acme_student).get(page(quiz)).status_code == 403
    assert browser_for(acme, acme_student).post(page(quiz, "refresh/")).status_code == 403
    with in_org(acme):
        assert not StatisticsCache.objects.filter(assessment=quiz).exists()
