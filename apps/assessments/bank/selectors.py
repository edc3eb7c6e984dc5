"""Reads on the question bank, always scoped by the viewer (apps.assessments.permissions.bank_filter): Org
Admins see every bank (each course's and the organization's shared one), other authors the banks of the
courses they may edit, anyone else nothing. What the viewer may not see is not in the queryset, so pages and
the API answer 404 for it, as for what does not exist."""

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
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
