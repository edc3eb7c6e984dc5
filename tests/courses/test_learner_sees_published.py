"""Learners see, filter and sort lessons only by their published versions, everywhere: the API (content,
outline, modules, progress, enrollments) and the pages (catalog, course page, my learning, the player and
its messages). A draft's title or body, and a lesson that has no published version, never reach them;
editors of the course keep seeing the latest version.

The course: "Algebra Basics" of teacher@, lessons 1.1, 1.2, 2.1, 2.2 published. Then teacher@ saves a draft
of lesson 1.1 (new title and body), adds a lesson they do not publish, and takes back lesson 2.2 (which
student@ had opened).
"""

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses import services
from apps.courses.models import ContentItem
from tests.api.helpers import assert_ok
from tests.conftest import browser_for, client_for, in_org, jwt_for

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Zeta secret draft title"
DRAFT_BODY = "Unreleased answer key"
UNPUBLISHED_TITLE = "Alpha lesson nobody published"
PUBLISHED = ["Lesson 1.1", "Lesson 1.2", "Lesson 2.1"]
SECRETS = (DRAFT_TITLE, DRAFT_BODY, UNPUBLISHED_TITLE, "Lesson 2.2")


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def items_of(acme, course) -> dict[str, ContentItem]:
    """The course's lessons by their published title (or, unpublished, their latest one)."""
    with in_org(acme):
        items = ContentItem.objects.filter(course=course).select_related("published_version")
        return {(i.published_version.title if i.published_version else i.title): i for i in items}


@pytest.fixture
def drafted(acme, acme_course, acme_teacher, acme_student):
    """student@ enrolled, done with 1.1 and 2.2; then the teacher's draft of 1.1, an unpublished lesson and
    2.2 taken back."""
    items = items_of(acme, acme_course)
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        for title in ("Lesson 1.1", "Lesson 2.2"):
            services.progress_record(actor=acme_student, item=items[title], completed=True)
        services.content_update(
            actor=acme_teacher, item=items["Lesson 1.1"], title=DRAFT_TITLE, body=DRAFT_BODY, note="draft"
        )
        module = items["Lesson 1.1"].module
        services.content_create(
            actor=acme_teacher, module=module, kind="text", title=UNPUBLISHED_TITLE, body=DRAFT_BODY
        )
        services.content_unpublish(actor=acme_teacher, item=items["Lesson 2.2"])
    return acme_course


def titles(rows) -> list[str]:
    return [row["title"] for row in rows]


# --- progress listings --------------------------------------------------------------------------------------


def test_a_learners_progress_listing_names_lessons_by_their_published_title(acme, acme_student, drafted):
    rows = assert_ok(api(acme, acme_student).get(f"/api/v1/users/{acme_student.pk}/progress"))

    assert [row["item"]["title"] for row in rows] == ["Lesson 1.1"]
    assert [row["completed"] for row in rows] == [True]


def test_an_editor_sees_the_learners_progress_with_the_latest_titles(
    acme, acme_teacher, acme_student, drafted
):
    rows = assert_ok(api(acme, acme_teacher).get(f"/api/v1/users/{acme_student.pk}/progress"))

    assert sorted(row["item"]["title"] for row in rows) == sorted([DRAFT_TITLE, "Lesson 2.2"])


def test_a_learners_progress_filtered_by_a_lesson_taken_back_is_empty(acme, acme_student, drafted):
    taken_back = items_of(acme, drafted)["Lesson 2.2"]

    rows = assert_ok(
        api(acme, acme_student).get(
            f"/api/v1/users/{acme_student.pk}/progress", {"filter[item]": taken_back.pk}
        )
    )

    assert rows == []


# --- content: filters and sort -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"filter[title][like]": "secret"},
        {"filter[title][ilike]": "ZETA%"},
        {"filter[title]": DRAFT_TITLE},
        {"filter[title][like]": "nobody published"},
    ],
)
def test_a_learner_cannot_find_a_lesson_by_a_title_they_were_never_shown(acme, acme_student, drafted, params):
    rows = assert_ok(api(acme, acme_student).get("/api/v1/content", params))

    assert rows == []


def test_a_learner_finds_a_lesson_by_its_published_title(acme, acme_student, drafted):
    client = api(acme, acme_student)

    exact = assert_ok(client.get("/api/v1/content", {"filter[title]": "Lesson 1.1"}))
    like = assert_ok(client.get("/api/v1/content", {"filter[title][ilike]": "lesson 1."}))

    assert titles(exact) == ["Lesson 1.1"]
    assert titles(like) == ["Lesson 1.1", "Lesson 1.2"]


def test_a_learner_sorts_lessons_by_their_published_titles(acme, acme_student, drafted):
    client = api(acme, acme_student)

    ascending = assert_ok(client.get("/api/v1/content", {"sort": "title"}))
    descending = assert_ok(client.get("/api/v1/content", {"sort": "-title"}))

    assert titles(ascending) == PUBLISHED
    assert titles(descending) == PUBLISHED[::-1]


def test_an_editor_filters_and_sorts_on_the_latest_titles(acme, acme_teacher, drafted):
    client = api(acme, acme_teacher)

    found = assert_ok(client.get("/api/v1/content", {"filter[title][like]": "secret"}))
    ordered = assert_ok(client.get("/api/v1/content", {"sort": "title", "filter[course]": drafted.pk}))

    assert titles(found) == [DRAFT_TITLE]
    assert titles(ordered) == [UNPUBLISHED_TITLE, "Lesson 1.2", "Lesson 2.1", "Lesson 2.2", DRAFT_TITLE]


# --- every answer a learner gets ----------------------------------------------------------------------------


def learner_api_paths(acme, course, student) -> list[str]:
    items = items_of(acme, course)
    with in_org(acme):
        module = items["Lesson 1.1"].module_id
    paths = [
        "/api/v1/courses",
        f"/api/v1/courses/{course.pk}",
        f"/api/v1/courses/{course.pk}/content",
        f"/api/v1/courses/{course.pk}/modules",
        f"/api/v1/modules/{module}",
        f"/api/v1/courses/{course.pk}/progress",
        f"/api/v1/courses/{course.pk}/enrollments",
        f"/api/v1/users/{student.pk}/progress",
        f"/api/v1/users/{student.pk}/enrollments",
        "/api/v1/content",
        "/api/v1/content?sort=-title",
    ]
    for item in items.values():
        paths += [f"/api/v1/content/{item.pk}", f"/api/v1/content/{item.pk}/progress"]
    return paths


def test_no_answer_to_a_learner_mentions_a_draft_or_an_unpublished_lesson(acme, acme_student, drafted):
    client = api(acme, acme_student)

    answers = {path: client.get(path) for path in learner_api_paths(acme, drafted, acme_student)}

    assert {path: r.status_code for path, r in answers.items() if r.status_code not in (200, 404)} == {}
    leaks = {
        path: secret for path, r in answers.items() for secret in SECRETS if secret in r.content.decode()
    }
    assert leaks == {}
    outline = assert_ok(answers[f"/api/v1/courses/{drafted.pk}/content"])
    assert [titles(module["items"]) for module in outline] == [["Lesson 1.1", "Lesson 1.2"], ["Lesson 2.1"]]


def routes(prefixes: tuple[str, ...]) -> list[str]:
    """Every route of the organization's URLconf under `prefixes` (with their `<int:...>` parameters)."""
    from django.conf import settings

    from tests.urls import routes as all_routes

    return [
        route
        for route, _ in all_routes(settings.ROOT_URLCONF)
        if route.startswith(prefixes) and "(?" not in route
    ]


def filled(route: str, ids: dict[str, list[int]]) -> list[str]:
    """`route` with each id parameter set to each id of its kind: named by the parameter (`item_pk`) or by
    the path before it (`courses/<pk>`: the course), else those of `any`."""
    parts = re.split(r"<int:(\w+)>", route)  # text, name, text, name, ..., text
    texts, names = parts[0::2], parts[1::2]
    pools = []
    for text, name in zip(texts, names, strict=False):
        kind = text.rstrip("/").split("/")[-1]
        pools.append(ids.get(name) or ids.get(kind) or ids["any"])
    paths = []
    for values in itertools.product(*pools):
        pieces = [text + str(value) for text, value in zip(texts, values, strict=False)]
        paths.append("/" + "".join(pieces) + texts[-1])
    return paths


def test_no_route_shows_a_learner_a_draft_or_an_unpublished_lesson(acme, acme_student, drafted):
    """Every GET route of the API and of the course pages, present and future, with the ids of the course,
    its modules and lessons and the learner: nothing a learner is sent names a draft."""
    items = [item.pk for item in items_of(acme, drafted).values()]
    with in_org(acme):
        modules = sorted(set(ContentItem.objects.filter(course=drafted).values_list("module_id", flat=True)))
        enrollment = drafted.enrollments.get(user=acme_student).pk
    ids = {
        "courses": [drafted.pk],
        "content": items,
        "item_pk": items,
        "modules": modules,
        "module_pk": modules,
        "users": [acme_student.pk],
        "organizations": [acme.pk],
        "enrollments": [enrollment],
        "enrollment_id": [enrollment],
        "enrollment_pk": [enrollment],
        "number": [1, 2],
        "any": [enrollment],  # media, rules, classes, branches, roles: no lesson text
    }
    client, browser = api(acme, acme_student), browser_for(acme, acme_student)

    leaks, errors, opened = [], {}, 0
    for route in routes(("api/v1/", "courses/", "learning/")):
        for path in filled(route, ids):
            answer = (client if route.startswith("api/") else browser).get(path)
            opened += answer.status_code == 200
            if answer.status_code >= 500 or answer.status_code == 429:
                errors[path] = answer.status_code
            text = answer.content.decode(errors="replace") if not answer.streaming else ""
            leaks += [(path, secret) for secret in SECRETS if secret in text]

    assert errors == {}
    assert leaks == []
    assert opened > 20


def test_the_learners_content_and_progress_listings_cost_the_same_for_more_lessons(
    acme, acme_teacher, acme_student, drafted
):
    client = api(acme, acme_student)

    def cost() -> tuple[int, int]:
        counts = []
        for path in ("/api/v1/content", f"/api/v1/users/{acme_student.pk}/progress"):
            with CaptureQueriesContext(connection) as captured:
                assert_ok(client.get(path))
            counts.append(len(captured))
        return tuple(counts)

    cost()  # the first request of a test warms caches
    few = cost()
    with in_org(acme):
        module = items_of(acme, drafted)["Lesson 1.2"].module
        for n in range(6):
            item = services.content_create(actor=acme_teacher, module=module, kind="text", title=f"More {n}")
            services.content_update(actor=acme_teacher, item=item, title=f"More {n} v2", body="x")
        services.course_publish(actor=acme_teacher, course=drafted)
        for item in ContentItem.objects.filter(course=drafted, title__startswith="More"):
            services.progress_record(actor=acme_student, item=item, completed=True)

    assert cost() == few


# --- pages --------------------------------------------------------------------------------------------------


def page_paths(acme, course) -> list[str]:
    items = items_of(acme, course)
    return [
        "/courses/",
        "/courses/?q=Algebra",
        f"/courses/{course.pk}/",
        "/learning/",
        "/",
        *[f"/courses/{course.pk}/learn/{items[title].pk}/" for title in PUBLISHED],
    ]


def test_no_page_a_learner_opens_mentions_a_draft_or_an_unpublished_lesson(acme, acme_student, drafted):
    browser = browser_for(acme, acme_student)

    pages = {path: browser.get(path) for path in page_paths(acme, drafted)}
    resumed = browser.get(f"/courses/{drafted.pk}/learn/", follow=True)

    assert {path: r.status_code for path, r in pages.items()} == dict.fromkeys(pages, 200)
    assert resumed.status_code == 200
    pages["resume"] = resumed
    leaks = {path: secret for path, r in pages.items() for secret in SECRETS if secret in r.content.decode()}
    assert leaks == {}
    assert "Lesson 1.1" in pages[f"/courses/{drafted.pk}/"].content.decode()


def test_an_unpublished_lesson_does_not_open_in_the_player(acme, acme_student, drafted):
    hidden = items_of(acme, drafted)[UNPUBLISHED_TITLE]

    response = browser_for(acme, acme_student).get(f"/courses/{drafted.pk}/learn/{hidden.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("completed", ["true", "false"])
def test_marking_a_lesson_names_it_by_its_published_title(acme, acme_student, drafted, completed):
    lesson = items_of(acme, drafted)["Lesson 1.1"]
    browser = browser_for(acme, acme_student)

    response = browser.post(
        f"/courses/{drafted.pk}/learn/{lesson.pk}/complete/", {"completed": completed}, follow=True
    )

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any(message.startswith("Lesson 1.1 is ") for message in shown), shown
    assert DRAFT_TITLE not in response.content.decode()


def test_an_editor_still_sees_the_draft_on_the_course_page(acme, acme_teacher, drafted):
    page = browser_for(acme, acme_teacher).get(f"/courses/{drafted.pk}/")

    assert page.status_code == 200
    assert DRAFT_TITLE in page.content.decode()
    assert UNPUBLISHED_TITLE in page.content.decode()


def test_every_lesson_listing_filters_and_sorts_on_the_title_the_viewer_is_shown():
    """A guard for views to come: an API list of lessons that filters or sorts on `title` maps it to the
    selectors' `shown_title`, never to ContentItem.title (the latest version's, drafts included)."""
    from django.conf import settings

    from tests.urls import view_classes

    wrong, checked = set(), set()
    for view in view_classes(settings.ROOT_URLCONF):
        serializer = getattr(view, "serializer_class", None)
        if getattr(getattr(serializer, "Meta", None), "model", None) is not ContentItem:
            continue
        named = {*getattr(view, "filter_fields", {}), *getattr(view, "sort_fields", [])}
        if "title" in named:
            checked.add(view.__name__)
            if getattr(view, "filter_paths", {}).get("title") != "shown_title":
                wrong.add(view.__name__)

    assert wrong == set()
    assert "ContentListView" in checked
