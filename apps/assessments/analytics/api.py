"""Item analysis over the API, for the editors of the quiz's course. A Student is refused (403) before any
lookup, whatever the id; an author who cannot see the quiz gets 404 (as for a missing one), one who sees it
(enrolled in its course) but does not manage it 403:

    GET  /api/v1/assessments/{id}/analytics?attempts=first|highest|last|all   (default first)
    POST /api/v1/assessments/{id}/analytics/refresh  {"attempts": "first"}   recompute now

The GET serves the cached figures; `stale: true` (with `computed_at`, and `stale_since`: the latest submission
or grade they do not count yet) while the background recomputation runs. With no cache yet, a set of up to
500 attempts is computed for the request (not stored) and a larger one is queued: `state: "computing"` and
no figures, until the worker has stored them. Undefined figures (fewer than 2 attempts, zero variance) are
null. Definitions: apps/assessments/statistics.py (Moodle's quiz statistics report).
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from apps.accounts.scoped_api import AUTHOR, ScopedApiView
from apps.core.errors import PermissionDenied, ValidationFailed

from . import selectors, services

TAGS = ["assessment analytics"]
FORBIDDEN = "Only this course's teachers, its branches' managers and Org Admins may see its quiz statistics."
WHICH_HELP = (
    "The attempt set: each learner's first, highest-graded (ties: the earliest) or last finished attempt, or "
    "all finished attempts. Previews and unfinished attempts never count."
)

Num = lambda **kw: serializers.FloatField(allow_null=True, read_only=True, **kw)  # noqa: E731


class QuizFiguresSerializer(serializers.Serializer):
    attempt_count = serializers.IntegerField(read_only=True, help_text="Attempts counted (s).")
    excluded_ungraded = serializers.IntegerField(read_only=True, help_text="Left out: essays not graded yet.")
    excluded_invalid = serializers.IntegerField(read_only=True)
    slot_count = serializers.IntegerField(
        read_only=True, help_text="Questions analysed (descriptions left out)."
    )
    max_grade = Num(help_text="The maximum total in marks (sum of the slots' marks).")
    mean = Num(help_text="In marks.")
    mean_percent = Num()
    median = Num()
    median_percent = Num()
    sd = Num(help_text="Sample standard deviation (s - 1), in marks.")
    sd_percent = Num()
    skewness = Num()
    kurtosis = Num(help_text="Excess kurtosis.")
    cic = Num(help_text="Coefficient of internal consistency (Cronbach's alpha x 100).")
    cronbach_alpha = Num()
    error_ratio = Num(help_text="Percent.")
    standard_error = Num(help_text="In marks.")
    standard_error_percent = Num()


class OptionCountSerializer(serializers.Serializer):
    id = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    percent = Num()


class ResponseCountsSerializer(serializers.Serializer):
    counted = serializers.IntegerField(read_only=True)
    options = OptionCountSerializer(many=True, read_only=True)
    no_response = serializers.IntegerField(read_only=True)
    other = serializers.IntegerField(read_only=True, help_text="Chosen options the question no longer has.")


class QuestionFiguresSerializer(serializers.Serializer):
    slot = serializers.IntegerField(read_only=True)
    question_id = serializers.IntegerField(allow_null=True, read_only=True)
    question_name = serializers.CharField(read_only=True)
    qtype = serializers.CharField(allow_null=True, read_only=True)
    qtype_label = serializers.CharField(read_only=True)
    random = serializers.BooleanField(read_only=True)
    versions_used = serializers.IntegerField(read_only=True)
    note = serializers.CharField(read_only=True)
    max_mark = serializers.FloatField(read_only=True)
    s = serializers.IntegerField(read_only=True, help_text="Attempts counted for this question.")
    mean_mark = Num()
    facility = Num(help_text="0..1")
    facility_percent = Num()
    sd = Num(help_text="In marks.")
    sd_percent = Num()
    random_guess_score = Num()
    random_guess_score_percent = Num()
    intended_weight = Num()
    intended_weight_percent = Num()
    effective_weight = Num()
    effective_weight_percent = Num()
    negative_covariance = serializers.BooleanField(read_only=True)
    discrimination_index = Num(help_text="-100..100")
    discriminative_efficiency = Num()
    dubious = serializers.BooleanField(read_only=True, help_text="Discriminative efficiency below 15 %.")
    response_counts = ResponseCountsSerializer(allow_null=True, read_only=True)


class HistogramBinSerializer(serializers.Serializer):
    lower = serializers.FloatField(read_only=True)
    upper = serializers.FloatField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    lower_percent = serializers.FloatField(read_only=True)
    upper_percent = serializers.FloatField(read_only=True)


class AnalyticsSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    attempts = serializers.ChoiceField(choices=selectors.WHICH, read_only=True)
    state = serializers.ChoiceField(
        choices=[selectors.READY, selectors.COMPUTING],
        read_only=True,
        help_text="computing: no figures yet, the background computation is queued.",
    )
    stale = serializers.BooleanField(
        read_only=True, help_text="Newer submissions or grades are not counted yet."
    )
    computed_at = serializers.DateTimeField(allow_null=True, read_only=True)
    stale_since = serializers.DateTimeField(allow_null=True, read_only=True)
    cached = serializers.BooleanField(read_only=True)
    attempt_count = serializers.IntegerField(allow_null=True, read_only=True)
    quiz = QuizFiguresSerializer(allow_null=True, read_only=True)
    questions = QuestionFiguresSerializer(many=True, read_only=True)
    histogram = HistogramBinSerializer(many=True, read_only=True)
    notes = serializers.ListField(child=serializers.CharField(), read_only=True)


class AnalyticsRefreshSerializer(serializers.Serializer):
    attempts = serializers.ChoiceField(
        choices=selectors.WHICH, required=False, default=selectors.DEFAULT_WHICH
    )


def payload(result: selectors.Report) -> dict:
    ready = result.state == selectors.READY
    return {
        "assessment": result.assessment.pk,
        "title": result.assessment.title,
        "attempts": result.which,
        "state": result.state,
        "stale": result.stale,
        "computed_at": result.computed_at,
        "stale_since": result.stale_since,
        "cached": result.cached,
        "attempt_count": result.attempt_count,
        "quiz": result.quiz if ready else None,
        "questions": result.questions,
        "histogram": result.histogram,
        "notes": list((result.data or {}).get("notes") or []),
    }


class AnalyticsApiView(ScopedApiView):
    access = {"GET": AUTHOR, "POST": AUTHOR}
    api_key_scope = "assessments"
    serializer_class = AnalyticsSerializer
    pagination_class = None

    def get_assessment(self):
        assessment = selectors.assessment_for_stats(viewer=self.request.user, pk=self.kwargs["pk"])
        if assessment is None:
            raise Http404
        if not selectors.may_analyse(self.request.user, assessment):
            raise PermissionDenied(FORBIDDEN)
        return assessment


class AssessmentAnalyticsView(AnalyticsApiView):
    """Moodle's quiz statistics over one attempt set: quiz figures, per-question figures with per-option
    response counts, and the score histogram (ten bands of the maximum)."""

    @extend_schema(
        parameters=[OpenApiParameter("attempts", str, enum=list(selectors.WHICH), description=WHICH_HELP)],
        responses={200: AnalyticsSerializer},
        tags=TAGS,
    )
    def get(self, request, pk):
        assessment = self.get_assessment()
        which = selectors.clean_which(request.query_params.get("attempts"))
        if which is None:
            raise ValidationFailed({"attempts": [f"One of: {', '.join(selectors.WHICH)}."]})
        result = selectors.report(assessment=assessment, which=which)
        if result.queue:
            services.statistics_queue(assessment_id=assessment.pk, which=which)
        return self.one(payload(result))


class AssessmentAnalyticsRefreshView(AnalyticsApiView):
    """Recompute one attempt set's statistics now and store them; answers the fresh figures."""

    @extend_schema(
        request=AnalyticsRefreshSerializer,
        responses={200: AnalyticsSerializer, 202: AnalyticsSerializer},
        tags=TAGS,
    )
    def post(self, request, pk):
        """200 with the fresh figures; 202 for a set of more than 2,000 attempts, queued instead (the answer
        is then the cache marked stale, or `state: "computing"`)."""
        assessment = self.get_assessment()
        which = self.valid(AnalyticsRefreshSerializer)["attempts"]
        cache = services.statistics_refresh(actor=request.user, assessment=assessment, which=which)
        result = selectors.report(assessment=assessment, which=which, sync_limit=0 if cache is None else None)
        return self.one(payload(result), status=200 if cache is not None else 202)
