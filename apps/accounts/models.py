"""People. The app is installed in the public schema (platform operators) and in every organization's
schema (that org's people): the same email in two orgs is two unrelated accounts."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import pgettext_lazy


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("status", User.Status.ACTIVE if password else User.Status.INVITED)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True, status=User.Status.ACTIVE)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    class Status(models.TextChoices):
        INVITED = "invited", pgettext_lazy("person status", "Invited")
        ACTIVE = "active", pgettext_lazy("person status", "Active")
        DEACTIVATED = "deactivated", pgettext_lazy("person status", "Deactivated")

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INVITED, db_index=True)
    language = models.CharField(max_length=16, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin of this schema.")
    date_joined = models.DateTimeField(default=dj_timezone.now)
    invited_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        # Only active people may sign in; invited ones first accept their invitation.
        return self.status == self.Status.ACTIVE

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0]


class RoleAssignment(models.Model):
    """A role a person holds, and where: the whole org (Org Admin), a branch (Branch Manager, or a Teacher
    or Student attached to a branch without a class yet), or a class (Teacher, Student).

    A person may hold several roles in several branches and classes."""

    class Role(models.TextChoices):
        ORG_ADMIN = "org_admin", pgettext_lazy("role", "Org Admin")
        BRANCH_MANAGER = "branch_manager", pgettext_lazy("role", "Branch Manager")
        TEACHER = "teacher", pgettext_lazy("role", "Teacher")
        STUDENT = "student", pgettext_lazy("role", "Student")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices, db_index=True)
    branch = models.ForeignKey(
        "hierarchy.Branch", null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    school_class = models.ForeignKey(
        "hierarchy.SchoolClass",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "branch", "school_class"],
                nulls_distinct=False,
                name="unique_role_scope",
            ),
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    models.Q(role="org_admin", branch__isnull=True, school_class__isnull=True)
                    | models.Q(role="branch_manager", branch__isnull=False, school_class__isnull=True)
                    | models.Q(role__in=["teacher", "student"], branch__isnull=False)
                ),
            ),
        ]
        indexes = [models.Index(fields=["branch", "role"]), models.Index(fields=["school_class", "role"])]

    def __str__(self) -> str:
        where = self.school_class or self.branch or "the organization"
        return f"{self.user} as {self.get_role_display()} in {where}"
