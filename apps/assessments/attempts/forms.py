"""Forms of the attempts pages: the results filters, a teacher's mark, regrading. (Answers are not a Django
form: each question type names its own fields, read in views._posted.)"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Attempt


class ResultsFilterForm(forms.Form):
    school_class = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Class"), empty_label=_("All")
    )
    branch = forms.ModelChoiceField(queryset=None, required=False, label=_("Branch"), empty_label=_("All"))
    state = forms.ChoiceField(
        choices=[("", _("All")), *Attempt.State.choices], required=False, label=_("State")
    )

    def __init__(self, *args, classes, branches, **kwargs):
        super().__init__(*args, **kwargs)
        # The classes and branches the viewer may see (apps.hierarchy.selectors), chosen by the view.
        self.fields["school_class"].queryset = classes
        self.fields["branch"].queryset = branches


class GradeForm(forms.Form):
    mark = forms.DecimalField(label=_("Mark"), min_value=Decimal("0"), max_digits=12, decimal_places=4)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, max_mark, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mark"].max_value = max_mark
        self.fields["mark"].widget.attrs.update({"max": str(max_mark), "step": "any"})
        self.fields["mark"].help_text = _("Out of %(max)s.") % {"max": Decimal(max_mark).normalize()}


class QuizPasswordForm(forms.Form):
    """The quiz's password before an attempt starts (the start button's form, and the page it shows again
    when the password is missing or wrong). The services compare it."""

    password = forms.CharField(
        label=_("Quiz password"),
        required=False,
        strip=False,
        max_length=1000,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Your teacher gives you this quiz's password."),
    )

    def typed(self) -> str:
        """What was typed, as typed (a longer one than the field takes is simply not the password)."""
        return str(self.data.get("password") or "")


class RegradeForm(forms.Form):
    dry_run = forms.BooleanField(
        label=_("Dry run: only show what would change"), required=False, initial=True
    )
