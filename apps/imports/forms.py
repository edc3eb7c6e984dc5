from django import forms

from .parsing import MAX_BYTES, MAX_ROWS


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="People file (CSV or XLSX)",
        help_text=(
            f"CSV (UTF-8, comma-separated) or XLSX, at most {MAX_BYTES // (1024 * 1024)} MB and "
            f"{MAX_ROWS:,} rows. Columns: email, name, role, branch, class; email and role are "
            "required."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet"
            }
        ),
    )
    send_invitations = forms.BooleanField(
        label="Send invitation emails to new people",
        required=False,
        help_text="Without this, new people are created as invited and no email is sent.",
    )
