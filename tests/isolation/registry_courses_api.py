"""/api/v1/ endpoints of courses, content, media, enrollments and progress, for the isolation and role
matrices (see registry.py; placeholders come from course_targets.course_ids)."""

from .registry import Endpoint

COURSE_API_ENDPOINTS: list[Endpoint] = []
