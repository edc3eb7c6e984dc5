"""Courses and learning.

Owns courses (categories, tags, branches, prerequisites, co-teachers, covers), modules, lessons and their
versions, media files, enrollments and enrollment rules, and progress. Lesson kinds are a registry
(kinds.py; today's kinds in lesson_kinds.py): each kind brings its editor form, player template, API data
fields and completion rule, so a new kind (a quiz) is one registration. Also: the sanitizer (rendering.py),
upload checks (media.py), permission-checked file serving (serving.py), the API (api/), the pages (views/),
and its navigation entries, dashboard card, checklist steps, events and API-key scopes.
"""
