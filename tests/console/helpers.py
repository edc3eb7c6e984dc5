"""Small helpers shared by the console tests."""

from html.parser import HTMLParser

from django.urls import reverse


def console_url(name: str, *args) -> str:
    """reverse() on the platform's URLconf (the test settings' ROOT_URLCONF is the organizations' one)."""
    return reverse(f"console:{name}", args=args, urlconf="config.urls_public")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, referenced id)
        self.controls: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for attribute in ("for", "aria-describedby", "aria-labelledby", "aria-controls"):
            for ref in attrs.get(attribute, "").split():
                self.references.append((tag, attribute, ref))
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.controls.append({"tag": tag, **attrs})


def accessibility_problems(html: str) -> list[str]:
    """Dangling label/aria references, duplicate ids, and form controls without a label."""
    parser = _Ids()
    parser.feed(html)
    ids = set(parser.ids)
    problems = [f"duplicate id {i!r}" for i in ids if parser.ids.count(i) > 1]
    problems += [
        f"<{tag} {attr}={ref!r}> names no element" for tag, attr, ref in parser.references if ref not in ids
    ]
    labelled = {ref for _, attr, ref in parser.references if attr == "for"}
    for control in parser.controls:
        named = control.get("aria-label") or control.get("aria-labelledby")
        if control.get("id") not in labelled and not named:
            problems.append(f"<{control['tag']} name={control.get('name')!r}> has no label")
    return problems
