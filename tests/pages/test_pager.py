"""The pager every list shares (templates/org/includes/pager.html): page numbers around the current page with
ellipses, first/previous/next/last, and a "Go to page" form that keeps the list's filters. Out-of-range and
non-numeric pages answer the nearest real page, never a 500."""

import re
from html import unescape

import pytest
from django.http import QueryDict
from django_tenants.utils import schema_context

from apps.core.templatetags.pagination import build_pager, hidden_fields

PER_PAGE = 50  # apps/audit/views.py
PAGES = 201


@pytest.fixture
def many_entries(acme):
    """201 pages of audit entries (the provisioned ones and 10,050 of "branch.created")."""
    from apps.audit.models import AuditEntry

    with schema_context("acme"):
        existing = AuditEntry.objects.count()
        AuditEntry.objects.bulk_create(
            AuditEntry(
                action="branch.created", actor_email="bulk@acme.example.com", target_repr=f"Branch {n}"
            )
            for n in range(PER_PAGE * PAGES - existing)
        )
        assert AuditEntry.objects.count() == PER_PAGE * PAGES
        return PER_PAGE * PAGES - existing  # the bulk entries


def pager_of(body: str) -> str:
    match = re.search(r'<nav class="pager".*?</nav>', body, re.S)
    assert match, "no pager on the page"
    return match.group(0)


def numbers(pager: str) -> list[str]:
    """The window as shown on a wide screen: page numbers and "…", in order."""
    items = re.findall(r'<li class="pager-(num|gap)( [a-z-]+)?"[^>]*>(.*?)</li>', pager, re.S)
    shown = []
    for kind, extra, inner in items:
        if extra.strip() == "narrow-only":
            continue
        shown.append(
            "…" if kind == "gap" else re.sub(r"<span class=\"sr-only\">.*?</span>|<[^>]+>", "", inner)
        )
    return shown


def test_a_middle_page_shows_first_last_neighbours_and_ellipses(admin, many_entries):
    pager = pager_of(admin.get("/manage/audit/?page=100").content.decode())

    assert numbers(pager) == ["1", "…", "98", "99", "100", "101", "102", "…", "201"]
    assert '<a class="button is-current" href="?page=100" aria-current="page">' in pager
    assert pager.count('aria-current="page"') == 1
    assert 'href="?page=99" rel="prev"' in pager
    assert 'href="?page=101" rel="next"' in pager
    assert "Page 100 of 201" in pager


def test_the_first_and_last_pages_have_no_previous_or_next_link(admin, many_entries):
    first = pager_of(admin.get("/manage/audit/").content.decode())
    last = pager_of(admin.get("/manage/audit/?page=201").content.decode())

    assert numbers(first) == ["1", "2", "3", "…", "201"]
    assert 'rel="prev"' not in first
    assert 'href="?page=2" rel="next"' in first
    assert numbers(last) == ["1", "…", "199", "200", "201"]
    assert 'rel="next"' not in last
    assert '<a class="button is-current" href="?page=201" aria-current="page">' in last


def test_links_and_the_jump_form_keep_the_filters(admin, many_entries):
    body = admin.get("/manage/audit/?action=branch.created&actor=bulk%40acme&page=7").content.decode()
    pager = pager_of(body)

    bulk = many_entries
    pages = -(-bulk // PER_PAGE)
    assert f"{bulk} entries match the filters, showing 301\u2013350." in body
    assert 'href="?action=branch.created&amp;actor=bulk%40acme&amp;page=8" rel="next"' in pager
    form = re.search(r'<form method="get" class="pager-jump".*?</form>', pager, re.S).group(0)
    assert '<input type="hidden" name="action" value="branch.created">' in form
    assert '<input type="hidden" name="actor" value="bulk@acme">' in form
    assert 'type="hidden" name="page"' not in form
    assert f'<input type="number" id="pager-jump-page" name="page" min="1" max="{pages}"' in form
    assert '<label for="pager-jump-page">Go to page</label>' in form

    # Submitting the form is a GET with the hidden fields and the page typed.
    jumped = admin.get("/manage/audit/", {"action": "branch.created", "actor": "bulk@acme", "page": "150"})
    assert f"Page 150 of {pages}" in unescape(pager_of(jumped.content.decode()))
    assert f"{bulk} entries match the filters, showing 7451\u20137500." in jumped.content.decode()


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("9999", 201),
        ("abc", 1),
        ("-3", 201),
        ("0", 201),
        ("2.5", 1),
        ("", 1),
        ("99999999999999999999999", 201),
    ],
)
def test_out_of_range_or_odd_page_numbers_answer_a_real_page(admin, many_entries, page, shown):
    response = admin.get("/manage/audit/", {"page": page})

    assert response.status_code == 200
    assert f"Page {shown} of 201" in pager_of(response.content.decode())


@pytest.mark.parametrize(
    "path",
    [
        "/manage/people/",
        "/manage/branches/",
        "/manage/classes/",
        "/courses/",
        "/courses/teaching/",
        "/manage/audit/",
    ],
)
def test_every_list_answers_odd_page_numbers_without_an_error(admin, path):
    for page in ("9999", "abc", "-1", "1e3"):
        assert admin.get(path, {"page": page}).status_code == 200, (path, page)


def test_the_people_list_uses_the_same_pager(admin):
    from tests.pages.conftest import add_students

    add_students(60)  # 66 people, 3 pages of 25

    pager = pager_of(admin.get("/manage/people/?role=student&page=2").content.decode())

    assert numbers(pager) == ["1", "2", "3"]
    assert 'href="?role=student&amp;page=3" rel="next"' in pager
    assert '<input type="hidden" name="role" value="student">' in pager


def test_one_page_shows_no_pager(admin):
    body = admin.get("/manage/audit/").content.decode()

    assert '<nav class="pager"' not in body


def _window(number: int, count: int = PAGES, query: str = "") -> tuple[list, list]:
    from django.core.paginator import Paginator

    page = Paginator(range(count * 10), 10).page(number)
    pager = build_pager(page, QueryDict(query))
    wide = [link.number or "…" for link in pager.links if link.wide]
    narrow = [link.number or "…" for link in pager.links if link.narrow]
    return wide, narrow


def test_on_a_phone_the_window_collapses_to_first_current_and_last():
    assert _window(100) == ([1, "…", 98, 99, 100, 101, 102, "…", 201], [1, "…", 100, "…", 201])
    assert _window(1) == ([1, 2, 3, "…", 201], [1, "…", 201])
    assert _window(2) == ([1, 2, 3, 4, "…", 201], [1, 2, "…", 201])
    assert _window(4) == ([1, 2, 3, 4, 5, 6, "…", 201], [1, "…", 4, "…", 201])
    assert _window(200) == ([1, "…", 198, 199, 200, 201], [1, "…", 200, 201])
    assert _window(2, count=3) == ([1, 2, 3], [1, 2, 3])


def test_hidden_fields_keep_repeated_parameters_and_drop_the_page():
    assert hidden_fields(QueryDict("tag=a&tag=b&page=3&q=x+y")) == [("tag", "a"), ("tag", "b"), ("q", "x y")]
