"""API routes of assessments under /api/v1/: each part's routes."""

from .analytics.api_urls import urlpatterns as analytics
from .attempts.api_urls import urlpatterns as attempts
from .bank.api_urls import urlpatterns as bank
from .quizzes.api_urls import urlpatterns as quizzes
from .transfer.api_urls import urlpatterns as transfer

urlpatterns = [*bank, *transfer, *quizzes, *attempts, *analytics]
