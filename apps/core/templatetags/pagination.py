"""The pager every list page shares: `{% load pagination %}{% pager page as pager %}` (in
templates/org/includes/pager.html) gives the links around the current page and the fields a "Go to page"
form must carry so that a jump keeps the list's filters, search and sort.

The window is Django's `Paginator.get_elided_page_range`: the first and last page always, the current page
with `ON_EACH_SIDE` neighbours, and an ellipsis for each gap. Links keep every other query parameter of the
request. Out-of-range or non-numeric page numbers are the views' business (`Paginator.get_page` clamps them
to the nearest real page), so the pager only ever sees a real page."""

from dataclasses import dataclass

from django import template
from django.core.paginator import Page

register = template.Library()

ON_EACH_SIDE = 2
ON_ENDS = 1
PAGE_PARAM = "page"


@dataclass(frozen=True)
class PageLink:
    """One item of the window: a page number, or an ellipsis (`number` None). On a narrow screen the window
    collapses to the first page, the current one and the last (`narrow`), with an ellipsis of its own for
    each gap; the wide window's items that are not part of it are `wide`-only."""

    number: int | None
    url: str = ""
    current: bool = False
    wide: bool = True
    narrow: bool = True

    @property
    def is_gap(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class Pager:
    number: int
    num_pages: int
    links: list[PageLink]
    first_url: str
    last_url: str
    previous_url: str | None
    next_url: str | None
    hidden_fields: list[tuple[str, str]]  # (name, value) of every query parameter except the page

    @property
    def is_first(self) -> bool:
        return self.number == 1

    @property
    def is_last(self) -> bool:
        return self.number == self.num_pages


def hidden_fields(query, *, exclude: str = PAGE_PARAM) -> list[tuple[str, str]]:
    """Every (name, value) of a QueryDict (repeated names included, in order) except `exclude`."""
    return [(name, value) for name, values in query.lists() if name != exclude for value in values]


def page_url(query, number: int, *, param: str = PAGE_PARAM) -> str:
    """`?…` with `param` set to `number` and every other parameter of `query` kept."""
    query = query.copy()
    query[param] = str(number)
    return "?" + query.urlencode()


def build_pager(page: Page, query, *, on_each_side: int = ON_EACH_SIDE, on_ends: int = ON_ENDS) -> Pager:
    paginator, number = page.paginator, page.number
    last = paginator.num_pages
    links = []
    for item in paginator.get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends):
        if item == paginator.ELLIPSIS:
            links.append(PageLink(None, narrow=False))
            continue
        links.append(PageLink(item, page_url(query, item), item == number, narrow=item in (1, number, last)))
        if item == 1 and number > 2:
            links.append(PageLink(None, wide=False))  # the narrow window's gap between 1 and the current
        if item == number and last - number > 1:
            links.append(PageLink(None, wide=False))  # and between the current page and the last
    return Pager(
        number=number,
        num_pages=paginator.num_pages,
        links=links,
        first_url=page_url(query, 1),
        last_url=page_url(query, paginator.num_pages),
        previous_url=page_url(query, page.previous_page_number()) if page.has_previous() else None,
        next_url=page_url(query, page.next_page_number()) if page.has_next() else None,
        hidden_fields=hidden_fields(query),
    )


@register.simple_tag(takes_context=True)
def pager(context, page: Page) -> Pager | None:
    """The pager for `page` of the list the request shows; None when there is only one page."""
    if page is None or not page.has_other_pages():
        return None
    request = context.get("request")
    query = request.GET if request is not None else _empty_query()
    return build_pager(page, query)


def _empty_query():
    from django.http import QueryDict

    return QueryDict()
