from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "apps.courses"
    label = "courses"
    verbose_name = "Courses and learning"

    def ready(self) -> None:
        from tenants.selectors import register_usage_counter

        from . import receivers  # noqa: F401  enrollment rules for people who join a class or branch later

        register_usage_counter(
            "courses",
            'SELECT count(*) FROM "{schema}"."courses_course" WHERE status <> \'archived\'',
            "Courses",
        )
        register_usage_counter(
            "storage_mb",
            'SELECT ceil(coalesce(sum(size), 0) / 1048576.0)::int FROM "{schema}"."courses_mediafile"',
            "Storage (MB)",
        )
