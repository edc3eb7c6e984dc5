# ruff: noqa: RUF001 - the demo questions write mathematics with its own multiplication and minus signs
"""The demo's assessments, in acme: Algebra Foundations' question bank (categories, every question type, a
set imported from a Moodle GIFT file through the import job), the quiz "Algebra check-up" closing the
course (a time limit, random questions from the bank, an essay), and the Algebra 1 class's attempts:
finished and graded, one essay waiting in the grading queue, so the results, the grading queue and the
item statistics show real figures. Sam Student has not taken it yet: signing in as them shows the quiz
to take, and passing it completes the course.

Everything goes through the services, as a teacher's clicks would."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

ALGEBRA = "algebra-foundations"
QUIZ_TITLE = "Algebra check-up"
BANK = "Algebra Foundations"

# Moodle GIFT, as a teacher would bring it from another LMS (apps/assessments/transfer imports it).
EXPRESSIONS_GIFT = """\
// Expressions: imported from Moodle
$CATEGORY: $course$/Expressions

::Evaluate 3x + 2::If x = 4, what is the value of 3x + 2? {
  =14 #3 × 4 = 12, and 12 + 2 = 14.
  ~12 #That is 3 × 4; don't forget the + 2.
  ~9 #You added 3 + 4 + 2: 3x means 3 × x.
  ~34 #3x is 3 × 4, not the digits 3 and 4 side by side.
}

::Like terms::Which of these are like terms with 5a? {
  ~%50%2a #Yes: the same variable, to the same power.
  ~%50%-a #Yes: -a is -1 × a.
  ~%-50%5b #No: a different variable.
  ~%-50%a² #No: a squared is a different power.
}

::Simplify::Simplify 2x + 3x. Type the answer without spaces, like 7y. {
  =5x #Add the coefficients: 2 + 3 = 5.
  =5*x #Also right: 5 × x.
}

::Order of operations::Evaluate 2 + 3 × 4. {#14}

::Variables are letters::In 7n + 1, the letter n is a variable. {TRUE#A variable stands for a number we don't know yet.#Yes: n can take any value.}
"""

EQUATIONS = [
    {
        "qtype": "numeric",
        "name": "Solve 2x + 5 = 17",
        "text": "<p>Solve for <em>x</em>: 2x + 5 = 17.</p>",
        "data": {
            "answers": [
                {
                    "value": 6,
                    "tolerance": 0,
                    "fraction": 1.0,
                    "feedback": "<p>Subtract 5, then divide by 2.</p>",
                },
                {
                    "value": 11,
                    "tolerance": 0,
                    "fraction": 0.0,
                    "feedback": "<p>Divide 22 by 2? Subtract 5 first.</p>",
                },
            ],
            "units": [],
            "unit_required": False,
        },
        "general_feedback": "<p>2x = 17 − 5 = 12, so x = 6.</p>",
    },
    {
        "qtype": "numeric",
        "name": "Solve x / 4 = 2.5",
        "text": "<p>Solve for <em>x</em>: x ÷ 4 = 2.5.</p>",
        "data": {
            "answers": [
                {
                    "value": 10,
                    "tolerance": 0.01,
                    "fraction": 1.0,
                    "feedback": "<p>Multiply both sides by 4.</p>",
                }
            ],
            "units": [],
            "unit_required": False,
        },
    },
    {
        "qtype": "choice",
        "name": "First step for 3x − 4 = 11",
        "text": "<p>What is the best first step to solve 3x − 4 = 11?</p>",
        "data": {
            "options": [
                {
                    "text": "<p>Add 4 to both sides</p>",
                    "fraction": 1.0,
                    "feedback": "<p>Yes: undo the − 4 first.</p>",
                },
                {
                    "text": "<p>Divide both sides by 3</p>",
                    "fraction": 0.0,
                    "feedback": "<p>Possible, but it makes fractions: 4/3.</p>",
                },
                {
                    "text": "<p>Subtract 11 from both sides</p>",
                    "fraction": 0.0,
                    "feedback": "<p>That doesn't isolate x.</p>",
                },
                {"text": "<p>Multiply both sides by 3</p>", "fraction": 0.0, "feedback": ""},
            ],
            "shuffle": True,
        },
    },
    {
        "qtype": "ordering",
        "name": "Steps to solve 5x + 3 = 18",
        "text": "<p>Put the steps to solve 5x + 3 = 18 in order.</p>",
        "data": {
            "items": [
                {"text": "5x + 3 = 18"},
                {"text": "5x = 15 (subtract 3)"},
                {"text": "x = 3 (divide by 5)"},
                {"text": "Check: 5 × 3 + 3 = 18"},
            ],
            "scoring": "subset",
        },
    },
    {
        "qtype": "truefalse",
        "name": "Same operation on both sides",
        "text": "<p>An equation stays balanced if you do the same operation to both sides.</p>",
        "data": {
            "correct": True,
            "feedback_true": "<p>Right: that is the balance rule.</p>",
            "feedback_false": "<p>Doing the same to both sides keeps them equal.</p>",
        },
    },
]

WORDS = [
    {
        "qtype": "matching",
        "name": "Words to expressions",
        "text": "<p>Match each phrase with its expression.</p>",
        "data": {
            "pairs": [
                {"prompt": "<p>Five more than a number</p>", "answer": "n + 5"},
                {"prompt": "<p>Twice a number</p>", "answer": "2n"},
                {"prompt": "<p>A number less three</p>", "answer": "n − 3"},
            ],
            "distractors": ["3 − n", "n²"],
            "shuffle": True,
        },
    },
    {
        "qtype": "shortanswer",
        "name": "Write the equation",
        "text": "<p>Ali is 3 years older than Bea, who is <em>b</em> years old. Ali is 15. "
        "Write the equation (for example: b + 1 = 9).</p>",
        "data": {
            "answers": [
                {"text": "b + 3 = 15", "fraction": 1.0, "feedback": "<p>Yes.</p>"},
                {"text": "b+3=15", "fraction": 1.0, "feedback": "<p>Yes.</p>"},
                {"text": "3 + b = 15", "fraction": 1.0, "feedback": "<p>Yes.</p>"},
                {
                    "text": "b*",
                    "fraction": 0.3,
                    "feedback": "<p>Start with b, then add Ali's 3 extra years.</p>",
                },
            ],
            "case_sensitive": False,
        },
    },
    {
        "qtype": "essay",
        "name": "Explain your method",
        "text": "<p>A phone plan costs €10 a month plus €0.05 per text. Maya paid €13.50. "
        "Write an equation for the number of texts and explain how you solve it.</p>",
        "data": {
            "min_words": 10,
            "max_words": 200,
            "template": "",
            "grader_info": "<p>10 + 0.05t = 13.50, t = 70. "
            "Full marks for the equation and a clear method.</p>",
            "format": "html",
        },
        "default_mark": 4,
    },
]

# How the class answered (by email local part): fraction of right answers each aims for, and essay text.
CLASSMATES = [
    (
        "ava",
        0.95,
        "I wrote 10 + 0.05t = 13.50, took 10 from both sides to get 0.05t = 3.50 and divided by 0.05: t = 70 texts.",
    ),
    (
        "ben",
        0.8,
        "The plan is 10 plus 0.05 for every text so 10 + 0.05t = 13.5 and t is 3.5 divided by 0.05 which is 70.",
    ),
    ("chloe", 0.7, "Take away the 10 euro first. 3.50 is left and each text is 5 cents, so 70 texts."),
    ("dev", 0.55, "13.50 divided by 0.05 is 270 texts because each one costs 5 cents."),
    ("ella", 0.45, "I think it's about 70 but I am not sure how to write the equation for it."),
    ("finn", 0.3, "10 + t = 13.50 so t = 3.50 texts."),
]


def _person(slug: str, local: str):
    from apps.accounts.models import User

    return User.objects.filter(email=f"{local}@{slug}.example.com").first()


def seed_assessments(slug: str) -> list[str]:
    """Acme's bank, quiz and attempts (call in its schema); returns what it created. Idempotent: a quiz
    already there means the step ran."""
    from apps.assessments.models import Assessment
    from apps.courses.models import Course

    course = Course.objects.filter(slug=ALGEBRA).first()
    if course is None or Assessment.objects.filter(course=course, item__title=QUIZ_TITLE).exists():
        return []
    created: list[str] = []
    with transaction.atomic():
        quiz = _bank_and_quiz(slug, course, created)
    with transaction.atomic():
        created += _attempts(slug, quiz)
    return created


def _bank_and_quiz(slug: str, course, created: list[str]):
    from apps.assessments.bank import services as bank
    from apps.assessments.quizzes import services as quizzes
    from apps.assessments.transfer import services as transfer

    teacher = _person(slug, "teacher")
    root = bank.category_create(
        actor=teacher, course=course, name=BANK, description="Questions for the course."
    )
    equations = bank.category_create(actor=teacher, course=course, name="Equations", parent=root)
    words = bank.category_create(actor=teacher, course=course, name="Word problems", parent=root)
    created.append(f"question bank '{BANK}' (3 categories)")

    job = transfer.transfer_create(
        actor=teacher,
        upload=SimpleUploadedFile("expressions.gift.txt", EXPRESSIONS_GIFT.encode()),
        file_format="gift",
        category=root,
    )
    # The job runs after commit in a worker; the demo (inside its own transaction) runs it here, as the
    # worker would: a job already run is left alone.
    job = transfer.transfer_run(job_id=job.pk)
    created.append(f"question import 'expressions.gift.txt' ({job.created_count} questions)")

    made = {}
    for category, specs in ((equations, EQUATIONS), (words, WORDS)):
        for spec in specs:
            made[spec["name"]] = bank.question_create(actor=teacher, category=category, **spec)
    created.append(f"{len(made)} questions written in the bank")

    module = course.modules.order_by("-position").first()
    quiz = quizzes.assessment_create(
        actor=teacher,
        module=module,
        title=QUIZ_TITLE,
        description="<p>Ten questions on expressions, equations and word problems. 20 minutes, "
        "three attempts; your best grade counts. You need 60 % to pass.</p>",
        publish=True,
        time_limit=20 * 60,
        attempts_allowed=3,
        grade_method="highest",
        max_grade=100,
        pass_grade=60,
        questions_per_page=3,
        shuffle_answers=True,
        overall_feedback=[
            {"min_percent": 80, "text": "<p>Excellent: you are ready for quadratic equations.</p>"},
            {"min_percent": 60, "text": "<p>A pass. Review the lessons on the questions you missed.</p>"},
            {"min_percent": 0, "text": "<p>Not yet: revisit “Balancing both sides” and try again.</p>"},
        ],
    )
    from apps.assessments.bank.selectors import question_list

    imported = list(question_list(viewer=teacher, category=root, subcategories=True).order_by("pk"))
    for question in imported[:3]:
        quizzes.slot_add_question(actor=teacher, assessment=quiz, question=question)
    for name in ("Solve 2x + 5 = 17", "First step for 3x − 4 = 11", "Steps to solve 5x + 3 = 18"):
        quizzes.slot_add_question(actor=teacher, assessment=quiz, question=made[name])
    quizzes.slot_add_random(actor=teacher, assessment=quiz, category=equations, count=1, subcategories=False)
    for name in ("Words to expressions", "Write the equation", "Explain your method"):
        quizzes.slot_add_question(actor=teacher, assessment=quiz, question=made[name])
    created.append(f"quiz '{QUIZ_TITLE}' (10 questions, 20 minutes) in Algebra Foundations")
    return quiz


def _right(qtype: str, data: dict, order: dict, essay: str):
    """A right response to a question of type `qtype` (as a learner's form would send it)."""
    if qtype == "choice":
        return {"choice": max(data["options"], key=lambda o: o["fraction"])["id"]}
    if qtype == "multiple":
        return {"choices": [o["id"] for o in data["options"] if o["fraction"] > 0]}
    if qtype == "truefalse":
        return {"answer": data["correct"]}
    if qtype == "shortanswer":
        return {"text": data["answers"][0]["text"]}
    if qtype == "numeric":
        return {"value": str(data["answers"][0]["value"])}
    if qtype == "matching":
        by_text = {choice["text"]: choice["id"] for choice in order.get("choices", [])}
        return {"matches": {pair["id"]: by_text.get(pair["answer"]) for pair in data["pairs"]}}
    if qtype == "ordering":
        return {"order": [item["id"] for item in data["items"]]}
    if qtype == "essay":
        return {"text": f"<p>{essay}</p>"}
    return {}


def _wrong(qtype: str, data: dict, order: dict, essay: str):
    """A wrong (or partly right) response: what a learner who has not understood yet would give."""
    if qtype == "choice":
        return {"choice": min(data["options"], key=lambda o: o["fraction"])["id"]}
    if qtype == "multiple":
        return {"choices": [o["id"] for o in data["options"]][:3]}
    if qtype == "truefalse":
        return {"answer": not data["correct"]}
    if qtype == "shortanswer":
        return {"text": "b = 15 - 3"}
    if qtype == "numeric":
        return {"value": str(float(data["answers"][0]["value"]) + 1)}
    if qtype == "matching":
        right = _right(qtype, data, order, essay)["matches"]
        ids = list(right)
        return {"matches": {ids[0]: right[ids[1]], ids[1]: right[ids[0]], **{i: right[i] for i in ids[2:]}}}
    if qtype == "ordering":
        ids = [item["id"] for item in data["items"]]
        return {"order": [ids[1], ids[0], *ids[2:][::-1]]}
    return _right(qtype, data, order, essay)


def _attempts(slug: str, quiz) -> list[str]:
    """The class takes the quiz: right answers to about the share each aims for (the same every run)."""
    import random

    from apps.assessments.attempts import services as attempts
    from apps.assessments.models import QuestionAttempt
    from apps.courses import selectors as course_selectors
    from apps.courses import services as course_services

    teacher = _person(slug, "teacher")
    created = []
    waiting = None
    for index, (local, aim, essay) in enumerate(CLASSMATES):
        learner = _person(slug, local)
        if learner is None:
            continue
        if course_selectors.active_enrollment(user=learner, course=quiz.course) is None:
            course_services.enroll_assign(actor=teacher, course=quiz.course, users=[learner.pk])
        rng = random.Random(f"{slug}:{local}")  # noqa: S311 - demo answers, not security
        attempt = attempts.attempt_start(actor=learner, assessment=quiz).attempt
        questions = QuestionAttempt.objects.filter(attempt=attempt).select_related("question_version")
        responses = {}
        for qa in questions:
            version = qa.question_version
            pick = _right if rng.random() < aim else _wrong
            responses[qa.slot] = pick(version.qtype, version.data, qa.order or {}, essay)
        attempts.attempt_save(actor=learner, attempt=attempt, responses=responses)
        attempts.attempt_submit(actor=learner, attempt=attempt)
        essays = QuestionAttempt.objects.filter(attempt=attempt, state=QuestionAttempt.State.NEEDS_GRADING)
        if index == len(CLASSMATES) - 1:
            waiting = learner  # left in the grading queue
        else:
            for qa in essays:
                mark = round(float(qa.max_mark) * aim)
                attempts.grade_manually(
                    actor=teacher,
                    attempt=attempt,
                    slot=qa.slot,
                    mark=mark,
                    comment="<p>Clear working.</p>" if aim > 0.6 else "<p>Write the equation first.</p>",
                )
        created.append(f"quiz attempt by {learner.email}")
    if waiting is not None:
        created.append(f"an essay by {waiting.email} waiting in the grading queue")
    return created
