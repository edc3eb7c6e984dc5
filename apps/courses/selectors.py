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


def _org_wide():
    return ~Exists(Course.branches.through.objects.filter(course_id=OuterRef("pk")))


def _in_branches(branch_ids):
    return Exists(Course.branches.through.objects.filter(course_id=OuterRef("pk"), branch_id__in=branch_ids))


class CourseSql(Expression):
    """An SQL fragment over the outer course row, its text rendered once per process (from the models'
    _meta) and its values bound as parameters: what every course list repeats (who may see a course, its
    counts) costs a format() to compile instead of building, resolving and compiling a subquery each time.
    `{pk}`, `{status}` and `{owner}` stand for the row's columns, under whatever alias the query gives the
    course (also inside a subquery); with `prefix` ("course__"), the columns of the row's course."""

    COLUMNS = ("id", "status", "owner_id")

    def __init__(self, template: str, params=(), output_field=None, prefix: str = ""):
        super().__init__(output_field=output_field or BooleanField())
        self.template, self.params = template, list(params)
        self.columns = [F(prefix + name) for name in self.COLUMNS]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        pk, status, owner = (compiler.compile(column)[0] for column in self.columns)
        return self.template.format(pk=pk, status=status, owner=owner), self.params


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
        "module_count": count(Module),
        "item_count": count(ContentItem, ' AND ls_n."published_version_id" IS NOT NULL'),
        "enrollment_count": count(Enrollment, ' AND ls_n."status" <> %s'),
        "my_status": mine("status"),
        "my_progress": mine("progress_percent"),
    }


def _visibility(viewer) -> Expression | None:
    """The courses `viewer` may know of, as a filter (None: every course)."""
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
    return CourseSql(f"({template})", params)


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


def visible_courses(*, viewer) -> QuerySet[Course]:
    """The courses the viewer may know of, bare (no counts, no lists): what filters on other rows use
    (`course_id__in=visible_courses(viewer=viewer).values("pk")`), cheaper to build than course_list()."""
    visibility = _visibility(viewer)
    return Course.objects.all() if visibility is None else Course.objects.filter(visibility)


class CourseQuerySet(QuerySet):
    """Courses that bring their tags, branches, co-teachers and prerequisites (the model's tag_list,
    branch_list, co_teacher_list and prerequisite_list) in one more query for all the rows fetched, however
    many: a list reads four relations without four prefetch querysets to build and compile.
    `prefetch_related(None)` drops them, as it drops prefetches."""

    _with_lists = True

    def _clone(self):
        clone = super()._clone()
        clone._with_lists = self._with_lists
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
            attach_course_lists(self._result_cache, using=self.db)


def _partial(model, using: str, values: dict):
    """A `model` instance with only `values` loaded (the other fields deferred), as .only() makes them."""
    row = [values[f.attname] for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(using, list(values), row)


def _course_lists_sql() -> str:
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
    return " UNION ALL ".join(parts)


_COURSE_LISTS_SQL: list[str] = []


def attach_course_lists(courses: list[Course], *, using: str = "default") -> None:
    """Set prefetched_tags, _branches, _co_teachers and _prerequisites on `courses` in one query, ordered
    as the models order them (tags and branches by name, people by email, prerequisites by id)."""
    if not courses:
        return
    from apps.accounts.models import User
    from apps.hierarchy.models import Branch

    if not _COURSE_LISTS_SQL:
        _COURSE_LISTS_SQL.append(_course_lists_sql())
    ids = [course.pk for course in courses]
    with connections[using].cursor() as cursor:
        cursor.execute(_COURSE_LISTS_SQL[0], [ids] * 4)
        rows = cursor.fetchall()
    lists = {course.pk: ([], [], [], []) for course in courses}
    for kind, course_id, pk, name, extra in rows:
        if kind == 0:
            related = _partial(Tag, using, {"id": pk, "name": name})
        elif kind == 1:
            related = _partial(Branch, using, {"id": pk, "name": name, "code": extra})
        elif kind == 2:
            related = _partial(User, using, {"id": pk, "email": extra, "full_name": name})
        else:
            related = _partial(Course, using, {"id": pk})
        lists[course_id][kind].append(related)
    for course in courses:
        tags, branches, teachers, prerequisites = lists[course.pk]
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
) -> QuerySet[Course]:
    """Courses the viewer may see, with what lists show (category, tags, branches, co-teachers,
    prerequisites, counts) in a constant number of queries. `catalog` keeps only published courses (what
    learners browse)."""
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
            | Exists(Tag.objects.filter(courses=OuterRef("pk"), name__icontains=search))
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
    return queryset.select_related("category", "owner").annotate(**_course_counts(scope.user_id or 0))


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
    return course_list(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


def course_find(*, viewer, pk) -> Course | None:
    """The course if the viewer may know of it, bare (no counts, no lists): for reads that only need to
    know it is theirs to see (its enrollments, its progress), in one lean query."""
    return visible_courses(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


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
    return visible_courses(viewer=viewer).annotate(viewer_edits=edits).filter(pk=pk).first()


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


def content_page(*, viewer) -> QuerySet[ContentItem]:
    """content_list() for one page of the API's list, lean: no joined rows (the planner's time grows with
    each join, ten of them cost more than the rows), and `viewer_edits` as a column, so that
    attach_shown_versions() fetches only the versions each row shows, in one query."""
    scope = scope_of(viewer)
    return content_list(viewer=viewer).select_related(None).annotate(viewer_edits=_edits(scope))


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
    versions = (
        {
            version.pk: version
            for version in ContentVersion.objects.filter(pk__in=wanted).select_related("media")
        }
        if wanted
        else {}
    )
    for item in items:
        if item.published_version_id is not None:
            item.published_version = versions[item.published_version_id]
        if item.viewer_edits:
            if item.latest_version_id is not None:
                item.latest_version = versions[item.latest_version_id]
            item.shown_version = item.latest_version
        else:
            item.shown_version = item.published_version


def content_list(*, viewer, course=None, module=None, kind: str | None = None) -> QuerySet[ContentItem]:
    """Content items the viewer may see: every item of courses they edit, published items of the other
    courses they can see. `shown_title` is the title the viewer is shown (the published version's, unless
    they edit the course): what a filter or a sort on the title must use."""
    scope = scope_of(viewer)
    courses = visible_courses(viewer=viewer).values("pk")
    queryset = ContentItem.objects.filter(course_id__in=Subquery(courses))
    if not scope.is_org_admin:
        editable = _editable(scope, prefix="course__")
        queryset = queryset.filter(
            editable | Q(published_version__isnull=False, course__status=Status.PUBLISHED)
        )
    queryset = queryset.annotate(
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
    return content_list(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


def module_get(*, viewer, pk) -> Module | None:
    if not _digits(pk):
        return None
    module = Module.objects.select_related("course").filter(pk=pk).first()
    if module is None or course_get(viewer=viewer, pk=module.course_id) is None:
        return None
    return module


def version_list(*, item: ContentItem) -> QuerySet[ContentVersion]:
    return item.versions.select_related("author", "media").order_by("-number")


def version_get(*, item: ContentItem, number) -> ContentVersion | None:
    return version_list(item=item).filter(number=number).first() if _digits(number) else None


def media_list(*, viewer, course=None, item=None) -> QuerySet[MediaFile]:
    queryset = MediaFile.objects.filter(course_id__in=Subquery(visible_courses(viewer=viewer).values("pk")))
    if course is not None:
        queryset = queryset.filter(course=course)
    if item is not None:
        queryset = queryset.filter(item=item)
    return queryset.select_related("uploaded_by", "course")


def media_for_download(*, viewer, pk) -> MediaFile | None:
    """A media file the viewer may download: editors of its course any; others only files of a published
    item's published version (or course-level files) of a course they can see."""
    if not _digits(pk):
        return None
    media = MediaFile.objects.select_related("course", "item").filter(pk=pk).first()
    if media is None:
        return None
    course = course_get(viewer=viewer, pk=media.course_id)
    if course is None:
        return None
    if viewer_can_edit(viewer, course):
        return media
    if course.status == Status.DRAFT:
        return None
    if media.item_id is None:
        return media
    # Shown by a published lesson: the one it was uploaded with, or another lesson of the course that uses it.
    if ContentItem.objects.filter(course_id=media.course_id, published_version__media=media).exists():
        return media
    return None


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(course_count=Count("courses", distinct=True))


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.annotate(course_count=Count("courses", distinct=True))


# --- enrollments and progress --------------------------------------------------------------------------------


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
        queryset = queryset.filter(course_id__in=Subquery(visible_courses(viewer=viewer).values("pk")))
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
    return enrollment_rule_list(viewer=viewer, course=course).filter(pk=pk).first() if _digits(pk) else None


def enrollment_get(*, viewer, course, pk) -> Enrollment | None:
    return enrollment_list(viewer=viewer, course=course).filter(pk=pk).first() if _digits(pk) else None


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
        queryset = queryset.filter(course_id__in=Subquery(visible_courses(viewer=viewer).values("pk")))
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
