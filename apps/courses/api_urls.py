"""API routes of courses, content, media, enrollments and progress under /api/v1/."""

from django.urls import path

from .api import catalog, content, courses, enrollments, media, modules, progress, versions

urlpatterns = [
    # Courses
    path("courses", courses.CourseListView.as_view(), name="api-courses"),
    path("courses/<int:pk>", courses.CourseDetailView.as_view(), name="api-course"),
    path("courses/<int:pk>/publish", courses.CoursePublishView.as_view(), name="api-course-publish"),
    path("courses/<int:pk>/unpublish", courses.CourseUnpublishView.as_view(), name="api-course-unpublish"),
    path("courses/<int:pk>/archive", courses.CourseArchiveView.as_view(), name="api-course-archive"),
    path("courses/<int:pk>/cover", courses.CourseCoverView.as_view(), name="api-course-cover"),
    path("courses/<int:pk>/content", content.CourseContentView.as_view(), name="api-course-content"),
    # Modules
    path("courses/<int:pk>/modules", modules.CourseModuleListView.as_view(), name="api-course-modules"),
    path(
        "courses/<int:pk>/modules/order", modules.ModuleOrderView.as_view(), name="api-course-modules-order"
    ),
    path("modules/<int:pk>", modules.ModuleDetailView.as_view(), name="api-module"),
    path(
        "modules/<int:pk>/items/order", modules.ModuleItemOrderView.as_view(), name="api-module-items-order"
    ),
    # Content and versions
    path("content", content.ContentListView.as_view(), name="api-content-list"),
    path("content/<int:pk>", content.ContentDetailView.as_view(), name="api-content"),
    path("content/<int:pk>/unpublish", content.ContentUnpublishView.as_view(), name="api-content-unpublish"),
    path("content/<int:pk>/versions", versions.VersionListView.as_view(), name="api-content-versions"),
    path(
        "content/<int:pk>/versions/<int:number>",
        versions.VersionDetailView.as_view(),
        name="api-content-version",
    ),
    path(
        "content/<int:pk>/versions/<int:number>/publish",
        versions.VersionPublishView.as_view(),
        name="api-content-version-publish",
    ),
    path(
        "content/<int:pk>/versions/<int:number>/revert",
        versions.VersionRevertView.as_view(),
        name="api-content-version-revert",
    ),
    path(
        "content/<int:pk>/versions/<int:number>/diff",
        versions.VersionDiffView.as_view(),
        name="api-content-version-diff",
    ),
    # Media
    path("courses/<int:pk>/media", media.CourseMediaView.as_view(), name="api-course-media"),
    path("content/<int:pk>/media", media.ContentMediaView.as_view(), name="api-content-media"),
    path("media/<int:pk>", media.MediaDetailView.as_view(), name="api-media"),
    path("media/<int:pk>/download", media.MediaDownloadView.as_view(), name="api-media-download"),
    # Enrollments and progress
    path(
        "courses/<int:pk>/enrollments",
        enrollments.CourseEnrollmentListView.as_view(),
        name="api-course-enrollments",
    ),
    path(
        "courses/<int:pk>/enrollments/<int:enrollment_id>",
        enrollments.CourseEnrollmentDetailView.as_view(),
        name="api-course-enrollment",
    ),
    path(
        "courses/<int:pk>/enrollment-rules",
        enrollments.EnrollmentRuleListView.as_view(),
        name="api-course-enrollment-rules",
    ),
    path(
        "courses/<int:pk>/enrollment-rules/<int:rule_id>",
        enrollments.EnrollmentRuleDetailView.as_view(),
        name="api-course-enrollment-rule",
    ),
    path("courses/<int:pk>/progress", progress.CourseProgressView.as_view(), name="api-course-progress"),
    path("courses/<int:pk>/analytics", progress.CourseAnalyticsView.as_view(), name="api-course-analytics"),
    path("content/<int:pk>/progress", progress.ContentProgressView.as_view(), name="api-content-progress"),
    path(
        "users/<int:pk>/enrollments",
        enrollments.UserEnrollmentListView.as_view(),
        name="api-user-enrollments",
    ),
    path("users/<int:pk>/progress", progress.UserProgressView.as_view(), name="api-user-progress"),
    # Categories and tags
    path("categories", catalog.CategoryListView.as_view(), name="api-categories"),
    path("categories/<int:pk>", catalog.CategoryDetailView.as_view(), name="api-category"),
    path("tags", catalog.TagListView.as_view(), name="api-tags"),
    path("tags/<int:pk>", catalog.TagDetailView.as_view(), name="api-tag"),
]
