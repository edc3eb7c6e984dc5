from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import services

MB = 1024 * 1024


def category_choices(tree) -> list[tuple[str, str]]:
    """(id, label) for the categories of the banks a viewer may use, nested by depth, per bank, from
    bank.selectors.category_tree."""
    choices: list[tuple[str, str]] = [("", _("Choose a category"))]

    def walk(node, prefix: str, trail: list[str]) -> None:
        path = [*trail, node.category.name]
        choices.append((str(node.category.pk), f"{prefix}: {' / '.join(path)}"))
        for child in sorted(node.children, key=lambda n: (n.category.name.lower(), n.category.pk)):
            walk(child, prefix, path)

    for bank in tree:
        course = bank["course"]
        prefix = course.title if course is not None else str(_("Shared bank"))
        for node in bank["nodes"]:
            walk(node, prefix, [])
    return choices


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=format_lazy(
            _(
                "A GIFT text file (Moodle; at most {gift} MB) or a QTI package (a ZIP from Canvas or "
                "text2qti, or QTI 2.1 items; at most {qti} MB)."
            ),
            gift=f"{services.MAX_BYTES['gift'] / MB:g}",
            qti=f"{services.MAX_BYTES['qti'] / MB:g}",
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.gift,.zip,.xml,text/plain,application/zip"}),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Read it from the file")), ("gift", "GIFT"), ("qti", "QTI")],
    )
    category = forms.ChoiceField(label=_("Into the category"))
    assessment = forms.ChoiceField(
        label=_("Also add the questions to this quiz"),
        required=False,
        help_text=_("In the file's order; QTI question groups become random questions drawn from them."),
    )
    apply_settings = forms.BooleanField(
        label=_("Apply the QTI package's quiz settings to the quiz"),
        required=False,
        help_text=_("Title, description, time limit, attempts, shuffling, navigation, grading method."),
    )

    def __init__(self, *args, categories=(), quizzes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(categories)
        self.fields["assessment"].choices = [("", _("No quiz: only the question bank")), *quizzes]
