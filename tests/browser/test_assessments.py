"""Assessments in a real browser: a teacher imports a GIFT file into their course's bank, builds a quiz from
it with a time limit and publishes it; a student takes a timed quiz over several pages (countdown kept in
step with the server, autosave, resume after a reload), submits and reads the review; a teacher grades an
essay from the grading queue and the attempt's grade becomes final. No page logs a console error or a
Content-Security-Policy violation."""

import re
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import classroom, screenshot

pytestmark = pytest.mark.browser

# Recorded by the page itself (Playwright's init scripts are not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""

GIFT = """\
// A few question types, as Moodle exports them.
$CATEGORY: Geography

::Capital of France::What is the capital of France? {
  =Paris#Yes.
  ~Lyon#No, that is Lyon.
  ~Marseille
}

::Sky colour::The sky is blue on a clear day. {T}

::Two plus two::Two plus two equals {=four =4}

::Pi::What is pi, to two decimal places? {#3.14:0.005}

::Summer::Describe your summer holidays. {}
"""


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


class Watched:
    """A signed-in page of a new context that records console errors, uncaught exceptions and CSP
    violations (from the DOM event and the console)."""

    def __init__(self, browser, server, organization, user):
        from django.db import connection

        from tests.conftest import browser_for

        session = browser_for(organization, user).cookies["sessionid"].value
        connection.set_schema_to_public()
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        self.context.set_default_timeout(15_000)
        self.context.add_cookies(
            [{"name": "sessionid", "value": session, "url": server.url("/", organization.slug)}]
        )
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def _on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.problems.append(f"CSP: {text} ({self.page.url})")
        elif message.type == "error" and not self._expected(message):
            self.problems.append(f"{message.type}: {text} ({self.page.url})")

    @staticmethod
    def _expected(message) -> bool:
        """Errors of the test's plain-HTTP origin, not of the pages: Chromium ignores the COOP header on an
        untrustworthy (http) origin, and there is no /favicon.ico."""
        if "Cross-Origin-Opener-Policy header has been ignored" in message.text:
            return True
        return (message.location or {}).get("url", "").endswith("/favicon.ico")

    def assert_clean(self):
        """No console error or CSP violation on the page shown now (and none logged before)."""
        violations = self.page.evaluate("window.__cspViolations || []")
        assert [*self.problems, *violations] == []

    def close(self):
        self.context.close()


@pytest.fixture
def school(server, provisioned):
    """A fresh organization with branch north, class "Algebra 1", its teacher and its student, and a
    published course of the teacher's (one module with a text lesson) the class is enrolled in."""
    from django.db import connection

    from apps.courses import services

    organization = provisioned(plan="growth", name="Browser Quiz School")
    with schema_context(organization.schema_name):
        room = classroom(organization, teacher_name="Tara Teacher", student_name="Sam Student")
        course = services.course_create(actor=room.teacher, title="World geography", summary="Places.")
        module = services.module_create(actor=room.teacher, course=course, title="Europe")
        services.content_create(
            actor=room.teacher, module=module, kind="text", title="Capitals", body="Paris, Rome, Madrid."
        )
        services.course_publish(actor=room.teacher, course=course)
        services.enroll_assign(actor=room.teacher, course=course, classes=[room.school_class.pk])
    connection.set_schema_to_public()
    return organization, room, course, module


def seconds_of(text: str) -> int:
    """ "9:58" or "1:02:03" (attempt.js's countdown) -> seconds."""
    parts = [int(part) for part in text.strip().split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def test_a_teacher_imports_gift_builds_a_timed_quiz_and_publishes_it(browser, server, school):
    from apps.assessments.models import Assessment, Question, TransferJob

    organization, room, course, _module = school
    watched = Watched(browser, server, organization, room.teacher)
    page = watched.page
    try:
        # A category in the course's bank, from the question bank's page.
        page.goto(server.url("/", organization.slug))
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Question bank").click()
        expect(page.get_by_role("heading", name="Question bank")).to_be_visible()
        page.get_by_role("link", name="New category").click()
        page.get_by_label(re.compile(r"^Bank")).select_option(label="World geography")
        page.get_by_label(re.compile(r"^Name")).fill("Imported")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Category created.")).to_be_visible()
        watched.assert_clean()

        # Import the GIFT file into it.
        page.goto(server.url("/questions/import/", organization.slug))
        expect(page.get_by_role("heading", name="Import questions")).to_be_visible()
        page.get_by_label(re.compile(r"^File")).set_input_files(
            {"name": "geography.gift.txt", "mimeType": "text/plain", "buffer": GIFT.encode()}
        )
        page.get_by_label(re.compile(r"^Into the category")).select_option(label="World geography: Imported")
        page.get_by_role("button", name="Import", exact=True).click()
        expect(page).to_have_url(re.compile(r"/questions/import/\d+/$"))
        expect(page.locator("#import-status")).to_have_text("Completed")
        expect(page.locator("#import-created")).to_have_text("5")
        expect(page.locator("#import-skipped")).to_have_text("0")
        report = page.locator("#import-report tbody tr")
        expect(report).to_have_count(5)
        expect(page.locator("#import-report")).to_contain_text("Capital of France")
        screenshot(page, "assessments-import.png")
        watched.assert_clean()

        # A quiz in the course, from the course editor's "Quiz" button of the module.
        page.goto(server.url(f"/courses/{course.pk}/edit/", organization.slug))
        page.get_by_role("link", name="Quiz lesson in Europe").click()
        expect(page.get_by_role("heading", name="New quiz")).to_be_visible()
        page.get_by_label(re.compile(r"^Title")).fill("Capitals quiz")
        page.get_by_role("button", name="Create quiz", exact=True).click()
        expect(page).to_have_url(re.compile(r"/quizzes/\d+/builder/"))
        expect(page.get_by_text("Quiz Capitals quiz is added. Now add its questions.")).to_be_visible()
        watched.assert_clean()

        # Add the imported questions from the bank (the import's Geography subcategory of Imported).
        bank = page.locator("#bank")
        categories = bank.get_by_label("Category")
        geography = categories.locator("option", has_text="World geography / Geography (5)")
        categories.select_option(value=geography.get_attribute("value"))
        bank.get_by_role("button", name="Search the bank").click()
        results = page.locator("#bank-results")
        for name in ("Capital of France", "Sky colour", "Two plus two", "Pi"):
            results.get_by_role("checkbox", name=re.compile(rf"^{name} ")).check()
        page.get_by_role("button", name="Add the ticked questions").click()
        expect(page.get_by_text("4 questions added.")).to_be_visible()
        expect(page.locator("#slot-list .quiz-slot")).to_have_count(4)
        expect(page.locator("#builder-totals")).to_contain_text("4 questions")
        screenshot(page, "assessments-builder.png")
        watched.assert_clean()

        # A time limit in the settings.
        page.get_by_role("navigation", name="Quiz pages").get_by_role("link", name="Settings").click()
        page.get_by_label(re.compile(r"^Time limit \(minutes\)")).fill("15")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("The quiz's settings are saved.")).to_be_visible()
        expect(page.get_by_label(re.compile(r"^Time limit \(minutes\)"))).to_have_value("15")
        watched.assert_clean()

        # Publish the new lesson with the course's publish flow.
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="World geography").click()
        expect(page.get_by_text("1 lesson has changes learners do not see yet.")).to_be_visible()
        page.get_by_role("button", name="Publish changes").click()
        expect(page.get_by_text("Learners see the latest version of every lesson.")).to_be_visible()
        watched.assert_clean()
    finally:
        watched.close()

    with schema_context(organization.schema_name):
        job = TransferJob.objects.get()
        assert job.status == "completed"
        imported = Question.objects.filter(course=course)
        assert sorted(imported.values_list("qtype", flat=True)) == [
            "choice",
            "essay",
            "numeric",
            "shortanswer",
            "truefalse",
        ]
        quiz = Assessment.objects.get(course=course)
        assert quiz.time_limit == 15 * 60
        assert list(quiz.slots.order_by("position").values_list("question__name", flat=True)) == [
            "Capital of France",  # in the order the bank lists them (by name)
            "Pi",
            "Sky colour",
            "Two plus two",
        ]
        assert quiz.item.published_version_id == quiz.item.latest_version_id is not None

    # The student finds the quiz in the course player, with its time limit.
    student = Watched(browser, server, organization, room.student)
    page = student.page
    try:
        page.goto(server.url(f"/courses/{course.pk}/learn/{quiz.item_id}/", organization.slug))
        expect(page.get_by_role("heading", name="Capitals quiz", level=1)).to_be_visible()
        expect(page.locator("#quiz-time-limit")).to_contain_text("15")
        expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()
        screenshot(page, "assessments-player.png")
        student.assert_clean()
    finally:
        student.close()


@pytest.fixture
def timed_quiz(school):
    """A 10-minute quiz of three questions, one per page, in the school's course."""
    from apps.assessments.baker_recipes import make_question, make_quiz
    from apps.assessments.models import QuestionCategory

    organization, room, course, module = school
    with schema_context(organization.schema_name):
        category = QuestionCategory.objects.create(course=course, name="Europe")
        questions = [
            make_question(category=category, name="Capital"),  # Paris (a) is right
            make_question(
                category=category,
                qtype="truefalse",
                name="Rome",
                text="<p>Rome is the capital of Italy.</p>",
                data={"correct": True, "feedback_true": "", "feedback_false": ""},
            ),
            make_question(
                category=category,
                qtype="shortanswer",
                name="Spain",
                text="<p>The capital of Spain?</p>",
                data={
                    "answers": [{"text": "Madrid", "fraction": 1.0, "feedback": ""}],
                    "case_sensitive": False,
                },
            ),
        ]
        quiz = make_quiz(
            module=module, questions=questions, title="Capitals quiz", time_limit=600, questions_per_page=1
        )
    return organization, room, course, quiz


def test_a_student_takes_a_timed_quiz_resumes_it_and_reads_the_review(browser, server, timed_quiz):
    from apps.assessments.models import Attempt

    organization, room, course, quiz = timed_quiz
    watched = Watched(browser, server, organization, room.student)
    page = watched.page
    # attempt.js's timers run on a clock the test can move (the server's clock is never touched).
    page.clock.install()
    try:
        page.goto(server.url(f"/courses/{course.pk}/learn/{quiz.item_id}/", organization.slug))
        expect(page.locator("#quiz-time-limit")).to_contain_text("10")
        page.get_by_role("button", name="Start the quiz").click()

        expect(page).to_have_url(re.compile(r"/attempts/\d+/\?page=0$"))
        attempt_url = page.url.split("?")[0]
        timer = page.locator("#quiz-timer-value")
        expect(timer).to_have_text(re.compile(r"^\d+:\d\d$"))  # attempt.js's countdown, from the server's
        assert 590 <= seconds_of(timer.text_content()) <= 600
        first = page.locator("section.question").first
        expect(first).to_contain_text("What is the capital of France?")
        first.get_by_label("Paris").check()
        page.get_by_role("button", name="Next page").click()  # saves page 1 on the way

        expect(page).to_have_url(re.compile(r"\?page=1$"))
        expect(page.locator("section.question").first).to_contain_text("Rome is the capital of Italy.")
        page.locator("section.question").first.get_by_label("True").check()
        # Autosave: a minute later attempt.js posts the changed answers (autosave=1), and the countdown has
        # been brought back in step with the server's clock, which moved only a few seconds meanwhile.
        with page.expect_response(
            lambda r: r.url.endswith("/save/") and r.request.method == "POST"
        ) as autosaved:
            page.clock.run_for(61_000)
        assert autosaved.value.status == 200
        saved = autosaved.value.json()
        assert saved["outcome"] == "saved"
        # 61 s went by on the page's clock; the syncs (every 30 s) bring it back to the server's time left.
        for _ in range(20):
            server_left = page.evaluate(
                "url => fetch(url, {headers: {Accept: 'application/json'}}).then(r => r.json())",
                attempt_url + "time",
            )["seconds_left"]
            shown = seconds_of(timer.text_content())
            if abs(shown - server_left) <= 5:
                break
            page.wait_for_timeout(250)
        assert abs(shown - server_left) <= 5, (shown, server_left)  # not 61 s behind
        watched.assert_clean()

        # Reload: the attempt resumes with the autosaved answer, and page 1's answer is still there.
        page.reload()
        expect(page.locator("section.question").first.get_by_label("True")).to_be_checked()
        page.get_by_role("navigation", name="Quiz navigation").get_by_role("button", name="1").click()
        expect(page).to_have_url(re.compile(r"\?page=0$"))
        expect(page.locator("section.question").first.get_by_label("Paris")).to_be_checked()
        page.get_by_role("navigation", name="Quiz navigation").get_by_role("button", name="3").click()
        expect(page).to_have_url(re.compile(r"\?page=2$"))
        page.get_by_label("Answer", exact=True).fill("madrid")
        page.get_by_role("button", name="Finish attempt…").click()

        # The summary, then submit.
        expect(page).to_have_url(re.compile(r"/attempts/\d+/summary/$"))
        summary = page.locator("#attempt-summary")
        expect(summary.locator("tbody tr")).to_have_count(3)
        for row in range(3):
            expect(summary.locator("tbody tr").nth(row)).to_contain_text("Answer saved")
        expect(page.locator("#quiz-timer-value")).to_have_text(re.compile(r"^\d+:\d\d$"))
        screenshot(page, "assessments-summary.png")
        watched.assert_clean()
        page.get_by_role("button", name="Submit all and finish").click()

        # The review, as the default review options allow right after the attempt: grade, marks, answers.
        expect(page).to_have_url(re.compile(r"/attempts/\d+/review/$"))
        expect(page.get_by_text("Your attempt was submitted.")).to_be_visible()
        expect(page.locator("#review-grade")).to_have_text(re.compile(r"^100(\.0+)? out of 100(\.0+)?$"))
        expect(page.locator("section.question")).to_have_count(3)
        expect(page.locator("section.question.state-right")).to_have_count(3)
        expect(page.locator("section.question").nth(2)).to_contain_text("madrid")
        screenshot(page, "assessments-review.png")
        watched.assert_clean()

        # Back on the lesson: the attempt and the grade.
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Capitals quiz").click()
        expect(page.locator("#quiz-grade")).to_contain_text("100")
        expect(page.locator("#quiz-my-attempts tbody tr")).to_have_count(1)
        watched.assert_clean()
    finally:
        watched.close()

    with schema_context(organization.schema_name):
        attempt = Attempt.objects.get(assessment=quiz, user=room.student)
        assert attempt.state == "finished"
        assert attempt.sum_marks == Decimal("3")
        responses = {qa.slot: qa.response for qa in attempt.questions.all()}
        assert responses[2] == {"answer": True}
        assert responses[3]["text"] == "madrid"
        # Every answer saved (on the way to a page, by the autosave) is a recorded step, then the submit.
        assert set(attempt.steps.filter(action="save").values_list("slot", flat=True)) == {1, 2, 3}
        assert attempt.steps.filter(action="submit").count() == 1


def test_a_teacher_grades_an_essay_from_the_queue(browser, server, school):
    from apps.assessments.attempts import services as attempts
    from apps.assessments.baker_recipes import make_question, make_quiz
    from apps.assessments.models import Attempt, QuestionCategory

    organization, room, course, module = school
    with schema_context(organization.schema_name):
        category = QuestionCategory.objects.create(course=course, name="Writing")
        choice = make_question(category=category, name="Capital")
        essay = make_question(
            category=category,
            qtype="essay",
            name="Favourite city",
            text="<p>Describe your favourite city.</p>",
            data={"min_words": None, "max_words": None, "template": "", "grader_info": "", "format": "plain"},
            default_mark=4,
        )
        quiz = make_quiz(module=module, questions=[choice, essay], title="City essay")
        attempt = attempts.attempt_start(actor=room.student, assessment=quiz).attempt
        attempts.attempt_save(
            actor=room.student,
            attempt=attempt,
            responses={1: {"choice": "a"}, 2: {"text": "Lisbon has trams, hills and the sea."}},
        )
        attempts.attempt_submit(actor=room.student, attempt=attempt)
        attempt.refresh_from_db()
        assert attempt.state == "finished"
        assert attempt.needs_grading  # the essay waits for a teacher

    watched = Watched(browser, server, organization, room.teacher)
    page = watched.page
    try:
        page.goto(server.url("/grading/", organization.slug))
        expect(page.get_by_role("heading", name="Answers to grade")).to_be_visible()
        row = page.locator("#grading-queue tbody tr", has_text="Sam Student")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("City essay")
        expect(row).to_contain_text("Favourite city")
        watched.assert_clean()
        row.get_by_role("link", name="Grade").click()

        expect(page.get_by_role("heading", name="Grade an answer")).to_be_visible()
        expect(page.locator("#grade-response")).to_contain_text("Lisbon has trams, hills and the sea.")
        page.get_by_label(re.compile(r"^Mark")).fill("3")
        page.get_by_label(re.compile(r"^Comment")).fill("Vivid, but say more about the people.")
        watched.assert_clean()
        page.get_by_role("button", name="Save the mark").click()

        expect(page.get_by_text("Mark saved.")).to_be_visible()
        expect(page.locator("#grading-queue")).to_contain_text("Nothing is waiting to be graded.")
        watched.assert_clean()

        # The results: the grade is final, (1 + 3) / 5 of 100.
        page.goto(server.url(f"/quizzes/{quiz.pk}/results/", organization.slug))
        result = page.locator("#results-table tbody tr", has_text="Sam Student")
        expect(result).to_have_count(1)
        expect(result).not_to_contain_text("Requires grading")
        expect(result.locator("td.num").first).to_have_text("80.00")
        expect(result.locator("td.num").nth(2)).to_have_text("3.00")
        screenshot(page, "assessments-results.png")
        watched.assert_clean()
    finally:
        watched.close()

    with schema_context(organization.schema_name):
        attempt = Attempt.objects.get(pk=attempt.pk)
        assert attempt.needs_grading is False
        assert attempt.grade == Decimal("80")
        graded = attempt.questions.get(slot=2)
        assert (graded.mark, graded.comment) == (Decimal("3"), "Vivid, but say more about the people.")
