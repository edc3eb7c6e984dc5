import re

# DNS label (RFC 1123), lower-case, starting with a letter so the slug can also name a PostgreSQL schema.
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$")

RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "console",
        "public",
        "static",
        "media",
        "assets",
        "cdn",
        "mail",
        "email",
        "smtp",
        "app",
        "apps",
        "auth",
        "login",
        "logout",
        "signup",
        "register",
        "account",
        "accounts",
        "billing",
        "dashboard",
        "platform",
        "system",
        "root",
        "help",
        "support",
        "status",
        "docs",
        "blog",
        "dev",
        "test",
        "staging",
        "demo-template",
        "tenant-template",
        "template",
        "internal",
        "health",
        "healthz",
        "metrics",
        "information-schema",
        "default",
        "learnstack",
        "verify",
        "ws",
        "ftp",
        "ns1",
        "ns2",
    }
)


def slug_problems(slug: str) -> list[str]:
    problems = []
    if not 3 <= len(slug) <= 63:
        problems.append("Use between 3 and 63 characters.")
    if not SLUG_RE.match(slug):
        problems.append(
            "Use lower-case letters, digits and hyphens; start with a letter and end with a letter or digit."
        )
    if "--" in slug:
        problems.append("Two hyphens in a row are not allowed.")
    if slug.startswith("pg-"):
        problems.append("Slugs may not start with 'pg-'.")
    if slug in RESERVED_SLUGS:
        problems.append(f"'{slug}' is reserved.")
    return problems


def schema_name_for(slug: str) -> str:
    # Hyphens are legal in DNS labels, underscores are not: the mapping is one-to-one.
    return slug.replace("-", "_")
