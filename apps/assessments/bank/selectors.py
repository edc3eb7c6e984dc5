"""Reads on the question bank, always scoped by the viewer (apps.assessments.permissions.bank_filter): Org
Admins see every bank (each course's and the organization's shared one), other authors the banks of the
courses they may edit, anyone else nothing. What the viewer may not see is not in the queryset, so pages and
the API answer 404 for it, as for what does not exist."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    Field,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from apps.courses.models import Course, Tag

from ..models import Question, QuestionAttempt, QuestionCategory, QuestionVersion, Slot
from ..permissions import bank_filter, editable_course_ids


def _digits(pk) -> bool:
    return str(pk).isdigit() and len(str(pk)) < 12


def _count(queryset, field: str):
    """A correlated COUNT subquery (no join on the outer query, so rows never repeat)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


# --- categories ------------------------------------------------------------------------------------------


def category_list(*, viewer, course=None, shared: bool = False, parent=None) -> QuerySet[QuestionCategory]:
    """Categories the viewer may use, with `question_count` (questions not hidden), `hidden_count` and
    `child_count`; `course` narrows to one course's bank, `shared=True` to the organization's."""
    queryset = QuestionCategory.objects.filter(bank_filter(viewer)).select_related("course")
    if shared:
        queryset = queryset.filter(course__isnull=True)
    elif course is not None:
        queryset = queryset.filter(course_id=getattr(course, "pk", course))
    if parent is not None:
        queryset = queryset.filter(parent_id=getattr(parent, "pk", parent))
    return queryset.annotate(
        question_count=_count(Question.objects.filter(hidden=False), "category"),
        hidden_count=_count(Question.objects.filter(hidden=True), "category"),
        child_count=_count(QuestionCategory.objects.all(), "parent"),
    ).order_by("course_id", "name", "pk")


def category_get(*, viewer, pk) -> QuestionCategory | None:
    if not _digits(pk):
        return None
    return category_list(viewer=viewer).filter(pk=pk).first()


def category_tree_ids(category) -> list[int]:
    """The category's id and its descendants' ids (one recursive query)."""
    pk = getattr(category, "pk", category)
    table = connection.ops.quote_name(QuestionCategory._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE tree(id, depth) AS (
                SELECT id, 0 FROM {table} WHERE id = %s
                UNION ALL
                SELECT c.id, tree.depth + 1 FROM {table} c JOIN tree ON c.parent_id = tree.id
                WHERE tree.depth < 1000
            )
            SELECT DISTINCT id FROM tree
            """,  # noqa: S608 - the only interpolation is the model's own table name
            [pk],
        )
        return sorted(row[0] for row in cursor.fetchall())


def bank_courses(*, viewer) -> QuerySet[Course]:
    """The courses whose bank the viewer may use (for a new category's bank)."""
    return Course.objects.filter(pk__in=editable_course_ids(viewer)).order_by("title", "pk")


class CategoryNode:
    """A category in a bank's tree, with its children, for the bank page."""

    def __init__(self, category, depth: int = 0) -> None:
        self.category = category
        self.depth = depth
        self.children: list[CategoryNode] = []

    @property
    def total(self) -> int:
        return self.category.question_count + sum(child.total for child in self.children)


def category_tree(*, viewer) -> list[dict]:
    """[{"course": Course|None, "nodes": [CategoryNode, ...]}] per bank, the shared bank first, each
    bank's categories nested (one query)."""
    categories = list(category_list(viewer=viewer))
    nodes = {c.pk: CategoryNode(c) for c in categories}
    banks: dict = {}
    for category in categories:
        node = nodes[category.pk]
        parent = nodes.get(category.parent_id)
        if parent is not None:
            parent.children.append(node)
        else:
            bank = banks.setdefault(category.course_id, {"course": category.course, "nodes": []})
            bank["nodes"].append(node)

    def set_depth(node, depth):
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for bank in banks.values():
        for node in bank["nodes"]:
            set_depth(node, 0)
    ordered = sorted(
        banks.values(),
        key=lambda b: (b["course"] is not None, (b["course"].title.lower() if b["course"] else "")),
    )
    return ordered


# --- questions -------------------------------------------------------------------------------------------


def _tag_filter(tag) -> Q:
    if isinstance(tag, Tag):
        return Q(tags=tag)
    value = str(tag).strip()
    if _digits(value):
        return Q(tags__pk=int(value))
    return Q(tags__name__iexact=value)


def _questions_of(*, viewer, category, subcategories, tag, search, qtype, hidden) -> QuerySet[Question]:
    """The questions question_list filters (the viewer's banks and the list's filters), nothing loaded."""
    queryset = Question.objects.filter(bank_filter(viewer))
    if category is not None:
        pk = getattr(category, "pk", category)
        if subcategories:
            queryset = queryset.filter(category_id__in=category_tree_ids(pk))
        else:
            queryset = queryset.filter(category_id=pk)
    if tag not in (None, ""):
        queryset = queryset.filter(pk__in=Question.objects.filter(_tag_filter(tag)).values("pk"))
    search = " ".join(str(search or "").split())
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(latest_version__text__icontains=search))
    if qtype:
        queryset = queryset.filter(qtype=qtype)
    if hidden is not None:
        queryset = queryset.filter(hidden=hidden)
    return queryset


def question_list(
    *,
    viewer,
    category=None,
    subcategories: bool = False,
    tag=None,
    search: str = "",
    qtype: str | None = None,
    hidden: bool | None = False,
) -> QuerySet[Question]:
    """Questions of the banks the viewer may use, with their latest version, category and tags loaded and
    `slot_count` / `attempt_count` annotated. `hidden=False` (the default) leaves hidden questions out,
    `True` gives only them, `None` both."""
    queryset = _questions_of(
        viewer=viewer,
        category=category,
        subcategories=subcategories,
        tag=tag,
        search=search,
        qtype=qtype,
        hidden=hidden,
    )
    attempts = QuestionAttempt.objects.filter(question_version__question=OuterRef("pk")).order_by()
    return (
        queryset.select_related("latest_version", "category", "course")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .annotate(
            slot_count=_count(Slot.objects.all(), "question"),
            attempt_count=Coalesce(
                Subquery(
                    attempts.values("question_version__question").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .order_by("name", "pk")
    )


def question_get(*, viewer, pk) -> Question | None:
    """One question the viewer may use (hidden ones too), loaded as question_list loads them."""
    if not _digits(pk):
        return None
    return question_list(viewer=viewer, hidden=None).filter(pk=pk).first()


def version_list(*, question) -> QuerySet[QuestionVersion]:
    """The question's versions, newest first, with how many attempts were given each."""
    return (
        QuestionVersion.objects.filter(question=question)
        .select_related("created_by")
        .annotate(attempt_count=_count(QuestionAttempt.objects.all(), "question_version"))
        .order_by("-number")
    )


def tag_choices(*, viewer) -> QuerySet[Tag]:
    """Tags on questions the viewer may use (the bank page's filter)."""
    return Tag.objects.filter(pk__in=Question.objects.filter(bank_filter(viewer)).values("tags")).order_by(
        "name"
    )


# --- API reads (issue 11) ----------------------------------------------------------------------------------
# The API's lists and details read the same rows as the selectors above, scoped the same way, but load only
# the columns their serializers write, and count with plain correlated SQL (no subquery querysets built and
# compiled per request). The counts name the outer table, so these querysets are meant to be evaluated (one
# page, one object), never nested in another query: the shared selectors above are the ones to reuse.


def _one(queryset):
    """The queryset's first row or None, not ordered (it has one row at most: no ORDER BY to compile)."""
    return next(iter(queryset.order_by()[:1]), None)


def _quoted(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _raw(sql: str, output_field) -> RawSQL:
    return RawSQL(sql, (), output_field=output_field)  # noqa: S611 - the SQL names only tables and columns


def _raw_count(table: str, column: str, outer: str, where: str = "") -> RawSQL:
    """COUNT(*) of `table`'s rows whose `column` is the outer row's id (0 when none)."""
    return _raw(
        f'(SELECT COUNT(*) FROM {table} U WHERE U."{column}" = {outer}."id"{where})',  # noqa: S608
        IntegerField(),
    )


def _category_counts() -> dict:
    outer, questions = _quoted(QuestionCategory), _quoted(Question)
    return {
        "question_count": _raw_count(questions, "category_id", outer, ' AND NOT U."hidden"'),
        "hidden_count": _raw_count(questions, "category_id", outer, ' AND U."hidden"'),
        "child_count": _raw_count(outer, "parent_id", outer),
    }


CATEGORY_ROW_FIELDS = ("id", "course_id", "parent_id", "name", "description", "created_at")


def category_rows(*, viewer, course=None, shared: bool = False) -> QuerySet[QuestionCategory]:
    """category_list for the API: the same categories and counts, the course's id and title only."""
    queryset = QuestionCategory.objects.filter(bank_filter(viewer))
    if shared:
        queryset = queryset.filter(course__isnull=True)
    elif course is not None:
        queryset = queryset.filter(course_id=getattr(course, "pk", course))
    return (
        queryset.select_related("course")
        .only(*CATEGORY_ROW_FIELDS, "course__id", "course__title")
        .annotate(**_category_counts())
        .order_by("course_id", "name", "pk")
    )


def category_row(*, viewer, pk) -> QuestionCategory | None:
    if not _digits(pk):
        return None
    return _one(category_rows(viewer=viewer).filter(pk=pk))


# Read onto the question by prepared(): the latest version's columns (`version_<column>`).
VERSION_COLUMNS = ("number", "text", "general_feedback", "default_mark", "penalty", "hints", "data")
VERSION_SOURCES = tuple(f"version_{column}" for column in VERSION_COLUMNS)


def _question_sql() -> dict:
    outer = _quoted(Question)
    tags, through = _quoted(Tag), _quoted(Question.tags.through)
    attempts, versions = _quoted(QuestionAttempt), _quoted(QuestionVersion)
    attempt_count = (
        f'(SELECT COUNT(*) FROM {attempts} A INNER JOIN {versions} V ON A."question_version_id" = V."id" '  # noqa: S608
        f'WHERE V."question_id" = {outer}."id")'
    )
    tag_names = (
        f'ARRAY(SELECT T."name" FROM {tags} T INNER JOIN {through} QT ON QT."tag_id" = T."id" '  # noqa: S608
        f'WHERE QT."question_id" = {outer}."id" ORDER BY T."name")'
    )
    # The latest version's columns, in one scalar subquery (read only for the page's rows, no join), as a
    # JSON array: the mark as text (a JSON number would be a float), `hints` and `data` as stored.
    columns = ", ".join(f'V."{column}"' for column in VERSION_COLUMNS).replace(
        'V."default_mark"', 'V."default_mark"::text'
    )
    version_row = (
        f"(SELECT json_build_array({columns}) FROM {versions} V "  # noqa: S608
        f'WHERE V."id" = {outer}."latest_version_id")'
    )
    category_name = (
        f'(SELECT C."name" FROM {_quoted(QuestionCategory)} C WHERE C."id" = {outer}."category_id")'  # noqa: S608
    )
    course_title = f'(SELECT C."title" FROM {_quoted(Course)} C WHERE C."id" = {outer}."course_id")'  # noqa: S608
    return {
        "category_name": _raw(category_name, CharField()),
        "course_title": _raw(course_title, CharField()),
        "version_row": _raw(version_row, Field()),
        "slot_count": _raw_count(_quoted(Slot), "question_id", outer),
        "attempt_count": _raw(attempt_count, IntegerField()),
        "tag_names": _raw(tag_names, ArrayField(CharField())),
    }


class Brief:
    """A related row's id and name (or title), for the API's nested objects."""

    def __init__(self, **values) -> None:
        self.__dict__.update(values)


def prepared(questions):
    """question_rows' evaluated questions, ready for the API: `category_brief` (id, name) and `course_brief`
    (id, title, or None), one per category and course, and the latest version's `version_<column>`s (none
    for a question without one, as when they were read through an absent `latest_version`: the API then
    leaves those fields out)."""
    mark = VERSION_COLUMNS.index("default_mark")
    categories: dict = {}
    courses: dict = {None: None}
    for question in questions:
        category = categories.get(question.category_id)
        if category is None:
            category = categories[question.category_id] = Brief(
                id=question.category_id, name=question.category_name
            )
        question.category_brief = category
        course = courses.get(question.course_id)
        if course is None and question.course_id is not None:
            course = courses[question.course_id] = Brief(id=question.course_id, title=question.course_title)
        question.course_brief = course
        row = question.__dict__.pop("version_row", None)
        if row is not None:
            row[mark] = Decimal(row[mark])
            question.__dict__.update(zip(VERSION_SOURCES, row, strict=True))
    return questions


def question_rows(
    *,
    viewer,
    category=None,
    subcategories: bool = False,
    tag=None,
    search: str = "",
    qtype: str | None = None,
    hidden: bool | None = False,
) -> QuerySet[Question]:
    """question_list for the API: the same questions, counts and tags (names, in `tag_names`), with the
    category's name, the course's title and the latest version's columns (pass the evaluated rows through
    prepared()), in one query, no join."""
    queryset = _questions_of(
        viewer=viewer,
        category=category,
        subcategories=subcategories,
        tag=tag,
        search=search,
        qtype=qtype,
        hidden=hidden,
    )
    return queryset.annotate(**_question_sql()).order_by("name", "pk")


def question_row(*, viewer, pk) -> Question | None:
    """question_get for the API."""
    if not _digits(pk):
        return None
    return _one(question_rows(viewer=viewer, hidden=None).filter(pk=pk))


def question_visible(*, viewer, pk) -> bool:
    """Whether the viewer may use question `pk` (hidden ones too)."""
    return _digits(pk) and Question.objects.filter(bank_filter(viewer), pk=pk).exists()


VERSION_ROW_FIELDS = (
    "id",
    "question_id",
    "number",
    "qtype",
    "name",
    "text",
    "general_feedback",
    "default_mark",
    "penalty",
    "hints",
    "data",
    "created_by_id",
    "created_at",
)


def version_rows(*, viewer, question_id: int) -> QuerySet[QuestionVersion]:
    """version_list for the API, scoped by the viewer (no rows: the question is not one the viewer may use,
    or has no versions; see question_visible): the author's name only (`created_by_name`); pass the
    evaluated rows through prepared_versions()."""
    if not _digits(question_id):
        return QuestionVersion.objects.none()
    return (
        QuestionVersion.objects.filter(bank_filter(viewer, field="question__course"), question_id=question_id)
        .only(*VERSION_ROW_FIELDS)
        .annotate(
            created_by_name=F("created_by__full_name"),
            question_latest_version_id=F("question__latest_version_id"),
            attempt_count=_raw_count(
                _quoted(QuestionAttempt), "question_version_id", _quoted(QuestionVersion)
            ),
        )
        .order_by("-number")
    )


def prepared_versions(versions):
    """version_rows' evaluated versions, ready for the API: `latest` (whether it is its question's latest)
    and `author_brief` (the author's id and full name, or None), one per author."""
    authors: dict = {None: None}
    for version in versions:
        version.latest = version.pk == version.question_latest_version_id
        author = authors.get(version.created_by_id)
        if author is None and version.created_by_id is not None:
            author = authors[version.created_by_id] = Brief(
                id=version.created_by_id, full_name=version.created_by_name
            )
        version.author_brief = author
    return versions
