"""API routes of this app under /api/v1/ on organization hosts: branches (under the organization, as the seed
has them), classes and people."""

from django.urls import path

from .api import branches, classes, onboarding, users

urlpatterns = [
    path("organizations/<int:org_id>/branches", branches.BranchListView.as_view(), name="api-branches"),
    path(
        "organizations/<int:org_id>/branches/<int:pk>", branches.BranchDetailView.as_view(), name="api-branch"
    ),
    path(
        "organizations/<int:org_id>/branches/<int:pk>/settings",
        branches.BranchSettingsView.as_view(),
        name="api-branch-settings",
    ),
    path(
        "organizations/<int:org_id>/branches/<int:pk>/users",
        branches.BranchUserListView.as_view(),
        name="api-branch-users",
    ),
    path("classes", classes.ClassListView.as_view(), name="api-classes"),
    path("classes/<int:pk>", classes.ClassDetailView.as_view(), name="api-class"),
    path("classes/<int:pk>/members", classes.ClassMemberListView.as_view(), name="api-class-members"),
    path(
        "classes/<int:pk>/members/<int:user_id>",
        classes.ClassMemberDetailView.as_view(),
        name="api-class-member",
    ),
    path("onboarding", onboarding.OnboardingView.as_view(), name="api-onboarding"),
    path("onboarding/dismiss", onboarding.OnboardingDismissView.as_view(), name="api-onboarding-dismiss"),
    path("onboarding/restore", onboarding.OnboardingRestoreView.as_view(), name="api-onboarding-restore"),
    path("users", users.UserListView.as_view(), name="api-users"),
    path("users/<int:pk>", users.UserDetailView.as_view(), name="api-user"),
    path("users/<int:pk>/profile", users.UserProfileView.as_view(), name="api-user-profile"),
    path("users/<int:pk>/roles", users.UserRoleListView.as_view(), name="api-user-roles"),
    path(
        "users/<int:pk>/roles/<int:assignment_id>", users.UserRoleDetailView.as_view(), name="api-user-role"
    ),
    path("users/<int:pk>/reactivate", users.UserReactivateView.as_view(), name="api-user-reactivate"),
    path("users/<int:pk>/invitation", users.UserInvitationView.as_view(), name="api-user-invitation"),
]
