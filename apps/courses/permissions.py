"""Who may do what with courses: the one place that decides (selectors, services, pages and API ask here).

- Org Admins: every course, enrollment and learner.
- Branch Managers: courses available in the branches they manage (drafts included), and the courses they
  own; they edit courses whose branches all lie within the branches they manage.
- Teachers: published courses of their branches (and the organization-wide ones), and the courses they own
  or co-teach, which they edit.
- Students: published courses of their branches and the organization-wide ones, and courses they are
  enrolled in.
- Learner data (enrollments, progress) is visible exactly where the learner is (apps.hierarchy's
  user_list): a Teacher sees their classes' learners, never another branch's.
"""

from apps.accounts.permissions import Scope, scope_of

# May create courses and assign learners (decided with the other role rules, in apps.accounts.permissions).
can_author = Scope.can_author


def editor_ids(course) -> set[int]:
    ids = {user.pk for user in course.co_teacher_list}
    if course.owner_id:
        ids.add(course.owner_id)
    return ids


def can_edit(scope: Scope, course) -> bool:
    """Change the course, its content and its media (uses prefetched co_teachers and branches)."""
    if scope.user_id is None:
        return False
    if scope.is_org_admin or scope.user_id in editor_ids(course):
        return True
    branch_ids = {branch.pk for branch in course.branch_list}
    return bool(branch_ids) and branch_ids <= scope.managed_branch_ids


def can_edit_course(user, course) -> bool:
    return can_edit(scope_of(user), course)
