"""What the attempt engine reads from the other parts (quizzes, bank), through their contract functions, in
one place:

    effective_settings(assessment, user)  quizzes/selectors.py: the window, time limit and attempts after overrides
    review_allowed(assessment, moment)    quizzes/selectors.py: the review fields shown at a moment
    assessment_get(viewer=, pk=)          quizzes/selectors.py: a quiz the viewer may see, or None
    assessment_ref(viewer=, pk=)          quizzes/selectors.py: the same, with its lesson and course only
    assessment_key(viewer=, pk=)          quizzes/selectors.py: the same, its id alone for an Org Admin
    category_tree_ids(category)           bank/selectors.py: a category and its descendants
"""

from ..bank.selectors import category_tree_ids
from ..quizzes.selectors import (
    assessment_get,
    assessment_key,
    assessment_ref,
    effective_settings,
    review_allowed,
)

__all__ = [
    "assessment_get",
    "assessment_key",
    "assessment_ref",
    "category_tree_ids",
    "effective_settings",
    "review_allowed",
]
