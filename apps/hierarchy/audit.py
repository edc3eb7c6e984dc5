"""The audit log's sentences for branches and classes, and their names and links (apps.audit.describe,
registered from HierarchyConfig.ready())."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.audit.sentences import (
    Facts,
    Named,
    Sentence,
    changed,
    link,
    pks,
    register_description,
    register_reference,
    simple,
    visible,
)

from .models import Branch, SchoolClass
from .selectors import branch_list, class_list

BRANCH = "hierarchy.branch"
CLASS = "hierarchy.schoolclass"


def _branches(keys, viewer):
    """By pk, or "code:<code>" (a class records its branch by code)."""
    codes = [key[5:] for key in keys if key.startswith("code:")]
    branches = Branch.objects.filter(Q(pk__in=pks(keys)) | Q(code__in=codes)).only("pk", "name", "code")
    found = {}
    for branch in visible(branches, branch_list, viewer):
        named = Named(branch.name, link(branch, "hierarchy:branch", branch.pk))
        found[str(branch.pk)] = found[f"code:{branch.code}"] = named
    return found


def _classes(keys, viewer):
    classes = SchoolClass.objects.filter(pk__in=pks(keys)).only("pk", "name", "term")
    return {
        str(c.pk): Named(str(c), link(c, "hierarchy:class", c.pk))
        for c in visible(classes, class_list, viewer)
    }


def _branch_created(facts: Facts) -> Sentence:
    if facts.text("code"):
        return Sentence(_("{actor} created the branch {target} (code {code})"), code=facts.text("code"))
    return Sentence(_("{actor} created the branch {target}"))


def _class_created(facts: Facts) -> Sentence:
    code = facts.text("branch")
    if not code:
        return Sentence(_("{actor} created the class {target}"))
    return Sentence(
        _("{actor} created the class {target} in {branch}"), branch=facts.ref(BRANCH, f"code:{code}", code)
    )


def register() -> None:
    register_reference(BRANCH, _branches)
    register_reference(CLASS, _classes)
    d = register_description
    d("branch.created", _branch_created)
    d(
        "branch.updated",
        changed(
            _("{actor} changed the branch {target}: {changes}"), _("{actor} changed the branch {target}")
        ),
    )
    d(
        "branch.settings_changed",
        changed(
            _("{actor} changed the settings of the branch {target}: {changes}"),
            _("{actor} changed the settings of the branch {target}"),
        ),
    )
    d("branch.deleted", simple(_("{actor} deleted the branch {target}")))
    d("class.created", _class_created)
    d(
        "class.updated",
        changed(_("{actor} changed the class {target}: {changes}"), _("{actor} changed the class {target}")),
    )
    d("class.deleted", simple(_("{actor} deleted the class {target}")))
