"""Reads on courses, content, enrollments and progress, always scoped by the viewer: what the viewer may not
know of is not in the queryset, so views answer 404 for it, as for what does not exist."""

from dataclasses import dataclass
from functools import cache

from django.db import connections
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.accounts.selectors import visible_people

from .models import (
    Category,
    ContentItem,
    ContentVersion,
    Course,
    Enrollment,
    EnrollmentRule,
    ItemProgress,
    MediaFile,
    Module,
    Tag,
)
from .permissions import can_edit

Status = Course.Status


def _digits(pk) -> bool:
    return str(pk).isdigit()


def _one(queryset):
    """The row of a queryset filtered on its primary key, or None: first() without the ORDER BY it adds
    (compiled against every selected column) for a single row."""
    return next(iter(queryset.order_by()[:1]), None)


def _org_wide():
    return ~Exists(Course.branches.through.objects.filter(course_id=OuterRef("pk")))


def _in_branches(branch_ids):
    return Exists(Course.branches.through.objects.filter(course_id=OuterRef("pk"), branch_id__in=branch_ids))


class _FragmentSql(Expression):
    """An SQL text whose `{name}`s are columns of the outer row (`names`, `columns`: F() paths), rendered
    under whatever alias the query gives them, with `params` bound."""

    template: str
    params: list
    names: list[str]
    columns: list

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        columns = {
            name: compiler.compile(column)[0] for name, column in zip(self.names, self.columns, strict=True)
        }
        return self.template.format(**columns), self.params


class CourseSql(_FragmentSql):
    """An SQL fragment over the outer course row, its text rendered once per process (from the models'
    _meta) and its values bound as parameters: what every course list repeats (who may see a course, its
    counts) costs a format() to compile instead of building, resolving and compiling a subquery each time.
    `{pk}`, `{status}` and `{owner}` stand for the row's columns, under whatever alias the query gives the
    course (also inside a subquery); with `prefix` ("course__"), the columns of the row's course."""

    COLUMNS = {"pk": "id", "status": "status", "owner": "owner_id"}

    def __init__(self, template: str, params=(), output_field=None, prefix: str = ""):
        super().__init__(output_field=output_field or BooleanField())
        self.template, self.params = template, list(params)
        # Only the columns the fragment names (each one resolved costs a join path); the course's id of a
        # row's course is the row's own `course_id`.
        self.names = [name for name in self.COLUMNS if "{" + name + "}" in template]
        self.columns = [
            F(
                f"{prefix[:-2]}_id"
                if name == "pk" and prefix.count("__") == 1
                else prefix + self.COLUMNS[name]
            )
            for name in self.names
        ]


class RowSql(_FragmentSql):
    """An SQL fragment over columns of the outer row, as CourseSql but naming its own: `columns` maps each
    `{name}` of the template to a path of the row (rendered under the query's alias)."""

    def __init__(self, template: str, columns: dict[str, str], params=(), output_field=None):
        super().__init__(output_field=output_field)
        self.template, self.params = template, list(params)
        self.names = list(columns)
        self.columns = [F(path) for path in columns.values()]


@cache
def _time_spent_sql() -> str:
    table, column = ItemProgress._meta.db_table, ItemProgress._meta.get_field("time_spent_seconds").column
    return (
        f'(SELECT COALESCE(SUM(ls_p."{column}"), 0) FROM "{table}" ls_p '  # noqa: S608
        'WHERE ls_p."user_id" = {user} AND ls_p."course_id" = {course})'
    )


def time_spent(*, user: str = "user_id", course: str = "course_id") -> RowSql:
    """The seconds the row's learner spent on the row's course (the sum over their lessons' progress, 0
    without any), as a column."""
    return RowSql(_time_spent_sql(), {"user": user, "course": course}, output_field=IntegerField())


@cache
def _course_sql() -> dict[str, str]:
    """The fragments, from the models' table and column names (nothing user-given is formatted in)."""

    def table(model):
        return f'"{model._meta.db_table}"'

    def through(name):
        field = Course._meta.get_field(name)
        return (
            table(field.remote_field.through),
            f'"{field.m2m_column_name()}"',
            f'"{field.m2m_reverse_name()}"',
        )

    branches, branch_course, branch_id = through("branches")
    teachers, teacher_course, teacher_id = through("co_teachers")
    tags, tag_course, tag_id = through("tags")
    enrollments = table(Enrollment)

    def count(model, where: str = "") -> str:
        return f'(SELECT COUNT(*) FROM {table(model)} ls_n WHERE ls_n."course_id" = {{pk}}{where})'  # noqa: S608

    def mine(column: str) -> str:
        return (
            f'(SELECT ls_m."{column}" FROM {enrollments} ls_m '  # noqa: S608
            'WHERE ls_m."course_id" = {pk} AND ls_m."user_id" = %s)'
        )

    in_branches = (
        f"EXISTS (SELECT 1 FROM {branches} ls_b WHERE ls_b.{branch_course} = {{pk}} "  # noqa: S608
        f"AND ls_b.{branch_id} = ANY(%s))"
    )
    return {
        # _visibility(): published and (organization-wide or in one of the viewer's branches), or owned,
        # co-taught, or enrolled in and not a draft.
        "visible": (
            f"({{status}} = %s AND (NOT EXISTS (SELECT 1 FROM {branches} ls_b "  # noqa: S608
            f"WHERE ls_b.{branch_course} = {{pk}}) OR {in_branches})) "
            "OR {owner} = %s "
            f"OR EXISTS (SELECT 1 FROM {teachers} ls_t WHERE ls_t.{teacher_course} = {{pk}} "
            f"AND ls_t.{teacher_id} = %s) "
            f'OR (EXISTS (SELECT 1 FROM {enrollments} ls_e WHERE ls_e."course_id" = {{pk}} '
            'AND ls_e."user_id" = %s) AND {status} <> %s)'
        ),
        "in_branches": in_branches,
        # _editable(): owned or co-taught; with managed branches, also every branch of it one of those.
        "editable": (
            "{owner} = %s "  # noqa: S608
            f"OR EXISTS (SELECT 1 FROM {teachers} ls_t WHERE ls_t.{teacher_course} = {{pk}} "
            f"AND ls_t.{teacher_id} = %s)"
        ),
        "managed_only": (
            f"({in_branches} AND NOT EXISTS (SELECT 1 FROM {branches} ls_x "  # noqa: S608
            f"WHERE ls_x.{branch_course} = {{pk}} AND NOT (ls_x.{branch_id} = ANY(%s))))"
        ),
        # The search's tag condition (Django's name__icontains, as it renders it for PostgreSQL).
        "tag_search": (
            f'EXISTS (SELECT 1 FROM {tags} ls_g JOIN {table(Tag)} ls_r ON ls_r."id" = ls_g.{tag_id} '  # noqa: S608
            f'WHERE ls_g.{tag_course} = {{pk}} AND UPPER(ls_r."name"::text) LIKE UPPER(%s))'
        ),
        "module_count": count(Module),
        "item_count": count(ContentItem, ' AND ls_n."published_version_id" IS NOT NULL'),
        "enrollment_count": count(Enrollment, ' AND ls_n."status" <> %s'),
        "my_status": mine("status"),
        "my_progress": mine("progress_percent"),
    }


def _visibility(viewer, prefix: str = "") -> Expression | None:
    """The courses `viewer` may know of, as a filter (None: every course); with `prefix` ("course__"), the
    rows whose course they may know of (the course joined, not a subquery of visible courses)."""
    scope = scope_of(viewer)
    if scope.is_org_admin:
        return None
    if scope.user_id is None:
        return Q(pk__in=[])
    sql, uid = _course_sql(), scope.user_id
    params = [Status.PUBLISHED, sorted(scope.member_branch_ids), uid, uid, uid, Status.DRAFT]
    template = sql["visible"]
    if scope.managed_branch_ids:
        template += " OR " + sql["in_branches"]
        params.append(sorted(scope.managed_branch_ids))
    return CourseSql(f"({template})", params, prefix=prefix)


def _count_per_course(queryset):
    """How many rows of `queryset` belong to each course, as a correlated subquery (0 when none)."""
    counted = (
        queryset.filter(course_id=OuterRef("pk"))
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _visible_ids(viewer):
    """The pks of the courses the viewer may know of, as an unordered subquery (a course list's default
    ordering would make the database sort them for nothing), or None for every course (an Org Admin: a
    filter on a row's non-null course would keep every row, and costs a subquery to compile and plan)."""
    visibility = _visibility(viewer)
    if visibility is None:
        return None
    return Subquery(Course.objects.filter(visibility).order_by().values("pk"))


def course_visibility_filter(viewer, prefix: str = "") -> Expression | None:
    """For other apps' rows of a course (`prefix` "course__", the course joined): the filter that keeps the
    rows whose course the viewer may know of; None when that is every course (Org Admins)."""
    return _visibility(viewer, prefix)


def course_editable_filter(scope, prefix: str = "") -> "CourseSql":
    """For other apps' rows of a course (`prefix` "course__"): the filter that keeps the rows whose course a
    non-admin `scope` may change (permissions.can_edit)."""
    return _editable(scope, prefix)


def visible_courses(*, viewer) -> QuerySet[Course]:
    """The courses the viewer may know of, bare (no counts, no lists): what filters on other rows use
    (`course_id__in=visible_courses(viewer=viewer).values("pk")`), cheaper to build than course_list()."""
    visibility = _visibility(viewer)
    return Course.objects.all() if visibility is None else Course.objects.filter(visibility)


class CourseQuerySet(QuerySet):
    """Courses that bring their tags, branches, co-teachers and prerequisites (the model's tag_list,
    branch_list, co_teacher_list and prerequisite_list) in one more query for all the rows fetched, however
    many: a list reads four relations without four prefetch querysets to build and compile.
    `prefetch_related(None)` drops them, as it drops prefetches. `with_refs()` brings the category and the
    owner in that same query too (id and names only, in place of two joined rows of every column)."""

    _with_lists = True
    _with_refs = False
    _counts_for: int | None = None  # the viewer's user id when the counts come with the lists

    def _clone(self):
        clone = super()._clone()
        clone._with_lists = self._with_lists
        clone._with_refs = self._with_refs
        clone._counts_for = self._counts_for
        return clone

    def with_refs(self):
        """The category (id, name, slug) and the owner (id, full_name) read with the lists, not joined: what
        the API's course serializer shows of them. Other fields of theirs would each cost a query."""
        clone = self.select_related(None)
        clone._with_refs = True
        return clone

    def prefetch_related(self, *lookups):
        clone = super().prefetch_related(*lookups)
        if lookups == (None,):
            clone._with_lists = False
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._with_lists and self._iterable_class is ModelIterable:
            attach_course_lists(
                self._result_cache, using=self.db, refs=self._with_refs, counts_for=self._counts_for
            )


def _partial(model, using: str, values: dict):
    """A `model` instance with only `values` loaded (the other fields deferred), as .only() makes them."""
    row = [values[f.attname] for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(using, list(values), row)


def _course_lists_sql(refs: bool, counts: bool) -> str:
    from apps.accounts.models import User
    from apps.hierarchy.models import Branch

    def through(name):
        field = Course._meta.get_field(name)
        return field.remote_field.through._meta.db_table, field.m2m_column_name(), field.m2m_reverse_name()

    tags, branches, teachers, prerequisites = (
        through(name) for name in ("tags", "branches", "co_teachers", "prerequisites")
    )
    # Table and column names come from the models' _meta; the course ids are bound parameters.
    parts = [
        f'SELECT 0, m."{tags[1]}", r.id, r.name, NULL FROM "{tags[0]}" m '  # noqa: S608
        f'JOIN "{Tag._meta.db_table}" r ON r.id = m."{tags[2]}" WHERE m."{tags[1]}" = ANY(%s)',
        f'SELECT 1, m."{branches[1]}", r.id, r.name, r.code FROM "{branches[0]}" m '  # noqa: S608
        f'JOIN "{Branch._meta.db_table}" r ON r.id = m."{branches[2]}" WHERE m."{branches[1]}" = ANY(%s)',
        f'SELECT 2, m."{teachers[1]}", r.id, r.full_name, r.email FROM "{teachers[0]}" m '  # noqa: S608
        f'JOIN "{User._meta.db_table}" r ON r.id = m."{teachers[2]}" WHERE m."{teachers[1]}" = ANY(%s)',
        f'SELECT 3, m."{prerequisites[1]}", m."{prerequisites[2]}", NULL, NULL FROM "{prerequisites[0]}" m '  # noqa: S608
        f'WHERE m."{prerequisites[1]}" = ANY(%s)',
    ]
    if refs:
        course = Course._meta.db_table
        owner, category = (Course._meta.get_field(name).column for name in ("owner", "category"))
        parts += [
            f'SELECT 4, c.id, r.id, r.full_name, NULL FROM "{course}" c '  # noqa: S608
            f'JOIN "{User._meta.db_table}" r ON r.id = c."{owner}" WHERE c.id = ANY(%s)',
            f'SELECT 5, c.id, r.id, r.name, r.slug FROM "{course}" c '  # noqa: S608
            f'JOIN "{Category._meta.db_table}" r ON r.id = c."{category}" WHERE c.id = ANY(%s)',
        ]
    if counts:
        # course_list()'s counts and the viewer's enrollment (_course_counts), for the fetched courses only.
        def count(kind: int, model, where: str = "") -> str:
            return (
                f'SELECT {kind}, n."course_id", COUNT(*), NULL, NULL FROM "{model._meta.db_table}" n '  # noqa: S608
                f'WHERE n."course_id" = ANY(%s){where} GROUP BY n."course_id"'
            )

        parts += [
            count(6, Module),
            count(7, ContentItem, ' AND n."published_version_id" IS NOT NULL'),
            count(8, Enrollment, ' AND n."status" <> %s'),
            f'SELECT 9, e."course_id", e."progress_percent", e."status", NULL FROM "{Enrollment._meta.db_table}" e '  # noqa: S608
            'WHERE e."course_id" = ANY(%s) AND e."user_id" = %s',
        ]
    return " UNION ALL ".join(parts)


_COURSE_LISTS_SQL: dict[tuple[bool, bool], str] = {}
COUNT_NAMES = ("module_count", "item_count", "enrollment_count")


def attach_course_lists(
    courses: list[Course], *, using: str = "default", refs: bool = False, counts_for: int | None = None
) -> None:
    """Set prefetched_tags, _branches, _co_teachers and _prerequisites on `courses` in one query, ordered
    as the models order them (tags and branches by name, people by email, prerequisites by id); with `refs`,
    also their category (id, name, slug) and owner (id, full_name); with `counts_for` (a user id, 0 for
    none), also the counts and the enrollment of that user that course_list() would annotate."""
    if not courses:
        return
    from apps.accounts.models import User
    from apps.hierarchy.models import Branch

    counts = counts_for is not None
    sql = _COURSE_LISTS_SQL.get((refs, counts))
    if sql is None:
        sql = _COURSE_LISTS_SQL[refs, counts] = _course_lists_sql(refs, counts)
    ids = [course.pk for course in courses]
    params = [ids] * (6 if refs else 4)
    if counts:
        params += [ids, ids, ids, Enrollment.Status.WITHDRAWN, ids, counts_for]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    lists = {course.pk: ([], [], [], [], [], []) for course in courses}
    if counts:
        by_pk = {course.pk: course for course in courses}
        for course in courses:
            course.module_count = course.item_count = course.enrollment_count = 0
            course.my_enrollment_status = course.my_progress = None
    for kind, course_id, pk, name, extra in rows:
        if kind >= 6:
            course = by_pk[course_id]
            if kind == 9:
                course.my_enrollment_status, course.my_progress = name, pk
            else:
                setattr(course, COUNT_NAMES[kind - 6], pk)
            continue
        if kind == 0:
            related = _partial(Tag, using, {"id": pk, "name": name})
        elif kind == 1:
            related = _partial(Branch, using, {"id": pk, "name": name, "code": extra})
        elif kind == 2:
            related = _partial(User, using, {"id": pk, "email": extra, "full_name": name})
        elif kind == 3:
            related = _partial(Course, using, {"id": pk})
        elif kind == 4:
            related = _partial(User, using, {"id": pk, "full_name": name})
        else:
            related = _partial(Category, using, {"id": pk, "name": name, "slug": extra})
        lists[course_id][kind].append(related)
    if refs:
        owner, category = Course.owner.field, Course.category.field
    for course in courses:
        tags, branches, teachers, prerequisites, owners, categories = lists[course.pk]
        if refs:
            owner.set_cached_value(course, owners[0] if owners else None)
            category.set_cached_value(course, categories[0] if categories else None)
        course.prefetched_tags = sorted(tags, key=lambda tag: (tag.name, tag.pk))
        course.prefetched_branches = sorted(branches, key=lambda branch: (branch.name, branch.pk))
        course.prefetched_co_teachers = sorted(teachers, key=lambda person: (person.email, person.pk))
        course.prefetched_prerequisites = sorted(prerequisites, key=lambda prerequisite: prerequisite.pk)


def _course_counts(user_id) -> dict:
    """The counts every course list shows and the viewer's own enrollment (CourseSql: rendered once)."""
    sql = _course_sql()
    number = IntegerField()
    return {
        "module_count": CourseSql(sql["module_count"], output_field=number),
        "item_count": CourseSql(sql["item_count"], output_field=number),
        "enrollment_count": CourseSql(
            sql["enrollment_count"], [Enrollment.Status.WITHDRAWN], output_field=number
        ),
        "my_enrollment_status": CourseSql(sql["my_status"], [user_id], output_field=CharField()),
        "my_progress": CourseSql(sql["my_progress"], [user_id], output_field=number),
    }


def course_list(
    *,
    viewer,
    search: str = "",
    category=None,
    tag=None,
    branch=None,
    status: str | None = None,
    catalog: bool = False,
    counts: bool = True,
) -> QuerySet[Course]:
    """Courses the viewer may see, with what lists show (category, tags, branches, co-teachers,
    prerequisites, counts) in a constant number of queries. `catalog` keeps only published courses (what
    learners browse). Without `counts`, the counts come with the lists query (for a list that neither
    filters nor sorts on them)."""
    scope = scope_of(viewer)
    queryset = CourseQuerySet(Course)
    visibility = _visibility(viewer)
    if visibility is not None:
        queryset = queryset.filter(visibility)
    if catalog:
        queryset = queryset.filter(status=Status.PUBLISHED)
    elif status:
        queryset = queryset.filter(status=status)
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(
            Q(title__icontains=search)
            | Q(summary__icontains=search)
            | CourseSql(
                _course_sql()["tag_search"], [f"%{connections[queryset.db].ops.prep_for_like_query(search)}%"]
            )
        )
    if category not in (None, ""):
        key = str(category)
        queryset = (
            queryset.filter(category_id=int(key))
            if key.isdigit()
            else queryset.filter(category__slug__iexact=key)
        )
    if tag not in (None, ""):
        key = str(tag)
        tag_filter = Q(pk=int(key)) if key.isdigit() else Q(name__iexact=key)
        queryset = queryset.filter(Exists(Tag.objects.filter(tag_filter, courses=OuterRef("pk"))))
    if branch not in (None, "") and _digits(branch):
        queryset = queryset.filter(_in_branches([int(branch)]) | _org_wide())
    queryset = queryset.select_related("category", "owner")
    if not counts:
        # Read with the lists, for the fetched courses only (neither filtered nor sorted on, then).
        queryset._counts_for = scope.user_id or 0
        return queryset
    return queryset.annotate(**_course_counts(scope.user_id or 0))


def catalog_filters(*, viewer) -> tuple[QuerySet[Tag], QuerySet]:
    """What the catalog's filters offer the viewer, lean (no counts): the tags of the published courses they
    may browse (a draft's tags say nothing to learners), and their branches (Org Admins: every branch)."""
    from apps.hierarchy.models import Branch

    visibility = _visibility(viewer)
    browsable = Course.objects.filter(status=Status.PUBLISHED)
    if visibility is not None:
        browsable = browsable.filter(visibility)
    tags = Tag.objects.filter(Exists(browsable.filter(tags=OuterRef("pk")))).order_by("name", "pk")
    scope = scope_of(viewer)
    branches = (
        Branch.objects.all() if scope.is_org_admin else Branch.objects.filter(pk__in=scope.member_branch_ids)
    )
    return tags, branches.order_by("name", "pk")


def course_get(*, viewer, pk) -> Course | None:
    return _one(course_list(viewer=viewer).filter(pk=pk)) if _digits(pk) else None


def course_show(*, viewer, pk) -> Course | None:
    """course_get() for the API's course serializer: its category and owner read with its lists, not joined
    (CourseQuerySet.with_refs)."""
    return _one(course_list(viewer=viewer).with_refs().filter(pk=pk)) if _digits(pk) else None


def course_find(*, viewer, pk) -> Course | None:
    """The course if the viewer may know of it, bare (no counts, no lists): for reads that only need to
    know it is theirs to see (its enrollments, its progress), in one lean query."""
    return _one(visible_courses(viewer=viewer).filter(pk=pk)) if _digits(pk) else None


def course_find_editable(*, viewer, pk) -> Course | None:
    """course_find() with `viewer_edits`, viewer_can_edit() computed as a column of the same query: for lists
    of the course's rows that differ for its editors (modules, media), one query where the course and its
    lists (co-teachers, branches) would be two."""
    if not _digits(pk):
        return None
    scope = scope_of(viewer)
    if scope.user_id is None:
        edits = Value(False)
    elif scope.is_org_admin:
        edits = Value(True)
    else:
        edits = Case(When(_editable(scope), then=Value(True)), default=Value(False))
    return _one(visible_courses(viewer=viewer).annotate(viewer_edits=edits).filter(pk=pk))


def viewer_can_edit(viewer, course) -> bool:
    return can_edit(scope_of(viewer), course)


def _editable(scope, prefix: str = "") -> "CourseSql":
    """The courses `scope` may change, as a filter on Course, or on rows of a course through `prefix`
    ("course__") (permissions.can_edit, for a non-admin): owned or co-taught, or every branch of the course
    one they manage (an organization-wide course has none: not theirs)."""
    sql, uid = _course_sql(), scope.user_id or 0
    template, params = sql["editable"], [uid, uid]
    if scope.managed_branch_ids:
        managed = sorted(scope.managed_branch_ids)
        template += " OR " + sql["managed_only"]
        params += [managed, managed]
    return CourseSql(f"({template})", params, prefix=prefix)


def course_list_editable(*, viewer, search: str = "", status: str | None = None) -> QuerySet[Course]:
    """The courses the viewer may change (drafts included), as course_list() annotates them: what a
    teacher's "Teaching" list shows. The same rule as permissions.can_edit, as a filter."""
    scope = scope_of(viewer)
    queryset = course_list(viewer=viewer, search=search, status=status)
    if scope.is_org_admin:
        return queryset
    return queryset.filter(_editable(scope))


def _shown_title(scope, *, latest: str, published: str):
    """The lesson title the viewer is shown, as an expression over the paths given, on rows with a `course`:
    editors of the course its latest version's (`latest`), everyone else its published version's
    (`published`). Lists annotate it, so that filters and sorts on a title use only what the viewer sees."""
    if scope.is_org_admin:
        return F(latest)
    return Case(
        When(_editable(scope, prefix="course__"), then=F(latest)),
        default=F(published),
        output_field=CharField(),
    )


def course_outline(*, course: Course, viewer, as_learner: bool | None = None) -> list[Module]:
    """The course's modules with their items (and each item's shown version) in two queries. Learners
    (and editors previewing with as_learner=True) get published items only, with the published version."""
    if as_learner is None:
        as_learner = not viewer_can_edit(viewer, course)
    items = ContentItem.objects.filter(course=course).order_by("position", "pk")
    if as_learner:
        items = items.filter(published_version__isnull=False).select_related(
            "published_version", "published_version__media"
        )
    else:
        items = items.select_related("latest_version", "latest_version__media", "published_version")
    modules = list(
        Module.objects.filter(course=course)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("items", items))
    )
    for module in modules:
        for item in module.items.all():
            item.shown_version = item.published_version if as_learner else item.latest_version
            item.shown_title = item.shown_version.title if item.shown_version else item.title
    if as_learner:
        modules = [module for module in modules if module.items.all()]
    return modules


def _edits(scope):
    """Whether the viewer edits the row's course (permissions.can_edit), as a column."""
    if scope.user_id is None:
        return Value(False)
    if scope.is_org_admin:
        return Value(True)
    return Case(
        When(_editable(scope, prefix="course__"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def content_page(*, viewer, titles: bool = True) -> QuerySet[ContentItem]:
    """content_list() for one page of the API's list, lean: no joined rows (the planner's time grows with
    each join, ten of them cost more than the rows), and `viewer_edits` as a column, so that
    attach_shown_versions() fetches only the versions each row shows, in one query. Without `titles`, no
    `shown_title` (for a request that neither filters nor sorts on the title: nothing else reads it)."""
    scope = scope_of(viewer)
    queryset = _content_scoped(viewer, scope)
    if titles:
        queryset = queryset.annotate(
            shown_title=_shown_title(scope, latest="title", published="published_version__title")
        )
    return queryset.annotate(viewer_edits=_edits(scope)).order_by(*ContentItem._meta.ordering)


_VERSIONS_SQL: list[str] = []


def _versions_with_media(ids: list[int], *, using: str) -> dict[int, ContentVersion]:
    """ContentVersion.objects.filter(pk__in=ids).select_related("media"), by pk, as one SQL text rendered
    once per process from the models' _meta (ids bound as a parameter) and loaded with the fields' own
    converters, as the ORM loads them: a page's versions without building and compiling a queryset."""
    connection = connections[using]
    version_fields, media_fields = ContentVersion._meta.concrete_fields, MediaFile._meta.concrete_fields
    if not _VERSIONS_SQL:
        columns = [f'v."{f.column}"' for f in version_fields] + [f'm."{f.column}"' for f in media_fields]
        media = ContentVersion._meta.get_field("media").column
        _VERSIONS_SQL.append(
            f'SELECT {", ".join(columns)} FROM "{ContentVersion._meta.db_table}" v '  # noqa: S608
            f'LEFT JOIN "{MediaFile._meta.db_table}" m ON m."{MediaFile._meta.pk.column}" = v."{media}" '
            f'WHERE v."{ContentVersion._meta.pk.column}" = ANY(%s)'
        )
    fields = [*version_fields, *media_fields]
    converters = [
        (i, field, connection.ops.get_db_converters(field) + field.get_db_converters(connection))
        for i, field in enumerate(fields)
    ]
    converters = [(i, field, chain) for i, field, chain in converters if chain]
    with connection.cursor() as cursor:
        cursor.execute(_VERSIONS_SQL[0], [ids])
        rows = cursor.fetchall()
    split, media_names = len(version_fields), [f.attname for f in media_fields]
    version_names = [f.attname for f in version_fields]
    media_pk = media_names.index(MediaFile._meta.pk.attname)
    cache_media = ContentVersion._meta.get_field("media").set_cached_value
    versions = {}
    for row in rows:
        row = list(row)
        for i, field, chain in converters:
            for converter in chain:
                row[i] = converter(row[i], field, connection)
        version = ContentVersion.from_db(using, version_names, row[:split])
        media_row = row[split:]
        cache_media(
            version,
            MediaFile.from_db(using, media_names, media_row) if media_row[media_pk] is not None else None,
        )
        versions[version.pk] = version
    return versions


def attach_shown_versions(items: list[ContentItem]) -> None:
    """Set `shown_version` (and, for editors, the latest and published versions) on content_page() rows, in
    one query with their media: editors see the latest version, everyone else the published one."""
    wanted = set()
    for item in items:
        if item.viewer_edits:
            wanted.update((item.latest_version_id, item.published_version_id))
        else:
            wanted.add(item.published_version_id)
    wanted.discard(None)
    versions = _versions_with_media(sorted(wanted), using=items[0]._state.db) if wanted else {}
    for item in items:
        if item.published_version_id is not None:
            item.published_version = versions[item.published_version_id]
        if item.viewer_edits:
            if item.latest_version_id is not None:
                item.latest_version = versions[item.latest_version_id]
            item.shown_version = item.latest_version
        else:
            item.shown_version = item.published_version


def _content_scoped(viewer, scope) -> QuerySet[ContentItem]:
    """The content items the viewer may see (content_list()'s rule), bare."""
    if scope.is_org_admin:
        return ContentItem.objects.all()
    editable = _editable(scope, prefix="course__")
    return ContentItem.objects.filter(
        _visibility(viewer, prefix="course__"),
        editable | Q(published_version__isnull=False, course__status=Status.PUBLISHED),
    )


def content_list(*, viewer, course=None, module=None, kind: str | None = None) -> QuerySet[ContentItem]:
    """Content items the viewer may see: every item of courses they edit, published items of the other
    courses they can see. `shown_title` is the title the viewer is shown (the published version's, unless
    they edit the course): what a filter or a sort on the title must use."""
    scope = scope_of(viewer)
    queryset = _content_scoped(viewer, scope).annotate(
        shown_title=_shown_title(scope, latest="title", published="published_version__title")
    )
    if course is not None:
        queryset = queryset.filter(course=course)
    if module is not None:
        queryset = queryset.filter(module=module)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.select_related(
        "module", "course", "latest_version", "published_version", "latest_version__author"
    ).order_by("course_id", "module__position", "module_id", "position", "pk")


def content_get(*, viewer, pk) -> ContentItem | None:
    return _one(content_list(viewer=viewer).filter(pk=pk)) if _digits(pk) else None


def content_show(*, viewer, pk) -> ContentItem | None:
    """content_get() for the API's content serializer, with `viewer_edits` and the version the viewer is
    shown (attach_shown_versions), in two lean queries: no module, course or author joined, and the
    viewer's editing decided in SQL rather than from the course's co-teachers and branches."""
    if not _digits(pk):
        return None
    item = _one(content_page(viewer=viewer, titles=False).filter(pk=pk))
    if item is not None:
        attach_shown_versions([item])
    return item


def content_find(*, viewer, pk, media: bool = False) -> ContentItem | None:
    """The item if the viewer may see it (content_get()'s rule), with its course only (no versions, module,
    author or shown title, no ordering): for reads of the item's rows (its versions, its media), a query the
    database plans in a fraction of content_get()'s time. With `media`, also `latest_media_id` and
    `published_media_id`: the files its latest and published versions show (None without)."""
    if not _digits(pk):
        return None
    queryset = _content_scoped(viewer, scope_of(viewer)).filter(pk=pk).select_related("course")
    if media:
        queryset = queryset.annotate(
            latest_media_id=F("latest_version__media_id"), published_media_id=F("published_version__media_id")
        )
    return _one(queryset)


def module_course_id(pk) -> int | None:
    """The id of the module's course (None: no such module), not yet knowing whether the viewer sees it."""
    if not _digits(pk):
        return None
    return next(iter(Module.objects.filter(pk=pk).order_by().values_list("course_id", flat=True)[:1]), None)


def module_get(*, viewer, pk) -> Module | None:
    if not _digits(pk):
        return None
    module = _one(Module.objects.select_related("course").filter(pk=pk))
    if module is None or course_get(viewer=viewer, pk=module.course_id) is None:
        return None
    return module


def version_list(*, item: ContentItem) -> QuerySet[ContentVersion]:
    return item.versions.select_related("author", "media").order_by("-number")


def version_get(*, item: ContentItem, number) -> ContentVersion | None:
    return version_list(item=item).filter(number=number).first() if _digits(number) else None


def media_list(*, viewer, course=None, item=None) -> QuerySet[MediaFile]:
    courses = _visible_ids(viewer)
    queryset = MediaFile.objects.all() if courses is None else MediaFile.objects.filter(course_id__in=courses)
    if course is not None:
        queryset = queryset.filter(course=course)
    if item is not None:
        queryset = queryset.filter(item=item)
    return queryset.select_related("uploaded_by", "course")


def course_media(*, course: Course) -> QuerySet[MediaFile]:
    """The files of a course the caller is known to see (found through the selectors), with their uploader:
    media_list() without its visibility filter (already decided) and without joining the course."""
    return only_related(MediaFile.objects.filter(course_id=course.pk), {"uploaded_by": PERSON})


def media_for_download(*, viewer, pk) -> MediaFile | None:
    """A media file the viewer may download: editors of its course any; others only files of a published
    item's published version (or course-level files) of a course they can see."""
    if not _digits(pk):
        return None
    media = _one(MediaFile.objects.select_related("course", "item").filter(pk=pk))
    if media is None:
        return None
    course = course_get(viewer=viewer, pk=media.course_id)
    if course is None:
        return None
    return media if _media_open(media, course, edits=viewer_can_edit(viewer, course)) else None


def media_show(*, viewer, pk) -> MediaFile | None:
    """media_for_download() for showing the file's details (MediaSerializer): with its uploader, and its
    course read with viewer_can_edit() as a column (course_find_editable: one query, not the course and its
    lists)."""
    if not _digits(pk):
        return None
    media = _one(MediaFile.objects.select_related("uploaded_by").filter(pk=pk))
    if media is None:
        return None
    course = course_find_editable(viewer=viewer, pk=media.course_id)
    if course is None:
        return None
    return media if _media_open(media, course, edits=course.viewer_edits) else None


def _media_open(media: MediaFile, course: Course, *, edits: bool) -> bool:
    """Whether a viewer who sees `course` (and edits it, or not) may open `media`, one of its files."""
    if edits:
        return True
    if course.status == Status.DRAFT:
        return False
    if media.item_id is None:
        return True
    # Shown by a published lesson: the one it was uploaded with, or another lesson of the course that uses it.
    return ContentItem.objects.filter(course_id=media.course_id, published_version__media=media).exists()


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(course_count=Count("courses", distinct=True))


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.annotate(course_count=Count("courses", distinct=True))


# --- enrollments and progress --------------------------------------------------------------------------------


@cache
def _deferred(model, keep: tuple) -> tuple[str, ...]:
    """The fields of the relations in `keep` ((path, names) pairs) that are not named: what to defer."""
    deferred = []
    for path, names in keep:
        related = model
        for step in path.split("__"):
            related = related._meta.get_field(step).related_model
        wanted = {*names, related._meta.pk.name}
        deferred += [f"{path}__{f.name}" for f in related._meta.concrete_fields if f.name not in wanted]
    return tuple(deferred)


def only_related(queryset, keep: dict[str, tuple[str, ...]]):
    """`queryset` joining exactly the relations named in `keep`, each with only the named fields (and its
    pk) loaded: for API lists that show a few fields of each (a user's password, a course's description and
    every date-time parsed for nothing otherwise). Another field of theirs would cost a query per row."""
    deferred = _deferred(queryset.model, tuple((path, tuple(names)) for path, names in keep.items()))
    return queryset.select_related(None).select_related(*keep).defer(*deferred)


def share(relation: str, instance):
    """A `prepare` for ScopedApiView.listing(): every row's `relation` is `instance`, already at hand (the
    person or course the list is of), in place of one joined copy per row."""

    def prepare(rows) -> None:
        for row in rows:
            row._meta.get_field(relation).set_cached_value(row, instance)

    return prepare


PERSON = ("full_name",)
LEARNER = ("full_name", "email")
COURSE_REF = ("title", "slug", "status")


def _learners_filter(viewer) -> Q:
    """Rows of the learners the viewer may see, as a filter on `user_id` (a learner alone: `user_id =`)."""
    scope = scope_of(viewer)
    if not scope.managed_branch_ids and not scope.teaching_class_ids:
        return Q(user_id=scope.user_id or 0)
    return Q(user_id__in=Subquery(visible_people(viewer=viewer).values("pk")))


def enrollment_list(*, viewer, course=None, user=None, status: str | None = None) -> QuerySet[Enrollment]:
    """Enrollments of the learners the viewer may see (themselves at least)."""
    scope = scope_of(viewer)
    queryset = Enrollment.objects.all()
    if not scope.is_org_admin:
        queryset = queryset.filter(_learners_filter(viewer))
        queryset = queryset.filter(_visibility(viewer, prefix="course__"))
    if course is not None:
        queryset = queryset.filter(course=course)
    if user is not None:
        queryset = queryset.filter(user=user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("course", "user", "assigned_by", "course__category")


def enrollment_rule_list(*, viewer, course) -> QuerySet[EnrollmentRule]:
    """The course's class and branch rules that the viewer may know of: Org Admins all; others the rules of
    the classes they teach or learn in, and of the branches they belong to (and their classes)."""
    scope = scope_of(viewer)
    queryset = EnrollmentRule.objects.filter(course=course)
    if not scope.is_org_admin:
        queryset = queryset.filter(
            Q(school_class_id__in=scope.class_ids)
            | Q(school_class__branch_id__in=scope.managed_branch_ids)
            | Q(branch_id__in=scope.member_branch_ids)
        )
    return queryset.select_related("school_class", "school_class__branch", "branch", "created_by").order_by(
        "branch__name", "school_class__branch__name", "school_class__name", "pk"
    )


def enrollment_rule_get(*, viewer, course, pk) -> EnrollmentRule | None:
    return _one(enrollment_rule_list(viewer=viewer, course=course).filter(pk=pk)) if _digits(pk) else None


def enrollment_get(*, viewer, course, pk) -> Enrollment | None:
    return _one(enrollment_list(viewer=viewer, course=course).filter(pk=pk)) if _digits(pk) else None


def my_learning(*, viewer) -> QuerySet[Enrollment]:
    """The viewer's own enrollments, due first, with the next lesson to open."""
    return (
        Enrollment.objects.filter(user=viewer)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .exclude(course__status=Status.DRAFT)
        .select_related("course", "course__category")
        .order_by(F("due_at").asc(nulls_last=True), "-last_activity_at", "-enrolled_at")
    )


def active_enrollment(*, user, course) -> Enrollment | None:
    return (
        Enrollment.objects.filter(user=user, course=course)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .first()
    )


def _progress_in_scope(*, viewer, user=None, course=None) -> QuerySet[ItemProgress]:
    """Progress rows of the learners and courses the viewer may see (every lesson's, for sums)."""
    scope = scope_of(viewer)
    queryset = ItemProgress.objects.all()
    if not scope.is_org_admin:
        queryset = queryset.filter(_learners_filter(viewer))
        queryset = queryset.filter(_visibility(viewer, prefix="course__"))
    if user is not None:
        queryset = queryset.filter(user=user)
    if course is not None:
        queryset = queryset.filter(course=course)
    return queryset


def progress_list(*, viewer, user=None, course=None) -> QuerySet[ItemProgress]:
    """Progress per lesson, as the viewer may see it: on lessons of courses they edit, and on the published
    lessons of the others (a lesson taken back is not shown to learners), each with `item_title`, the
    lesson's title as the viewer is shown it."""
    scope = scope_of(viewer)
    queryset = _progress_in_scope(viewer=viewer, user=user, course=course)
    if not scope.is_org_admin:
        queryset = queryset.filter(
            _editable(scope, prefix="course__") | Q(item__published_version__isnull=False)
        )
    return (
        queryset.annotate(
            item_title=_shown_title(scope, latest="item__title", published="item__published_version__title")
        )
        .select_related("item", "course", "user")
        .order_by("course_id", "item__position", "item_id")
    )


def progress_page(*, viewer, user) -> QuerySet[ItemProgress]:
    """progress_list() of one person for the API's list (ItemProgressSerializer), lean: their rows, with
    what the serializer shows of each course, and the lesson's kind and module as columns (`item_kind`,
    `item_module`) in place of a joined lesson. The person is set on the rows by share("user", user)."""
    return only_related(progress_list(viewer=viewer, user=user), {"course": COURSE_REF}).annotate(
        item_kind=F("item__kind"), item_module=F("item__module_id")
    )


def progress_by_item(*, user, course) -> dict[int, ItemProgress]:
    return {p.item_id: p for p in ItemProgress.objects.filter(user=user, course=course)}


def resume_item(*, user, course, outline: list[Module]) -> ContentItem | None:
    """Where the learner left off: the most recently touched unfinished item, else the first unfinished one,
    else the first item."""
    items = [item for module in outline for item in module.items.all()]
    if not items:
        return None
    progress = progress_by_item(user=user, course=course)
    unfinished = [item for item in items if not (progress.get(item.pk) and progress[item.pk].is_completed)]
    touched = [item for item in unfinished if item.pk in progress]
    if touched:
        return max(touched, key=lambda item: progress[item.pk].updated_at)
    return unfinished[0] if unfinished else items[0]


@dataclass(frozen=True)
class CourseAnalytics:
    enrolled: int
    active: int
    completed: int
    withdrawn: int
    completion_rate: float
    average_progress: float
    time_spent_seconds: int
    by_branch: list[dict]
    by_class: list[dict]


def _group(queryset, id_field: str, name_field: str, key: str) -> list[dict]:
    # Each enrollment once per group, even when its learner has several roles there (two classes of one
    # branch): the join repeats rows, which would weigh that learner's progress twice in an SQL average.
    rows = (
        queryset.order_by().values_list(id_field, name_field, "pk", "status", "progress_percent").distinct()
    )
    groups: dict[int, tuple[str, dict[int, tuple[str, int]]]] = {}
    for group_id, name, pk, status, percent in rows:
        if group_id is not None:
            groups.setdefault(group_id, (name, {}))[1][pk] = (status, percent)
    result = []
    for group_id, (name, enrollments) in sorted(groups.items(), key=lambda kv: (kv[1][0].lower(), kv[0])):
        enrolled = len(enrollments)
        completed = sum(1 for status, _ in enrollments.values() if status == Enrollment.Status.COMPLETED)
        result.append(
            {
                "id": group_id,
                key: name,
                "enrolled": enrolled,
                "completed": completed,
                "completion_rate": round(completed / enrolled, 4),
                "average_progress": round(sum(p for _, p in enrollments.values()) / enrolled, 1),
            }
        )
    return result


def course_analytics(*, viewer, course) -> CourseAnalytics:
    """Enrollment count, completion rate and average progress of the learners the viewer may see, overall and
    by the branch and class in which they learn."""
    enrollments = enrollment_list(viewer=viewer, course=course).order_by()
    totals = enrollments.aggregate(
        all=Count("pk"),
        withdrawn=Count("pk", filter=Q(status=Enrollment.Status.WITHDRAWN)),
        completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
        active=Count("pk", filter=Q(status=Enrollment.Status.ACTIVE)),
        average=Avg("progress_percent", filter=~Q(status=Enrollment.Status.WITHDRAWN)),
    )
    current = enrollments.exclude(status=Enrollment.Status.WITHDRAWN)
    enrolled = totals["all"] - totals["withdrawn"]
    scope = scope_of(viewer)
    # One filter() per grouping, so every condition applies to the same role-assignment row.
    as_student = Q(user__role_assignments__role=RoleAssignment.Role.STUDENT)
    if not scope.is_org_admin:
        as_student &= (
            Q(user__role_assignments__school_class_id__in=scope.teaching_class_ids)
            | Q(user__role_assignments__branch_id__in=scope.managed_branch_ids)
            | Q(user_id=scope.user_id)
        )
    by_class_qs = current.filter(as_student & Q(user__role_assignments__school_class__isnull=False))
    by_branch_qs = current.filter(as_student)
    time_spent = (
        _progress_in_scope(viewer=viewer, course=course)
        .order_by()
        .aggregate(total=Sum("time_spent_seconds"))["total"]
        or 0
    )
    return CourseAnalytics(
        enrolled=enrolled,
        active=totals["active"],
        completed=totals["completed"],
        withdrawn=totals["withdrawn"],
        completion_rate=round(totals["completed"] / enrolled, 4) if enrolled else 0.0,
        average_progress=round(float(totals["average"] or 0), 1),
        time_spent_seconds=time_spent,
        by_branch=_group(
            by_branch_qs, "user__role_assignments__branch_id", "user__role_assignments__branch__name", "name"
        ),
        by_class=_group(
            by_class_qs,
            "user__role_assignments__school_class_id",
            "user__role_assignments__school_class__name",
            "name",
        ),
    )
