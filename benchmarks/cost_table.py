"""The cost table: every GET list and detail endpoint of the organization API and every read page of an
organization's host, with the path that `make bench BENCH_ARGS=cost` times and the query cap that
tests/api/test_list_query_counts.py enforces.

A registry like the isolation matrix: `uncovered()` walks the tenant URLconf (tests/urls.py `routes()`) and
names every route that no row reaches and no exemption explains; the benchmark refuses to run and
tests/benchmarks/test_cost_table.py fails while one is left. A new module adds its rows here.

Placeholders are the targets of benchmarks/cost_fill.py (the base course, its lesson, the base student…).

    kind     "list"   a paginated API list: goal floor a ÷ endpoint ≥ 0.5 and ≤ 5 queries, constant in size
             "detail" one object (or /auth/me): goal floor b ÷ endpoint ≥ 0.8
             "page"   a server-rendered page: measured against floor b, no goal yet
    student  also timed as the base student (a student of the base class, enrolled in the base course)
    max_queries  list rows: the most queries one request may run, as Org Admin or student, at any size
             (today's count; lower it here when an endpoint gets cheaper)
    grows    list rows: the list gets longer when cost_fill adds rows (False: a fixed catalogue)
"""

import re
from dataclasses import dataclass

GOAL_LIST_RATIO = 0.5
GOAL_LIST_QUERIES = 5
GOAL_DETAIL_RATIO = 0.8


@dataclass(frozen=True)
class Row:
    name: str
    path: str
    kind: str  # list | detail | page
    student: bool = False
    max_queries: int | None = None
    grows: bool = True
    note: str = ""

    def url(self, targets: dict, per_page: int = 20) -> str:
        url = self.path.format(**targets)
        if self.kind == "list":
            url += ("&" if "?" in url else "?") + f"per_page={per_page}"
        return url


def _list(name, path, max_queries, **kw) -> Row:
    return Row(name, path, "list", max_queries=max_queries, **kw)


def _detail(name, path, **kw) -> Row:
    return Row(name, path, "detail", **kw)


def _page(name, path, **kw) -> Row:
    return Row(name, path, "page", **kw)


ORG = "/api/v1/organizations/{org_id}"
COURSE = "/api/v1/courses/{course_id}"
CONTENT = "/api/v1/content/{content_id}"
TEMPLATE = "/api/v1/certificate-templates/{templating_template_id}"
TEMPLATE_PAGE = "/certificates/templates/{templating_template_id}"

ROWS: list[Row] = [
    # accounts, tenants
    _detail("auth_me", "/api/v1/auth/me", student=True),
    _list("organizations", "/api/v1/organizations", 5, grows=False, note="the caller's own organization"),
    _detail("organization", ORG),
    _detail("organization_settings", ORG + "/settings"),
    # hierarchy
    _list("branches", ORG + "/branches", 4),
    _detail("branch", ORG + "/branches/{branch_id}"),
    _detail("branch_settings", ORG + "/branches/{branch_id}/settings"),
    _list("branch_users", ORG + "/branches/{branch_id}/users", 5),
    _list("classes", "/api/v1/classes", 4),
    _detail("class", "/api/v1/classes/{class_id}"),
    _list("class_members", "/api/v1/classes/{class_id}/members", 5),
    _detail("onboarding", "/api/v1/onboarding"),
    _list("users", "/api/v1/users", 5),
    _detail("user", "/api/v1/users/{user_id}"),
    _detail("user_profile", "/api/v1/users/{user_id}/profile"),
    # apikeys, imports, audit, events
    _list("api_keys", "/api/v1/api-keys", 5),
    _list("api_key_scopes", "/api/v1/api-keys/scopes", 3, grows=False, note="a fixed catalogue"),
    _detail("api_key", "/api/v1/api-keys/{api_key_id}"),
    _list("imports", "/api/v1/imports", 5),
    _detail("import", "/api/v1/imports/{import_id}"),
    _list("audit_log", "/api/v1/audit-log", 5),
    _list("events", "/api/v1/events", 2, grows=False, note="a fixed catalogue"),
    # courses
    _list("courses", "/api/v1/courses", 5, student=True),
    _list("catalog", "/api/v1/courses?catalog=true", 5, student=True),
    _list("course_search", "/api/v1/courses?search=course", 5, student=True),
    _detail("course", COURSE, student=True),
    _detail("course_content", COURSE + "/content", student=True, note="the outline: modules and lessons"),
    _list("course_modules", COURSE + "/modules", 5, student=True),
    _detail("module", "/api/v1/modules/{module_id}", student=True),
    _list("content", "/api/v1/content?filter[course]={course_id}", 5, student=True),
    _detail("content_item", CONTENT, student=True),
    _list("versions", CONTENT + "/versions", 5),
    _detail("version", CONTENT + "/versions/{version_number}"),
    _detail("version_diff", CONTENT + "/versions/{version_number}/diff"),
    _list("course_media", COURSE + "/media", 5),
    _list("content_media", CONTENT + "/media", 5),
    _detail("media", "/api/v1/media/{media_id}"),
    _list("course_enrollments", COURSE + "/enrollments", 5),
    _detail("course_enrollment", COURSE + "/enrollments/{enrollment_id}"),
    _list("enrollment_rules", COURSE + "/enrollment-rules", 5),
    _list("course_progress", COURSE + "/progress", 5),
    _detail("course_analytics", COURSE + "/analytics"),
    _detail("content_progress", CONTENT + "/progress", student=True),
    _list("user_enrollments", "/api/v1/users/{user_id}/enrollments", 5, student=True),
    _list("user_progress", "/api/v1/users/{user_id}/progress", 5, student=True),
    _list("categories", "/api/v1/categories", 4, student=True),
    _detail("category", "/api/v1/categories/{category_id}", student=True),
    _list("tags", "/api/v1/tags", 4, student=True),
    _detail("tag", "/api/v1/tags/{tag_id}", student=True),
    # pages: the main four first
    _page("catalog_page", "/courses/", student=True),
    _page("course_page", "/courses/{course_id}/", student=True),
    _page("lesson_page", "/courses/{course_id}/learn/{content_id}/", student=True),
    _page("my_learning_page", "/learning/", student=True),
    _page("home_page", "/", student=True),
    _page("profile_page", "/accounts/profile/", student=True),
    _page("onboarding_page", "/manage/onboarding/"),
    _page("people_page", "/manage/people/"),
    _page("person_page", "/manage/people/{user_id}/"),
    _page("branches_page", "/manage/branches/"),
    _page("branch_page", "/manage/branches/{branch_id}/"),
    _page("classes_page", "/manage/classes/"),
    _page("class_page", "/manage/classes/{class_id}/"),
    _page("settings_page", "/manage/settings/"),
    _page("api_keys_page", "/manage/api-keys/"),
    _page("imports_page", "/manage/imports/"),
    _page("import_page", "/manage/imports/{import_id}/"),
    _page("audit_page", "/manage/audit/"),
    _page("teaching_page", "/courses/teaching/"),
    _page("categories_page", "/courses/categories/"),
    _page("course_enrollments_page", "/courses/{course_id}/enrollments/"),
    _page("version_page", "/courses/{course_id}/content/{content_id}/versions/{version_number}/"),
    _page("version_diff_page", "/courses/{course_id}/content/{content_id}/versions/{version_number}/diff/"),
    # assessments: bank, quizzes, attempts, transfer (cost_fill.fill_assessments)
    _list("question_categories", "/api/v1/question-categories", 3),
    _detail("question_category", "/api/v1/question-categories/{bank_category_id}"),
    _list("questions", "/api/v1/questions", 3),
    _detail("question", "/api/v1/questions/{question_id}"),
    _list("question_versions", "/api/v1/questions/{question_id}/versions", 3),
    _list("question_types", "/api/v1/question-types", 2, grows=False, note="a fixed catalogue"),
    _list("question_imports", "/api/v1/question-imports", 3),
    _detail("question_import", "/api/v1/question-imports/{question_import_id}"),
    _list("assessments", "/api/v1/assessments", 4, student=True),
    _detail("assessment", "/api/v1/assessments/{quiz_id}", student=True),
    _list(
        "assessment_slots",
        "/api/v1/assessments/{quiz_builder_id}/slots",
        4,
        grows=False,
        note="not paginated: every slot of the quiz (4 queries at 5 and at 50 slots)",
    ),
    _detail("assessment_slot", "/api/v1/assessments/{quiz_id}/slots/{slot_id}"),
    _list("assessment_overrides", "/api/v1/assessments/{quiz_id}/overrides", 4),
    _detail("assessment_override", "/api/v1/assessments/{quiz_id}/overrides/{override_id}"),
    _list("assessment_attempts", "/api/v1/assessments/{quiz_id}/attempts", 4),
    _list("assessment_results", "/api/v1/assessments/{quiz_id}/results", 5),
    _list("assessment_grading", "/api/v1/assessments/{quiz_id}/grading", 4),
    _list("grading", "/api/v1/grading", 3),
    _detail("attempt", "/api/v1/attempts/{attempt_open_id}", student=True),
    _detail("attempt_page", "/api/v1/attempts/{attempt_open_id}/pages/0", student=True),
    _detail("attempt_review", "/api/v1/attempts/{attempt_id}/review", student=True),
    _page("bank_page", "/questions/"),
    _page("bank_question_page", "/questions/{question_id}/"),
    _page("question_imports_page", "/questions/import/"),
    _page("question_import_page", "/questions/import/{question_import_id}/"),
    _page("quiz_manage_page", "/quizzes/{quiz_id}/"),
    _page("quiz_settings_page", "/quizzes/{quiz_id}/settings/"),
    _page("quiz_builder_page", "/quizzes/{quiz_builder_id}/builder/"),
    _page("quiz_overrides_page", "/quizzes/{quiz_id}/overrides/"),
    _page("quiz_results_page", "/quizzes/{quiz_id}/results/"),
    _page("grading_quiz_page", "/quizzes/{quiz_id}/grading/"),
    _page("grading_page", "/grading/"),
    _page("grading_grade_page", "/attempts/{attempt_id}/grade/2/"),
    _page(
        "attempt_take_page", "/attempts/{attempt_preview_id}/", note="the Org Admin's preview: owners only"
    ),
    _page("attempt_summary_page", "/attempts/{attempt_preview_id}/summary/", note="the Org Admin's preview"),
    _page("attempt_review_page", "/attempts/{attempt_id}/review/", student=True),
    # certificates issuing (benchmarks/cost_fill_certificates.py)
    _list("certificates", "/api/v1/certificates", 4, student=True),
    _list("user_certificates", "/api/v1/users/{student_id}/certificates", 5, student=True),
    _detail("certificate", "/api/v1/certificates/{certificate_id}", student=True),
    _detail("certificate_rule", "/api/v1/courses/{course_id}/certificate-rule"),
    _detail("certificate_quiz_rule", "/api/v1/assessments/{quiz_id}/certificate-rule"),
    _detail("certificate_job", "/api/v1/certificate-jobs/{certificate_job_id}"),
    _detail("certificate_verify", "/api/v1/certificates/{certificate_verify_uuid}/verify", note="anonymous"),
    _page("certificate_list_page", "/certificates/"),
    _page("certificate_mine_page", "/certificates/mine/", student=True),
    _page("certificate_page", "/certificates/{certificate_id}/", student=True),
    _page("certificate_course_page", "/courses/{course_id}/certificates/"),
    _page("certificate_rule_page", "/courses/{course_id}/certificate/"),
    _page("certificate_quiz_rule_page", "/quizzes/{quiz_id}/certificate/"),
    _page("certificate_issue_page", "/certificates/issue/"),
    _page("certificate_bulk_page", "/certificates/bulk/"),
    _page("certificate_job_page", "/certificates/jobs/{certificate_job_id}/"),
    _page("certificate_rerender_page", "/certificates/rerender/{certificate_template_id}/"),
    _page("verify_form_page", "/verify/"),
    _page("verify_page", "/verify/{certificate_code}", note="logs the verification"),
    _page("share_page", "/certificates/{certificate_verify_uuid}/share"),
    # certificate templates (benchmarks/cost_fill_templating.py)
    _list("certificate_templates", "/api/v1/certificate-templates", 4),
    _detail("certificate_template", TEMPLATE),
    _list("certificate_template_versions", TEMPLATE + "/versions", 4),
    _detail("certificate_template_version", TEMPLATE + "/versions/1"),
    _page("certificate_template_list_page", "/certificates/templates/"),
    _page("certificate_template_new_page", "/certificates/templates/new/"),
    _page("certificate_template_page", TEMPLATE_PAGE + "/"),
    _page("certificate_template_delete_page", TEMPLATE_PAGE + "/delete/"),
    # badges core (benchmarks/cost_fill_badges.py)
    _list("badges", "/api/v1/badges", 5, student=True),
    _detail("badge", "/api/v1/badges/{badge_id}", student=True),
    _list("badge_awards", "/api/v1/badges/{badge_id}/awards", 4),
    _list("badge_progress", "/api/v1/badges/{badge_id}/progress", 4),
    _list("user_badges", "/api/v1/users/{student_id}/badges", 5, student=True),
    _detail("badge_award", "/api/v1/badge-awards/{badge_award_id}", student=True),
    # Open Badges: the learner's downloads and the public documents a validator or backpack fetches
    # (benchmarks/cost_fill_badges.py makes the issuer and its key)
    _detail("badge_award_assertion", "/api/v1/badge-awards/{badge_award_id}/assertion", student=True),
    _detail("badge_award_credential", "/api/v1/badge-awards/{badge_award_id}/credential", student=True),
    _page("ob_issuer", "/ob/v2/issuers/{issuer_uid}"),
    _page("ob_revocations", "/ob/v2/issuers/{issuer_uid}/revocations"),
    _page("ob_key", "/ob/v2/issuers/{issuer_uid}/keys/{signing_key_uid}"),
    _page("ob_badge", "/ob/v2/badges/{badge_uid}"),
    _page("ob_assertion", "/ob/v2/assertions/{badge_award_uid}"),
    _page("badge_list_page", "/badges/"),
    _page("badge_page", "/badges/{badge_id}/"),
    _page("achievements_page", "/achievements/", student=True),
]

# Routes of organization hosts without a row, each with the reason (exact route as the resolver spells it).
EXEMPT = {
    "healthz": "liveness probe, no tenant data (timed by `make bench BENCH_ARGS=http`)",
    "api/v1/schema/": "the OpenAPI document: static per deploy",
    "api/v1/docs/": "Swagger UI shell, no data",
    "api/v1/redoc/": "ReDoc shell, no data",
    "^api/": "the JSON 404 for unknown /api/ paths: it is floor b itself",
    "api/v1/imports/template": "a file download (CSV/XLSX template), not a list or detail read",
    "certificates/templates/<int:pk>/restore/": "the restore button's POST action (archive/'s pair)",
    "api/v1/certificate-templates/<int:pk>/logo": "a file download (the template's logo)",
    "api/v1/certificate-templates/<int:pk>/signature": "a file download (the template's signature image)",
    "api/v1/certificate-templates/<int:pk>/preview": "a file download (the preview PDF, rendered per request)",
    "certificates/templates/<int:pk>/logo/": "a file download (the template's logo)",
    "certificates/templates/<int:pk>/signature/": "a file download (the template's signature image)",
    "api/v1/imports/<int:pk>/report": "a file download (CSV report)",
    "api/v1/courses/<int:pk>/cover": "a file download (the cover image)",
    "api/v1/media/<int:pk>/download": "a file download (the media bytes)",
    "manage/branding/logo": "a file download (the logo)",
    "manage/imports/template.csv": "a file download",
    "manage/imports/template.xlsx": "a file download",
    "manage/imports/<int:pk>/report.csv": "a file download",
    "courses/<int:pk>/cover": "a file download (the cover image)",
    "courses/<int:pk>/media/<int:media_pk>/": "a file download (the media bytes)",
    "manage/": "a redirect to the home page (timed as home_page)",
    "courses/<int:pk>/learn/": "a redirect to the lesson to resume (timed through lesson_page)",
    "invite/<str:uidb64>/<str:token>/": "a one-time invitation form, anonymous",
    "api/v1/assessments/<int:pk>/analytics": "quiz statistics: timed by `make bench BENCH_ARGS=assessment-stats`",
    "quizzes/<int:pk>/statistics/": "quiz statistics: timed by `make bench BENCH_ARGS=assessment-stats`",
    "quizzes/<int:pk>/statistics/refresh/": "the statistics page's POST action (recompute now), not a read",
    "api/v1/assessments/<int:pk>/export": "a file download (GIFT or QTI export of the quiz)",
    "api/v1/question-categories/<int:pk>/export": "a file download (GIFT or QTI export of the category)",
    "quizzes/<int:pk>/export/": "the export's format choice, then a file download",
    "quizzes/<int:pk>/export/<str:fmt>/": "a file download (GIFT or QTI export of the quiz)",
    "questions/categories/<int:pk>/export/": "the export's format choice, then a file download",
    "questions/categories/<int:pk>/export/<str:fmt>/": "a file download (GIFT or QTI export of the category)",
    "questions/new/<slug:qtype>/": "a creation form (the question editor)",
    "quizzes/new/<int:module_pk>/": "a creation form",
    "questions/<int:pk>/duplicate/": "a POST action (copy the question)",
    "questions/<int:pk>/hide/": "a POST action",
    "questions/<int:pk>/unhide/": "a POST action",
    "quizzes/<int:pk>/builder/add/": "the builder's POST action (add questions)",
    "quizzes/<int:pk>/builder/random/": "the builder's POST action (add random questions)",
    "quizzes/<int:pk>/builder/breaks/": "the builder's POST action (page breaks)",
    "quizzes/<int:pk>/builder/repaginate/": "the builder's POST action",
    "quizzes/<int:pk>/builder/<int:slot_pk>/mark/": "the builder's POST action (a slot's mark)",
    "quizzes/<int:pk>/overrides/<int:override_pk>/": "an override's edit form",
    "quizzes/<int:pk>/regrade/": "the regrade form: the dry run and the regrade are POSTs",
    "quizzes/<int:pk>/start/": "a POST action (start or continue an attempt)",
    "attempts/<int:pk>/save/": "a POST action (save answers)",
    "attempts/<int:pk>/check/<int:slot>/": "a POST action (check one question)",
    "attempts/<int:pk>/submit/": "a POST action (submit the attempt)",
    "attempts/<int:pk>/reopen/": "a POST action",
    "attempts/<int:pk>/time": "the countdown's JSON poll of the seconds left (timed through attempt_take_page)",
    "api/v1/certificates/<int:pk>/pdf": "a file download (the certificate's PDF)",
    "certificates/<int:pk>/pdf/": "a file download (the certificate's PDF)",
    "certificates/<str:uuid_hex>/card.png": "an image (the share page's Open Graph card)",
    "certificates/<int:pk>/reissue/": "a POST action (print the certificate again)",
    "certificates/<int:pk>/recertify/": "a POST action (renew the certificate)",
    "badges/<int:pk>/image.png": "an image (the badge's picture)",
    "ob/v2/badges/<uuid:uid>/image": "an image (the badge's picture, public)",
    "ob/v2/assertions/<uuid:uid>/image": "an image (the baked PNG, made once and stored)",
    "ob/v2/assertions/<uuid:uid>/image.svg": "an image (the baked SVG)",
    "ob/v2/assertions/<uuid:uid>/signed": "a file (the signed assertion, a compact JWS)",
    "api/v1/badge-awards/<int:pk>/credential/image": "an image (the OB 3.0 VC-JWT baked into the PNG)",
    "api/v1/badge-awards/<int:pk>/credential/image.svg": "an image (the OB 3.0 VC-JWT baked into an SVG)",
    "badges/<int:pk>/status/": "a POST action (activate or archive the badge)",
    "badges/<int:pk>/award/": "a POST action (award the badge by hand)",
}
# Route patterns without a row: sign-in flows and the form pages and POST actions that write one object.
EXEMPT_PATTERNS = {
    r"^accounts/(?!profile/$)": "allauth's sign-in, sign-up, password and 2FA flows: forms, not reads",
    r"/(new|invite|edit|delete|remove|rename|move|reorder|publish|unpublish|archive|revert|withdraw|enroll|complete|"
    r"assign|due|revoke|deactivate|reactivate|resend-invitation|roles|members|upload|preview)/$": (
        "a form page or its POST action: creates or writes one object, not a list or detail read"
    ),
    r"^courses/<int:pk>/learn/<int:item_pk>/progress$": "the lesson player's progress POST",
    r"/content/new/<str:kind>/$": "a creation form",
}


def _normal(route: str) -> str:
    """A route as Django's resolver joins it: a regex include's leading `^` dropped."""
    return route.replace("/^", "/")


def _concrete(template: str) -> str:
    """A row's path with its placeholders filled so that it resolves: `{..._uid}` with a uuid (the public
    Open Badges URLs take uuids), any other with 1."""
    template = re.sub(r"\{[a-z_]+_uid\}", "00000000-0000-4000-8000-000000000000", template)
    return re.sub(r"\{[a-z_]+\}", "1", template).split("?", 1)[0]


def row_route(row: Row, urlconf: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return _normal(resolve(_concrete(row.path), urlconf=urlconf).route)
    except Resolver404:
        return None


def exemption(route: str) -> str | None:
    if route in EXEMPT:
        return EXEMPT[route]
    for pattern, reason in EXEMPT_PATTERNS.items():
        if re.search(pattern, route):
            return reason
    return None


def _reads(pattern) -> bool:
    """Whether a route answers GET: an API view class with `get`; any page (function views included) unless
    exempt."""
    view_class = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view_class is None:
        return True
    return hasattr(view_class, "get")


def uncovered(urlconf: str | None = None) -> list[str]:
    """GET routes of the tenant URLconf that no row reaches and no exemption names."""
    from django.conf import settings

    from tests.urls import routes

    urlconf = urlconf or settings.ROOT_URLCONF
    covered = {row_route(row, urlconf) for row in ROWS}
    missing = []
    for route, pattern in routes(urlconf):
        route = _normal(route)
        if route in covered or exemption(route) is not None or not _reads(pattern):
            continue
        missing.append(route)
    return sorted(set(missing))


def dead_rows(urlconf: str | None = None) -> list[str]:
    """Rows whose path resolves to no route (a renamed or removed endpoint)."""
    from django.conf import settings

    urlconf = urlconf or settings.ROOT_URLCONF
    return [row.name for row in ROWS if row_route(row, urlconf) in (None, "^api/")]


def list_rows() -> list[Row]:
    return [row for row in ROWS if row.kind == "list"]
