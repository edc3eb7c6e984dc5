"""Assessments, in an organization's schema.

    QuestionCategory (nested; a course's bank, or the organization's shared bank when course is null)
      └─ Question ─ QuestionVersion (immutable: text, marks, type data; attempts keep the version they got)
    Assessment (one per lesson of kind "quiz": settings, review options, feedback bands)
      ├─ Slot (a fixed question, or "a random question from category X")
      ├─ Override (a person's or a class's window, time limit, attempts and password)
      ├─ Attempt ─ QuestionAttempt (the version drawn, its order, the response, the mark)
      │    └─ AttemptStep (every save, check, submit, grade, regrade: Moodle's step log)
      ├─ AssessmentGrade (a learner's grade over their attempts, by the grading method)
      └─ StatisticsCache (item analysis per attempt set, marked stale after a submission)
    TransferJob (a GIFT or QTI import in the background, with a report per question)

Question data per type is described in apps/assessments/qtypes (the one place that reads it).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.courses.models import ContentItem, Course, Tag
from apps.hierarchy.models import SchoolClass

DEFAULT_PENALTY = 0.3333333


class QuestionCategory(models.Model):
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="question_categories"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "question categories"

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    category = models.ForeignKey(QuestionCategory, on_delete=models.PROTECT, related_name="questions")
    # Denormalized from the category, so bank queries scope by course without a join.
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    qtype = models.CharField(max_length=16)
    name = models.CharField(max_length=255)
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    latest_version = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Hidden questions leave the bank's lists and random draws; attempts that used them keep them.
    hidden = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["category", "hidden"], name="question_category_hidden")]

    def __str__(self) -> str:
        return self.name


class QuestionVersion(models.Model):
    """An immutable snapshot of a question. Editing a question used in an attempt makes a new version."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    qtype = models.CharField(max_length=16)
    name = models.CharField(max_length=255)
    text = models.TextField(blank=True, help_text="Sanitized HTML.")
    general_feedback = models.TextField(blank=True, help_text="Sanitized HTML.")
    default_mark = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("1"))
    penalty = models.FloatField(default=DEFAULT_PENALTY)
    hints = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


# Review options: what a learner sees of an attempt, per moment (Moodle's mod_quiz_display_options).
REVIEW_FIELDS = (
    "attempt",  # the response
    "correctness",
    "marks",
    "specific_feedback",
    "general_feedback",
    "right_answer",
    "overall_feedback",
)
REVIEW_MOMENTS = ("during", "immediately", "open", "closed")  # immediately: within 2 minutes of submitting


def default_review() -> dict:
    """Moodle's defaults: everything after the attempt; nothing but the response during it."""
    after = ["immediately", "open", "closed"]
    return {
        "attempt": ["during", *after],
        "correctness": after,
        "marks": after,
        "specific_feedback": after,
        "general_feedback": after,
        "right_answer": after,
        "overall_feedback": after,
    }


class Assessment(models.Model):
    """The quiz of a lesson of kind "quiz" (settings named as in Moodle's mod/quiz, in seconds)."""

    class OverdueHandling(models.TextChoices):
        AUTOSUBMIT = "autosubmit", _("Submit automatically")
        GRACE_PERIOD = "graceperiod", _("Allow a grace period to submit")
        AUTOABANDON = "autoabandon", _("Abandon the attempt")

    class GradeMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest grade")
        AVERAGE = "average", _("Average grade")
        FIRST = "first", _("First attempt")
        LAST = "last", _("Last attempt")

    class Navigation(models.TextChoices):
        FREE = "free", _("Free")
        SEQUENTIAL = "sequential", _("Sequential")

    class Behaviour(models.TextChoices):
        DEFERRED = "deferred", _("Deferred feedback")
        INTERACTIVE = "interactive", _("Interactive with multiple tries")

    item = models.OneToOneField(ContentItem, on_delete=models.CASCADE, related_name="assessment")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assessments")
    description = models.TextField(blank=True, help_text="Sanitized HTML shown before an attempt.")
    open_at = models.DateTimeField(null=True, blank=True)
    close_at = models.DateTimeField(null=True, blank=True)
    time_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds; empty: no limit.")
    overdue_handling = models.CharField(
        max_length=16, choices=OverdueHandling.choices, default=OverdueHandling.AUTOSUBMIT
    )
    grace_period = models.PositiveIntegerField(default=86400, help_text="Seconds.")
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0: unlimited.")
    attempt_delay = models.PositiveIntegerField(default=0, help_text="Seconds to wait between attempts.")
    grade_method = models.CharField(max_length=8, choices=GradeMethod.choices, default=GradeMethod.HIGHEST)
    max_grade = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("100"))
    pass_grade = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Out of max_grade; empty: none."
    )
    questions_per_page = models.PositiveSmallIntegerField(default=1, help_text="0: all on one page.")
    navigation = models.CharField(max_length=12, choices=Navigation.choices, default=Navigation.FREE)
    shuffle_questions = models.BooleanField(default=False)
    shuffle_answers = models.BooleanField(default=True)
    behaviour = models.CharField(max_length=12, choices=Behaviour.choices, default=Behaviour.DEFERRED)
    review = models.JSONField(default=default_review, blank=True)
    # [{"min_percent": 80, "text": "<p>Well done</p>"}, ...], highest band first.
    overall_feedback = models.JSONField(default=list, blank=True)
    decimal_points = models.PositiveSmallIntegerField(default=2)
    # Access rules (Moodle's quizpassword and subnet): a password to start an attempt (empty: none), and
    # the networks attempts are taken from (addresses or CIDR ranges; empty: anywhere).
    password = models.CharField(max_length=64, blank=True, default="")
    subnets = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course_id", "pk"]

    def __str__(self) -> str:
        return self.item.title if self.item_id else f"Assessment {self.pk}"

    @property
    def title(self) -> str:
        return self.item.title


class Slot(models.Model):
    """A place in a quiz: a question of the bank (its latest version when an attempt starts, unless pinned),
    or one question drawn per attempt from a category (with its subcategories, optionally with a tag)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField()
    page = models.PositiveIntegerField(default=1)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="slots"
    )
    question_version = models.ForeignKey(
        QuestionVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    random_category = models.ForeignKey(
        QuestionCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="random_slots"
    )
    random_subcategories = models.BooleanField(default=True)
    random_tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mark = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("1"))

    class Meta:
        ordering = ["assessment_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "position"], name="slot_position_unique"),
            models.CheckConstraint(
                condition=Q(question__isnull=False, random_category__isnull=True)
                | Q(question__isnull=True, random_category__isnull=False),
                name="slot_question_or_random",
            ),
        ]

    def __str__(self) -> str:
        return f"Slot {self.position} of {self.assessment_id}"

    @property
    def is_random(self) -> bool:
        return self.random_category_id is not None


class Override(models.Model):
    """A person's or a class's own window, time limit, attempts or password (None, or an empty password: the
    quiz's setting). A person's override wins over their classes'; among classes, the most generous value of
    each setting wins (any of their classes' passwords lets them start, as in Moodle)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    open_at = models.DateTimeField(null=True, blank=True)
    close_at = models.DateTimeField(null=True, blank=True)
    time_limit = models.PositiveIntegerField(null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(null=True, blank=True)
    password = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, school_class__isnull=True)
                | Q(user__isnull=True, school_class__isnull=False),
                name="override_user_or_class",
            ),
            models.UniqueConstraint(
                fields=["assessment", "user"], condition=Q(user__isnull=False), name="override_user_unique"
            ),
            models.UniqueConstraint(
                fields=["assessment", "school_class"],
                condition=Q(school_class__isnull=False),
                name="override_class_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Override of {self.assessment_id}"


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "inprogress", pgettext_lazy("attempt state", "In progress")
        OVERDUE = "overdue", pgettext_lazy("attempt state", "Overdue")
        FINISHED = "finished", pgettext_lazy("attempt state", "Finished")
        ABANDONED = "abandoned", pgettext_lazy("attempt state", "Never submitted")

    OPEN = (State.IN_PROGRESS, State.OVERDUE)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    preview = models.BooleanField(
        default=False, help_text="A teacher trying the quiz: never graded into results."
    )
    started_at = models.DateTimeField(default=timezone.now)
    # The deadline fixed at start: the earlier of start + time limit and the quiz's close (after overrides).
    close_at = models.DateTimeField(null=True, blank=True)
    # When the overdue task should look at this attempt next (Moodle's timecheckstate).
    check_state_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sum_marks = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    grade = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    needs_grading = models.BooleanField(default=False)
    # Pages of slot numbers, fixed at start: [[1, 2], [3]].
    layout = models.JSONField(default=list, blank=True)
    current_page = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment_id", "user_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user", "number"], name="attempt_number_unique"),
            # At most one open attempt per learner and quiz (a double "start" gets the same attempt).
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=Q(state__in=["inprogress", "overdue"]),
                name="attempt_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "check_state_at"], name="attempt_state_check"),
            models.Index(fields=["assessment", "state"], name="attempt_assessment_state"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.assessment_id} by {self.user_id}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN


class QuestionAttempt(models.Model):
    class State(models.TextChoices):
        TODO = "todo", pgettext_lazy("question state", "Not yet answered")
        COMPLETE = "complete", pgettext_lazy("question state", "Answer saved")
        RIGHT = "right", pgettext_lazy("question state", "Correct")
        PARTIAL = "partial", pgettext_lazy("question state", "Partially correct")
        WRONG = "wrong", pgettext_lazy("question state", "Incorrect")
        BLANK = "blank", pgettext_lazy("question state", "Not answered")
        NEEDS_GRADING = "needs_grading", pgettext_lazy("question state", "Requires grading")
        MANUAL = "manual", pgettext_lazy("question state", "Graded manually")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    slot = models.PositiveIntegerField(help_text="The slot's position in the quiz when the attempt started.")
    question_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    max_mark = models.DecimalField(max_digits=8, decimal_places=4)
    order = models.JSONField(default=dict, blank=True, help_text="The shown order of options (qtypes).")
    response = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.TODO)
    fraction = models.FloatField(null=True, blank=True)
    mark = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0, help_text="Checks used (interactive behaviour).")
    penalty = models.FloatField(default=0, help_text="Fraction deducted for wrong tries (interactive).")
    locked = models.BooleanField(default=False, help_text="Interactive: right, or out of tries.")
    flagged = models.BooleanField(default=False)
    comment = models.TextField(blank=True, help_text="The grader's comment (sanitized HTML).")
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt_id", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "slot"], name="question_attempt_slot_unique")
        ]
        indexes = [models.Index(fields=["state"], name="qattempt_state")]

    def __str__(self) -> str:
        return f"Slot {self.slot} of attempt {self.attempt_id}"


class AttemptStep(models.Model):
    """One thing that happened to an attempt or one of its questions, in order."""

    class Action(models.TextChoices):
        START = "start", pgettext_lazy("attempt step", "Started")
        SAVE = "save", pgettext_lazy("attempt step", "Answer saved")
        CHECK = "check", pgettext_lazy("attempt step", "Checked")
        SUBMIT = "submit", pgettext_lazy("attempt step", "Submitted")
        GRADE = "grade", pgettext_lazy("attempt step", "Graded")
        MANUAL_GRADE = "manual_grade", pgettext_lazy("attempt step", "Graded by a teacher")
        REGRADE = "regrade", pgettext_lazy("attempt step", "Regraded")
        OVERDUE = "overdue", pgettext_lazy("attempt step", "Became overdue")
        ABANDON = "abandon", pgettext_lazy("attempt step", "Abandoned")
        REOPEN = "reopen", pgettext_lazy("attempt step", "Reopened")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="steps")
    slot = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: the whole attempt.")
    action = models.CharField(max_length=16, choices=Action.choices)
    state = models.CharField(max_length=16, blank=True)
    fraction = models.FloatField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempt_id", "created_at", "pk"]
        indexes = [models.Index(fields=["attempt", "created_at"], name="attemptstep_attempt_time")]

    def __str__(self) -> str:
        return f"{self.action} on attempt {self.attempt_id}"


class AssessmentGrade(models.Model):
    """A learner's grade for a quiz over their finished attempts, by its grading method."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="grades")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_grades")
    grade = models.DecimalField(max_digits=10, decimal_places=4)
    passed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "user"], name="assessment_grade_unique")]

    def __str__(self) -> str:
        return f"{self.grade} on {self.assessment_id} for {self.user_id}"


class StatisticsCache(models.Model):
    """Item analysis of one attempt set of a quiz, computed in the background; stale after a submission
    or a regrade until it is computed again."""

    class Which(models.TextChoices):
        FIRST = "first", _("First attempts")
        HIGHEST = "highest", _("Highest graded attempts")
        LAST = "last", _("Last attempts")
        ALL = "all", _("All finished attempts")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="statistics")
    which = models.CharField(max_length=8, choices=Which.choices, default=Which.FIRST)
    attempt_count = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)
    stale = models.BooleanField(default=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    stale_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment_id", "which"]
        constraints = [models.UniqueConstraint(fields=["assessment", "which"], name="statistics_unique")]

    def __str__(self) -> str:
        return f"Statistics ({self.which}) of {self.assessment_id}"


class TransferJob(models.Model):
    """An import of questions from a GIFT or QTI file into a category (and optionally a quiz), run in the
    background, with a report per question."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import status", "Queued")
        RUNNING = "running", pgettext_lazy("import status", "Running")
        COMPLETED = "completed", pgettext_lazy("import status", "Completed")
        FAILED = "failed", pgettext_lazy("import status", "Failed")

    class Format(models.TextChoices):
        GIFT = "gift", "GIFT"
        QTI = "qti", "QTI"

    FINISHED = (Status.COMPLETED, Status.FAILED)

    file_format = models.CharField(max_length=8, choices=Format.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    # The uploaded file itself (bounded by the upload limit), so any worker can run or re-run the job.
    data = models.BinaryField()
    category = models.ForeignKey(
        QuestionCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Apply the file's quiz settings (QTI assessment_meta) to `assessment` too; kept so a re-run does the same.
    apply_settings = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # [{"ref": "line 12", "name": "...", "outcome": "created"|"skipped", "reason": "", "question_id": 3}]
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_file_format_display()} import {self.pk}"
