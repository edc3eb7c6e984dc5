from django import forms

from .parsing import max_bytes, max_rows


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="People file (CSV or XLSX)",
        help_text=(
            f"CSV (UTF-8, comma-separated) or XLSX, at most {max_bytes() // (1024 * 1024)} MB and "
            f"{max_rows():,} rows. Columns: email, name, role, branch, class; email and role are "
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
