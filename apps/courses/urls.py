"""Pages of courses and learning on organization hosts (mounted at "")."""

from django.urls import path

from .views import categories, editor, enrollments, learn

app_name = "courses"

course = "courses/<int:pk>/"
content = course + "content/<int:item_pk>/"
version = content + "versions/<int:number>/"

urlpatterns = [
    # The catalog, the teacher's list, and the learner's own courses.
    path("courses/", learn.catalog, name="catalog"),
    path("courses/teaching/", learn.teaching, name="teaching"),
    path("learning/", learn.my_learning, name="learning"),
    # Categories and tags (Org Admins).
    path("courses/categories/", categories.category_list, name="categories"),
    path("courses/categories/<int:category_pk>/edit/", categories.category_edit, name="category_edit"),
    path("courses/categories/<int:category_pk>/delete/", categories.category_delete, name="category_delete"),
    path("courses/tags/<int:tag_pk>/rename/", categories.tag_rename, name="tag_rename"),
    path("courses/tags/<int:tag_pk>/delete/", categories.tag_delete, name="tag_delete"),
    # A course, as learners see it.
    path("courses/new/", editor.course_create, name="create"),
    path(course, learn.course_detail, name="course"),
    path(course + "cover", learn.course_cover, name="cover"),
    path(course + "enroll/", learn.course_enroll, name="enroll"),
    path(course + "withdraw/", learn.course_withdraw, name="withdraw"),
    path(course + "media/<int:media_pk>/", learn.media_file, name="media"),
    # The lesson player.
    path(course + "learn/", learn.resume, name="resume"),
    path(course + "learn/<int:item_pk>/", learn.lesson, name="lesson"),
    path(course + "learn/<int:item_pk>/complete/", learn.lesson_complete, name="lesson_complete"),
    path(course + "learn/<int:item_pk>/progress", learn.lesson_progress, name="lesson_progress"),
    # The course editor.
    path(course + "edit/", editor.course_edit, name="edit"),
    path(course + "publish/", editor.course_publish, name="publish"),
    path(course + "unpublish/", editor.course_unpublish, name="unpublish"),
    path(course + "archive/", editor.course_archive, name="archive"),
    path(course + "delete/", editor.course_delete, name="delete"),
    path(course + "modules/new/", editor.module_create, name="module_create"),
    path(course + "modules/reorder/", editor.modules_reorder, name="modules_reorder"),
    path(course + "modules/<int:module_pk>/rename/", editor.module_rename, name="module_rename"),
    path(course + "modules/<int:module_pk>/move/", editor.module_move, name="module_move"),
    path(course + "modules/<int:module_pk>/delete/", editor.module_delete, name="module_delete"),
    path(course + "modules/<int:module_pk>/reorder/", editor.items_reorder, name="items_reorder"),
    path(
        course + "modules/<int:module_pk>/content/new/<str:kind>/",
        editor.content_create,
        name="content_create",
    ),
    path(course + "media/upload/", editor.media_upload, name="media_upload"),
    path(course + "media/<int:media_pk>/delete/", editor.media_delete, name="media_delete"),
    # The lesson editor and its versions.
    path(course + "content/preview/", editor.content_preview, name="content_preview"),
    path(content + "edit/", editor.content_edit, name="content_edit"),
    path(content + "move/", editor.content_move, name="content_move"),
    path(content + "unpublish/", editor.content_unpublish, name="content_unpublish"),
    path(content + "delete/", editor.content_delete, name="content_delete"),
    path(version, editor.version_detail, name="version"),
    path(version + "diff/", editor.version_diff, name="version_diff"),
    path(version + "publish/", editor.version_publish, name="version_publish"),
    path(version + "revert/", editor.version_revert, name="version_revert"),
    # Enrollment management.
    path(course + "enrollments/", enrollments.enrollment_list, name="enrollments"),
    path(course + "enrollments/assign/", enrollments.enrollment_assign, name="enrollment_assign"),
    path(course + "enrollments/<int:enrollment_pk>/due/", enrollments.enrollment_due, name="enrollment_due"),
    path(
        course + "enrollments/<int:enrollment_pk>/withdraw/",
        enrollments.enrollment_withdraw,
        name="enrollment_withdraw",
    ),
    path(course + "rules/<int:rule_pk>/delete/", enrollments.rule_delete, name="rule_delete"),
]
