"""Forms of the certificate issuing pages (choices are handed in by the views, from the selectors)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RuleForm(forms.Form):
    template = forms.TypedChoiceField(label=_("Certificate template"), coerce=int)
    expiry_months = forms.IntegerField(
        label=_("Expires after (months)"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=_("Leave empty: the certificate never expires."),
    )
    auto_issue = forms.BooleanField(
        label=_("Issue automatically when a learner completes the course"), required=False, initial=True
    )

    def __init__(self, *args, templates=(), quiz: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, t.name) for t in templates]
        if quiz:
            self.fields["auto_issue"].label = _("Issue automatically when a learner passes the quiz")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=64, strip=True)


class IssueForm(forms.Form):
    """One certificate by hand: a learner the viewer may see, for a course or a quiz they edit."""

    learner = forms.EmailField(
        label=_("Learner's email"), max_length=254, help_text=_("Someone you may see in this organization.")
    )
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, required=False, empty_value=None)
    quiz = forms.TypedChoiceField(label=_("or quiz"), coerce=int, required=False, empty_value=None)
    template = forms.TypedChoiceField(
        label=_("Template"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty to use the course's or the quiz's own certificate template."),
    )

    def __init__(self, *args, courses=(), quizzes=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "—")] + [(c.pk, c.title) for c in courses]
        self.fields["quiz"].choices = [("", "—")] + [(q.pk, f"{q.course.title} · {q.title}") for q in quizzes]
        self.fields["template"].choices = [("", "—")] + [(t.pk, t.name) for t in templates]

    def clean(self):
        data = super().clean()
        if bool(data.get("course")) == bool(data.get("quiz")):
            raise forms.ValidationError(_("Choose a course or a quiz (not both)."))
        return data


class BulkIssueForm(forms.Form):
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, required=False, empty_value=None)
    school_class = forms.TypedChoiceField(label=_("Class"), coerce=int, required=False, empty_value=None)
    template = forms.TypedChoiceField(
        label=_("Template"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty to use the course's own certificate template."),
    )

    def __init__(self, *args, courses=(), classes=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "—")] + [(c.pk, c.title) for c in courses]
        self.fields["school_class"].choices = [("", "—")] + [(c.pk, str(c)) for c in classes]
        self.fields["template"].choices = [("", "—")] + [(t.pk, t.name) for t in templates]

    def clean(self):
        data = super().clean()
        if not data.get("course") and not data.get("school_class"):
            raise forms.ValidationError(_("Choose a course or a class."))
        return data
