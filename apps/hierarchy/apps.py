from django.apps import AppConfig


class HierarchyConfig(AppConfig):
    name = "apps.hierarchy"
    label = "hierarchy"
    verbose_name = "Branches and classes"
