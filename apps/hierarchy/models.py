"""Organization -> Branch -> Class -> members, inside an organization's schema."""

from django.db import models
from django.db.models.functions import Lower


class Branch(models.Model):
    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=40, help_text="Short unique code, used by imports (e.g. 'north').")
    address = models.TextField(blank=True, max_length=500)
    timezone = models.CharField(max_length=64, blank=True, help_text="Empty = the organization's time zone.")
    # Branding override: empty values fall back to the organization's branding.
    display_name = models.CharField(max_length=120, blank=True)
    primary_color = models.CharField(max_length=7, blank=True)
    welcome_text = models.TextField(blank=True, max_length=2000)
    settings = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("code"), name="branch_code_unique_ci")]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    """A class (group of learners with teachers) in one branch. `Class` is a poor Python name."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(max_length=120)
    term = models.CharField(max_length=60, blank=True, help_text="e.g. '2026 Spring'")
    description = models.TextField(blank=True, max_length=2000)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["branch__name", "name"]
        verbose_name = "class"
        verbose_name_plural = "classes"
        constraints = [
            models.UniqueConstraint(fields=["branch", "name", "term"], name="class_unique_in_branch_term"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.term})" if self.term else self.name


class OnboardingDismissal(models.Model):
    """A person hid a getting-started checklist from their dashboard (apps/hierarchy/onboarding.py). The
    checklist's steps are never stored: they are read from the organization's real state every time."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    checklist = models.CharField(max_length=32)
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "checklist"], name="onboarding_dismissal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.checklist} checklist hidden by user {self.user_id}"
