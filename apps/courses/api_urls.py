"""API routes of courses, content, media, enrollments and progress under /api/v1/."""

urlpatterns: list = []
