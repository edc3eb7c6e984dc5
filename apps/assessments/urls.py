"""Pages of assessments on organization hosts (mounted at ""): each part's routes, under one namespace.

URL names are prefixed by part: bank_*, quiz_*, attempt_*, grading_*, import_*, stats_*."""

from .analytics.urls import urlpatterns as analytics
from .attempts.urls import urlpatterns as attempts
from .bank.urls import urlpatterns as bank
from .quizzes.urls import urlpatterns as quizzes
from .transfer.urls import urlpatterns as transfer

app_name = "assessments"

urlpatterns = [*bank, *transfer, *quizzes, *attempts, *analytics]
