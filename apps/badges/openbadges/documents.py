"""The Open Badges 2.0 documents (JSON-LD, "@context": "https://w3id.org/openbadges/v2"): Issuer, BadgeClass,
Assertion (hosted or signed), CryptographicKey and RevocationList.

Every id is an absolute URL on the issuer's `origin` (the organization's base URL when its issuer profile was
made: https in production), so the validator's hosted rule (the assertion's authority equals the issuer's)
holds and issued badges keep resolving. A signed assertion's id is `urn:uuid:<award uid>` (a signed badge is
verified by its signature, not by fetching it); the revocation list names both ids of a revoked award.

Recipient: {"type": "email", "hashed": true, "salt", "identity": "sha256$..."} of the email trimmed and
lowercased at award time (identity.py): a verifier must be given the normalized email.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.urls import reverse

from tenants.identity import organization_url

from ..models import Badge, BadgeAward, IssuerProfile, SigningKey
from . import selectors

CONTEXT = "https://w3id.org/openbadges/v2"
JSONLD = "application/ld+json"


@dataclass(frozen=True)
class Links:
    """The absolute URLs of the public documents, on the issuer's origin."""

    issuer: IssuerProfile

    def _url(self, name: str, *args) -> str:
        return self.origin() + reverse(f"badges:{name}", args=[str(arg) for arg in args])

    def origin(self) -> str:
        """The issuer's origin; an issuer row made without one (by hand) falls back to the organization's
        base URL."""
        if self.issuer.origin:
            return self.issuer.origin.rstrip("/")
        return organization_url("/").rstrip("/")

    def issuer_url(self) -> str:
        return self._url("ob_issuer", self.issuer.uid)

    def revocations_url(self) -> str:
        return self._url("ob_revocations", self.issuer.uid)

    def key_url(self, key: SigningKey) -> str:
        return self._url("ob_key", self.issuer.uid, key.uid)

    def badge_url(self, badge: Badge) -> str:
        return self._url("ob_badge", badge.uid)

    def badge_image_url(self, badge: Badge) -> str:
        return self._url("ob_badge_image", badge.uid)

    def assertion_url(self, award: BadgeAward) -> str:
        return self._url("ob_assertion", award.uid)

    def assertion_image_url(self, award: BadgeAward) -> str:
        return self._url("ob_assertion_image", award.uid)

    def assertion_svg_url(self, award: BadgeAward) -> str:
        return self._url("ob_assertion_svg", award.uid)

    def assertion_signed_url(self, award: BadgeAward) -> str:
        return self._url("ob_assertion_signed", award.uid)


def signed_id(award: BadgeAward) -> str:
    return f"urn:uuid:{award.uid}"


def iso(moment: datetime) -> str:
    """UTC, to the second, with a Z: what the validator's ISO 8601 check and every backpack read."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_document(issuer: IssuerProfile, *, keys: list[SigningKey] | None = None) -> dict:
    links = Links(issuer)
    keys = selectors.signing_keys_published() if keys is None else keys
    document = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": links.issuer_url(),
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "revocationList": links.revocations_url(),
    }
    if issuer.description:
        document["description"] = issuer.description
    if keys:
        document["publicKey"] = [links.key_url(key) for key in keys]
    return document


def _alignment(badge: Badge) -> list[dict]:
    fields = ("targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")
    rows = []
    for item in badge.alignment or []:
        if isinstance(item, dict) and item.get("targetName") and item.get("targetUrl"):
            rows.append({field: str(item[field]) for field in fields if item.get(field)})
    return rows


def criteria_narrative(badge: Badge) -> str:
    return badge.criteria_narrative.strip() or badge.description.strip()


def badge_document(issuer: IssuerProfile, badge: Badge) -> dict:
    links = Links(issuer)
    url = links.badge_url(badge)
    document = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": url,
        "name": badge.name,
        "description": badge.description or badge.name,
        "image": links.badge_image_url(badge),
        "criteria": {"id": f"{url}#criteria", "narrative": criteria_narrative(badge)},
        "issuer": links.issuer_url(),
    }
    tags = sorted(tag.name for tag in badge.tags.all())
    if tags:
        document["tags"] = tags
    alignment = _alignment(badge)
    if alignment:
        document["alignment"] = alignment
    return document


def assertion_document(
    issuer: IssuerProfile, award: BadgeAward, *, signed_by: SigningKey | None = None
) -> dict:
    """The award as an Assertion: hosted (its id is its URL) or, with `signed_by`, signed by that key."""
    links = Links(issuer)
    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": signed_id(award) if signed_by is not None else links.assertion_url(award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.salt,
            "identity": award.identity_hash,
        },
        "badge": links.badge_url(award.badge),
        "issuedOn": iso(award.issued_at),
        "image": links.assertion_image_url(award),
        "verification": (
            {"type": "SignedBadge", "creator": links.key_url(signed_by)}
            if signed_by is not None
            else {"type": "HostedBadge"}
        ),
    }
    if award.expires_at is not None:
        document["expires"] = iso(award.expires_at)
    evidence = {}
    if award.evidence_url:
        evidence["id"] = award.evidence_url
    if award.evidence_narrative:
        evidence["narrative"] = award.evidence_narrative
    if evidence:
        document["evidence"] = [evidence]
    return document


def revoked_document(issuer: IssuerProfile, award: BadgeAward) -> dict:
    """What a revoked assertion's URL answers (410): its id, revoked, and the reason."""
    return {
        "@context": CONTEXT,
        "id": Links(issuer).assertion_url(award),
        "type": "Assertion",
        "revoked": True,
        "revocationReason": award.revocation_reason,
    }


def key_document(issuer: IssuerProfile, key: SigningKey) -> dict:
    links = Links(issuer)
    document = {
        "@context": CONTEXT,
        "type": "CryptographicKey",
        "id": links.key_url(key),
        "owner": links.issuer_url(),
        "publicKeyPem": key.public_key_pem,
    }
    return document


def revocation_list_document(issuer: IssuerProfile, awards: list[BadgeAward] | None = None) -> dict:
    """The issuer's RevocationList: each revoked award by its hosted URL and by its signed id (urn:uuid, also
    the OB 3.0 credential's id), with the reason."""
    links = Links(issuer)
    awards = selectors.revoked_awards() if awards is None else awards
    entries = []
    for award in awards:
        for identifier in (links.assertion_url(award), signed_id(award)):
            entry = {"id": identifier}
            if award.revocation_reason:
                entry["revocationReason"] = award.revocation_reason
            entries.append(entry)
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": links.revocations_url(),
        "issuer": links.issuer_url(),
        "revokedAssertions": entries,
    }


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
