"""Writes of item analysis: computing a StatisticsCache, marking a quiz's caches stale and queueing their
recomputation in the background.

Staleness and races, without holding a lock while a large set is computed:

- A submission or a grade (the `assessment.submitted` / `assessment.graded` subscribers) marks every cache of
  the quiz stale with `stale_since` = now (the latest change the cache does not count yet) and queues
  `recompute(assessment_id, requested_at=now)` in the background, `DEBOUNCE_SECONDS` later (with a broker;
  with Celery eager, see RECOMPUTE_WHEN_EAGER).
- A computation notes the moment it starts (before it reads any attempt) and stores that as `computed_at`:
  the figures count every change committed before it. It leaves the cache fresh only when no change arrived
  since it started (`stale_since <= computed_at`), and never overwrites a computation that started later.
- A queued recompute skips an attempt set whose cache was computed after the request (`computed_at >=
  requested_at`): a burst of submissions costs one computation per set, not one per submission. So the task is
  safe to run twice, and to retry.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.assessments.models import Assessment, StatisticsCache

from . import selectors

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 30  # a recomputation waits this long, so a class submitting together costs one


def compute(assessment, which: str) -> StatisticsCache:
    """Compute the attempt set's statistics now and store them (the cache row created if needed)."""
    if which not in selectors.WHICH:
        raise ValueError(f"Unknown attempt set {which!r}")
    started = timezone.now()
    data = selectors.calculate(assessment, which)
    count = int(data.get("attempt_count") or 0)
    values = {"data": data, "attempt_count": count}
    if not _store(assessment.pk, which, started, values):
        try:
            with transaction.atomic():
                StatisticsCache.objects.create(
                    assessment_id=assessment.pk,
                    which=which,
                    computed_at=started,
                    stale=False,
                    stale_since=None,
                    **values,
                )
        except IntegrityError:  # created meanwhile by a concurrent computation: store over it if older
            _store(assessment.pk, which, started, values)
    return StatisticsCache.objects.get(assessment_id=assessment.pk, which=which)


def _store(assessment_id: int, which: str, started: datetime, values: dict) -> bool:
    """Update an existing row unless a later-started computation already stored; True when a row exists."""
    rows = StatisticsCache.objects.filter(assessment_id=assessment_id, which=which)
    updated = rows.filter(Q(computed_at__isnull=True) | Q(computed_at__lte=started)).update(
        computed_at=started,
        # Fresh unless a change arrived after this computation started reading.
        stale=Case(When(stale_since__gt=started, then=Value(True)), default=Value(False)),
        **values,
    )
    return bool(updated) or rows.exists()


# With Celery eager (development without a broker, the benchmarks) a queued recomputation would run inside the
# learner's submission request, once per submission: the subscriber then only marks the caches stale, and the
# statistics page or API queues the recomputation once the cache has been stale for a while (or the teacher
# presses "Recompute now"). Tests switch this on to follow the whole chain.
RECOMPUTE_WHEN_EAGER = False


def statistics_mark_stale(*, assessment_id: int, queue: bool = True) -> int:
    """After a submission or a (re)grade: every cache of the quiz is stale from now, and a recomputation is
    queued (after commit, in this schema; see RECOMPUTE_WHEN_EAGER). Returns how many caches were marked."""
    now = timezone.now()
    marked = StatisticsCache.objects.filter(assessment_id=assessment_id).update(stale=True, stale_since=now)
    eager = getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) and not RECOMPUTE_WHEN_EAGER
    if queue and not eager:
        statistics_queue(assessment_id=assessment_id, requested_at=now, countdown=DEBOUNCE_SECONDS)
    return marked


def statistics_queue(
    *, assessment_id: int, which: str | None = None, requested_at: datetime | None = None, countdown: int = 0
) -> None:
    """Queue `recompute` once the current transaction commits, in the schema it runs in (tenant-schemas-celery
    carries the schema to the worker). `which` None: every cached set of the quiz and the default one."""
    schema = connection.schema_name
    moment = (requested_at or timezone.now()).isoformat()

    def send():
        from django_tenants.utils import schema_context

        from .tasks import recompute_statistics

        with schema_context(schema):
            try:
                recompute_statistics.apply_async(
                    kwargs={"assessment_id": assessment_id, "which": which, "requested_at": moment},
                    countdown=countdown or None,
                )
            except Exception:  # a broker outage must not fail the submission; the page re-queues later
                logger.exception(
                    "Could not queue the statistics of assessment %s in %s", assessment_id, schema
                )

    transaction.on_commit(send, robust=True)


def recompute(*, assessment_id: int, requested_at: str | datetime | None = None, which: str | None = None):
    """The body of the recompute task: the named set, or every cached set of the quiz and the default one,
    each unless a computation newer than `requested_at` exists. Returns the sets computed."""
    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is None:
        return []
    moment = parse_datetime(requested_at) if isinstance(requested_at, str) else requested_at
    if which is not None:
        sets = [which] if which in selectors.WHICH else []
    else:
        cached = set(StatisticsCache.objects.filter(assessment=assessment).values_list("which", flat=True))
        sets = [w for w in selectors.WHICH if w in cached or w == selectors.DEFAULT_WHICH]
    done = []
    for one in sets:
        cache = selectors.cache_get(assessment, one)
        fresher = (
            cache is not None
            and cache.computed_at is not None
            and moment is not None
            and cache.computed_at >= moment
        )
        if fresher:
            continue
        compute(assessment, one)
        done.append(one)
    return done


REFRESH_SYNC_LIMIT = (
    2000  # "Recompute now" computes a set this large during the request; larger ones are queued
)


def statistics_refresh(
    *, actor, assessment, which: str, sync_limit: int | None = None
) -> StatisticsCache | None:
    """An editor's "Recompute now" (the page's button, POST .../analytics/refresh; the caller has checked that
    `actor` manages the quiz): computed now, or for a set of more than REFRESH_SYNC_LIMIT attempts marked
    stale and queued (returns None then), so that the request never waits for a very large computation."""
    limit = REFRESH_SYNC_LIMIT if sync_limit is None else sync_limit
    if selectors.attempt_count(assessment, which) > limit:
        now = timezone.now()
        StatisticsCache.objects.filter(assessment=assessment, which=which).update(stale=True, stale_since=now)
        statistics_queue(assessment_id=assessment.pk, which=which, requested_at=now)
        return None
    return compute(assessment, which)
