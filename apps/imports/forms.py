from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .parsing import max_bytes, max_rows


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("People file (CSV or XLSX)"),
        help_text=format_lazy(
            _(
                "CSV (UTF-8, comma-separated) or XLSX, at most {size} MB and {rows} rows. Columns: email, "
                "name, role, branch, class; email and role are required."
            ),
            size=max_bytes() // (1024 * 1024),
            rows=f"{max_rows():,}",
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet"
            }
        ),
    )
    send_invitations = forms.BooleanField(
        label=_("Send invitation emails to new people"),
        required=False,
        help_text=_("Without this, new people are created as invited and no email is sent."),
    )
