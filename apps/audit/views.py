"""The audit log pages (/manage/audit/ on an organization's host): Org Admins browse and filter who did what,
when and from where. Entries live in the organization's own schema, so no other organization's entry can
ever be listed here."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from apps.core.pages import forbidden, member_required

from .access import may_read
from .describe import humanise
from .models import AuditEntry
from .selectors import Row, audit_entry_list, audit_entry_rows, rows_for  # noqa: F401

PER_PAGE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        required=False,
        max_length=254,
        label=_("Actor"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Email"), "autocomplete": "off"}),
    )
    action = forms.ChoiceField(required=False, label=_("Action"))
    target_type = forms.ChoiceField(required=False, label=_("Target type"))
    date_from = forms.DateField(
        required=False,
        label=pgettext_lazy("date range", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        required=False,
        label=pgettext_lazy("date range", "To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, actions: list[str], target_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", gettext("Any action")),
            *((a, humanise(a).capitalize()) for a in actions),
        ]
        self.fields["target_type"].choices = [("", gettext("Any type")), *((t, t) for t in target_types)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", gettext("The end date is before the start date."))
        return cleaned


@member_required
@require_GET
def audit_list(request):
    if not may_read(request.user):
        return forbidden(request, gettext("Only Org Admins may read the audit log."))
    choices = AuditEntry.objects.order_by()
    form = AuditFilterForm(
        request.GET or None,
        actions=sorted(choices.values_list("action", flat=True).distinct()),
        target_types=sorted(t for t in choices.values_list("target_type", flat=True).distinct() if t),
    )
    filters = {}
    if form.is_bound:
        form.is_valid()  # an invalid filter is ignored, the valid ones still apply
        filters = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        if "date_to" in form.errors:
            filters.pop("date_to", None)
    page = Paginator(audit_entry_list(**filters), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/audit_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "rows": rows_for(page.object_list, viewer=request.user),
        },
    )
