import ipaddress
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


# One DNS label (RFC 1123): letters, digits and inner hyphens, 1 to 63 characters.
HOST_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def host_problems(host: str, *, base_host: str) -> list[str]:
    """Why `host` (already stripped and lower-cased) cannot be an organization's domain: it must be a plain
    DNS host name (no scheme, port, path, wildcard or IP address), and no name on `base_host` (the platform's
    own and its organizations' subdomains are given by slug, never registered by hand)."""
    if not host:
        return ["Enter a domain name."]
    if "://" in host:
        return ["Enter the host name only, without http:// or https://."]
    if "/" in host or "?" in host or "#" in host:
        return ["Enter the host name only, without a path."]
    if "*" in host:
        return ["Wildcard domains are not supported; add each name on its own."]
    if host.startswith("[") or _is_ip_address(host):
        return ["Enter a host name, not an IP address."]
    if ":" in host:
        return ["Enter the host name only, without a port."]
    if not host.isascii():
        return ["Enter an internationalized name in its ASCII form (xn--…)."]
    if len(host) > 253:
        return ["Use at most 253 characters."]
    labels = host.split(".")
    if len(labels) < 2 or not all(HOST_LABEL_RE.match(label) for label in labels):
        return [
            "Enter a host name such as learning.example.com: dot-separated parts of 1 to 63 letters, "
            "digits and hyphens, none starting or ending with a hyphen."
        ]
    if labels[-1].isdigit():
        return ["The last part of a host name cannot be a number."]
    if host == base_host or host.endswith("." + base_host):
        return [f"Names on {base_host} are the platform's own; add a domain of the customer's."]
    return []


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
