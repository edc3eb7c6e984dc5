"""/api/v1 for taking quizzes (what a mobile app needs) and for their teachers: attempts, pages without the
answers, saving, checking (interactive), submitting, the review, results, the grading queue, manual marks,
regrading and reopening.

A learner sees only their own attempts; another learner's attempt answers 404 (as a missing one). The
editors of a quiz's course see the attempts of the learners they may see; they may read them, but only the
learner answers them (403). Teachers' endpoints refuse Students with 403 before any lookup. API keys need
the `assessments` scope. Time is the server's: `seconds_left` comes with every attempt."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from apps.accounts.scoped_api import AUTHOR, ScopedApiView
from apps.core.api.throttling import client_ip
from apps.core.errors import InvalidState, PermissionDenied, ValidationFailed
from apps.hierarchy.models import Branch, SchoolClass

from . import _quiz, selectors, services
from .csv_export import results_csv
from .serializers import (
    AttemptSerializer,
    CheckSerializer,
    GradeSerializer,
    GradingRowSerializer,
    QuizSubmitSerializer,
    RegradeSerializer,
    ResultSerializer,
    SaveSerializer,
    StartSerializer,
    SubmitSerializer,
)

TAGS = ["attempts"]
MANAGE_FORBIDDEN = "Only this course's teachers, its branches' managers and Org Admins may do this."
ATTEMPT_STATES = [choice for choice, _ in selectors.Attempt.State.choices]


class AttemptApiView(ScopedApiView):
    api_key_scope = "assessments"
    serializer_class = AttemptSerializer

    def get_assessment(self, pk=None):
        """The quiz with `viewer_edits`, its lesson and course (quizzes.selectors.assessment_ref)."""
        assessment = _quiz.assessment_ref(
            viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk
        )
        if assessment is None:
            raise Http404
        return assessment

    def managed_assessment(self, lean: bool = False):
        """The quiz, for its editors (403 for one the caller sees but may not manage); `lean`: only its id
        is read after (quizzes.selectors.assessment_key)."""
        if lean:
            assessment = _quiz.assessment_key(viewer=self.request.user, pk=self.kwargs["pk"])
            if assessment is None:
                raise Http404
        else:
            assessment = self.get_assessment()
        if not selectors.manages(self.request.user, assessment):
            raise PermissionDenied(MANAGE_FORBIDDEN)
        return assessment

    def get_attempt(self, pk=None, lean: bool = False):
        attempt = selectors.attempt_get(
            viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk, lean=lean
        )
        if attempt is None:
            raise Http404
        return attempt

    def summary(self, attempt, status_code: int = 200, **extra) -> Response:
        fresh = selectors.attempt_get(viewer=self.request.user, pk=attempt.pk) or attempt
        return Response({**selectors.attempt_summary(fresh), **extra}, status=status_code)


def with_shown_fields(viewer, assessment):
    """prepare(page) for the attempts of `assessment`: which review fields each attempt's viewer may see
    (marks or not)."""

    def prepare(attempts):
        for attempt in attempts:
            attempt.assessment = assessment
            attempt.shown_fields = selectors.allowed_fields(attempt, viewer)[1]

    return prepare


class AssessmentAttemptListView(AttemptApiView):
    """GET: the caller's attempts at the quiz (its editors: every attempt of the learners they see).
    POST: start an attempt, or get the open one (200). A quiz's editor who is not enrolled starts a preview.
    A quiz with a password needs it in the body to start (403 QUIZ_PASSWORD_REQUIRED or QUIZ_PASSWORD_INVALID);
    one with networks answers only its networks (403 QUIZ_NETWORK_RESTRICTED), here and on every call that
    shows, saves, checks or submits an attempt."""

    filter_fields = {
        "state": ["eq", "in"],
        "user": ["eq", "in"],
        "preview": ["eq"],
        "started_at": ["gt", "lt", "gte", "lte"],
        "finished_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = ["started_at", "finished_at", "number", "id"]
    default_sort = ["user_id", "number"]

    @extend_schema(responses={200: AttemptSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        assessment = self.get_assessment()
        queryset = selectors.attempt_rows(viewer=request.user, assessment=assessment)
        return self.listing(queryset, prepare=with_shown_fields(request.user, assessment))

    @extend_schema(request=StartSerializer, responses={201: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk):
        assessment = self.get_assessment()
        data = self.valid(StartSerializer)
        result = services.attempt_start(
            actor=request.user,
            assessment=assessment,
            preview=data["preview"],
            password=data.get("password"),
            client_ip=client_ip(request),
        )
        return self.summary(result.attempt, status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class AttemptDetailView(AttemptApiView):
    """An attempt: its state, the server's seconds left, and its pages with each slot's state and flag."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def get(self, request, pk):
        return Response(selectors.attempt_summary(self.get_attempt(lean=True)))


class AttemptPageView(AttemptApiView):
    """The questions of one page (0-based) as the learner answers them: text, options in the attempt's order,
    the saved response; never an answer, a fraction or feedback the review options do not allow."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def get(self, request, pk, number):
        page = number
        attempt = self.get_attempt(lean=True)
        if page >= len(attempt.layout or []):
            raise Http404
        if attempt.is_open and attempt.user_id == request.user.pk:
            services.require_network(attempt, client_ip(request))
        sequential = attempt.assessment.navigation == "sequential"
        if sequential and attempt.is_open and page < attempt.current_page:
            raise InvalidState(
                "This quiz's pages are answered in order: earlier pages cannot be opened again."
            )
        return Response(
            {
                "attempt": attempt.pk,
                "page": page,
                "seconds_left": selectors.seconds_left(attempt),
                "questions": selectors.attempt_page(attempt, page),
            }
        )


class AttemptAnswersView(AttemptApiView):
    """Save answers ({"responses": {slot: answer}}, "flags": {slot: bool}, "page": next page): what the
    autosave sends too. `outcome` says what became of the attempt: saved, overdue, finished (its time ran
    out: submitted) or abandoned; `discarded` that the answers came after the network allowance."""

    @extend_schema(request=SaveSerializer, responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk):
        attempt = self.get_attempt()
        data = self.valid(SaveSerializer)
        result = services.attempt_save(
            actor=request.user,
            attempt=attempt,
            responses=data.get("responses"),
            flags=data.get("flags"),
            page=data.get("page"),
            client_ip=client_ip(request),
        )
        return self.summary(
            result.attempt, outcome=result.outcome, changed=result.changed, discarded=result.discarded
        )


class AttemptCheckView(AttemptApiView):
    """Interactive quizzes: check one question now ({"slot", "response"}); the question as the learner may
    now see it (its state, the hint for the next try, feedback per the "during" review options)."""

    @extend_schema(request=CheckSerializer, responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk):
        attempt = self.get_attempt()
        data = self.valid(CheckSerializer)
        result = services.attempt_check(
            actor=request.user,
            attempt=attempt,
            slot=data["slot"],
            response=data.get("response"),
            client_ip=client_ip(request),
        )
        body = {"outcome": result.outcome, "question": None}
        if result.question is not None:
            fresh = selectors.attempt_get(viewer=request.user, pk=attempt.pk)
            qas = selectors.question_attempts(fresh)
            qa = next(one for one in qas if one.slot == result.question.slot)
            during = set(_quiz.review_allowed(fresh.assessment, "during"))
            number = selectors.numbering(fresh, qas).get(qa.slot)
            body["question"] = selectors.question_payload(fresh, qa, number, during, during=True)
        return self.summary(result.attempt, **body)


class AttemptSubmitView(AttemptApiView):
    """Submit the attempt ({"responses"} saved first when they arrive in time) and grade it. Submitting
    again changes nothing."""

    @extend_schema(request=SubmitSerializer, responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk):
        attempt = self.get_attempt()
        data = self.valid(SubmitSerializer)
        result = services.attempt_submit(
            actor=request.user, attempt=attempt, responses=data.get("responses"), client_ip=client_ip(request)
        )
        return self.summary(result.attempt, outcome=result.outcome, discarded=result.discarded)


class AssessmentSubmitView(AttemptApiView):
    """The seed's one-call submit: the caller's open attempt at the quiz (one is started when none is open,
    with the quiz's `password` when it has one) gets the answers of the body and is submitted."""

    @extend_schema(request=QuizSubmitSerializer, responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk):
        assessment = self.get_assessment()
        data = self.valid(QuizSubmitSerializer)
        address = client_ip(request)
        attempt = services.attempt_start(
            actor=request.user, assessment=assessment, password=data.get("password"), client_ip=address
        ).attempt
        result = services.attempt_submit(
            actor=request.user, attempt=attempt, responses=data.get("responses"), client_ip=address
        )
        return self.summary(result.attempt, outcome=result.outcome, discarded=result.discarded)


class AttemptReviewView(AttemptApiView):
    """The review: what the quiz's review options allow now (the moment: during, immediately, open, closed;
    "editor" for the quiz's editors, who see everything)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def get(self, request, pk):
        return Response(selectors.review(self.get_attempt(lean=True), viewer=request.user))


class AttemptReopenView(AttemptApiView):
    """An abandoned attempt back in progress (submitted at once when its time has passed)."""

    access = {"POST": AUTHOR}

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk):
        attempt = services.attempt_reopen(actor=request.user, attempt=self.get_attempt())
        return self.summary(attempt)


class CsvNegotiation(DefaultContentNegotiation):
    """`?format=csv` names the view's own CSV, not a DRF renderer; errors still answer in JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _filter_object(model, value):
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise Http404
    found = model.objects.filter(pk=value).first()
    if found is None:
        raise Http404
    return found


class AssessmentResultsView(AttemptApiView):
    """The quiz's results table (its editors): one row per attempt of the learners the caller may see, with
    the marks per question; `school_class`, `branch` and `state` filter it; `?format=csv` downloads it."""

    access = {"GET": AUTHOR}
    serializer_class = ResultSerializer
    content_negotiation_class = CsvNegotiation
    sort_fields = ["started_at", "finished_at", "grade", "number", "id"]
    default_sort = ["user__full_name", "user__email", "number"]

    @extend_schema(
        parameters=[
            OpenApiParameter("school_class", int),
            OpenApiParameter("branch", int),
            OpenApiParameter("state", str, enum=ATTEMPT_STATES),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ],
        responses={
            200: ResultSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The table as CSV (UTF-8)."),
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        assessment = self.managed_assessment(lean=True)
        params = request.query_params
        state = params.get("state") or None
        if state and state not in ATTEMPT_STATES:
            raise ValidationFailed({"state": [f"One of {', '.join(ATTEMPT_STATES)}."]})
        filters = {
            "school_class": _filter_object(SchoolClass, params.get("school_class")),
            "branch": _filter_object(Branch, params.get("branch")),
            "state": state,
        }
        if params.get("format") == "csv":
            queryset = selectors.results_for(assessment=assessment, viewer=request.user, **filters)
            return results_csv(assessment, queryset.prefetch_related("questions"))
        queryset = selectors.result_rows(assessment=assessment, viewer=request.user, **filters)
        return self.listing(queryset)


class GradingQueueView(AttemptApiView):
    """Questions waiting for a teacher's mark across the courses the caller edits."""

    access = {"GET": AUTHOR}
    serializer_class = GradingRowSerializer
    filter_fields = {"slot": ["eq"]}
    sort_fields = ["id"]
    default_sort = ["attempt__finished_at", "attempt_id", "slot"]

    @extend_schema(responses={200: GradingRowSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(selectors.grading_rows(viewer=request.user))


class AssessmentGradingView(GradingQueueView):
    """The grading queue of one quiz."""

    @extend_schema(responses={200: GradingRowSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        assessment = self.managed_assessment(lean=True)
        return self.listing(selectors.grading_rows(viewer=request.user, assessment=assessment))


class QuestionGradeView(AttemptApiView):
    """A teacher's mark (0..the question's max mark) and comment on one question of a submitted attempt."""

    access = {"POST": AUTHOR}

    @extend_schema(request=GradeSerializer, responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk, slot):
        attempt = self.get_attempt()
        data = self.valid(GradeSerializer)
        qa = services.grade_manually(
            actor=request.user, attempt=attempt, slot=slot, mark=data["mark"], comment=data["comment"]
        )
        fresh = selectors.attempt_get(viewer=request.user, pk=attempt.pk)
        return Response(
            {
                "attempt": fresh.pk,
                "slot": qa.slot,
                "mark": str(qa.mark),
                "max_mark": str(qa.max_mark),
                "state": qa.state,
                "comment": qa.comment,
                "needs_grading": fresh.needs_grading,
                "grade": None if fresh.grade is None else str(fresh.grade),
            }
        )


class AssessmentRegradeView(AttemptApiView):
    """Regrade every submitted attempt after its questions were fixed ({"dry_run": true} by default: the
    list of what would change, nothing written)."""

    access = {"POST": AUTHOR}

    @extend_schema(request=RegradeSerializer, responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk):
        assessment = self.managed_assessment()
        data = self.valid(RegradeSerializer)
        changes = services.regrade_assessment(
            actor=request.user, assessment=assessment, dry_run=data["dry_run"]
        )
        return Response({"dry_run": data["dry_run"], "attempts": changes})


class AttemptRegradeView(AttemptApiView):
    """Regrade one submitted attempt ({"dry_run": true} by default)."""

    access = {"POST": AUTHOR}

    @extend_schema(request=RegradeSerializer, responses={200: OpenApiTypes.OBJECT}, tags=TAGS)
    def post(self, request, pk):
        attempt = self.get_attempt()
        data = self.valid(RegradeSerializer)
        change = services.regrade_attempt(actor=request.user, attempt=attempt, dry_run=data["dry_run"])
        return Response({"dry_run": data["dry_run"], "attempts": [change] if change else []})
