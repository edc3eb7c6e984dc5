"""Pages of courses and learning on organization hosts."""

app_name = "courses"
urlpatterns: list = []
