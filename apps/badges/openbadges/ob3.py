"""The Open Badges 3.0 credential of an award: an OpenBadgeCredential (W3C VC data model 2.0) signed as a
VC-JWT with the organization's current key.

JOSE header: {"alg": "RS256", "kid": <the CryptographicKey URL>, "typ": "JWT"} and nothing else (1EdTech
ob_v3p0 integrity). Payload: the credential itself (VCDM 2.0) plus the registered claims a JWT verifier reads:
`iss` (the issuer's id), `jti` (the credential's id), `nbf`/`iat` (validFrom) and `exp` (validUntil, when it
expires). The recipient is an IdentityObject with the award's hashed email (`identityHash`, `salt`), never
the email itself. `credentialStatus` is a 1EdTechRevocationList entry pointing at the issuer's revocation
list, which names the credential's id (urn:uuid of the award) once the award is revoked.
"""

import calendar

from ..models import BadgeAward, IssuerProfile, SigningKey
from .documents import Links, criteria_narrative, dumps, iso, signed_id
from .keys import signing_key_current
from .signing import compact_jws

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
MEDIA_TYPE = "application/vc+jwt"


def credential_document(issuer: IssuerProfile, award: BadgeAward) -> dict:
    links = Links(issuer)
    badge = award.badge
    achievement = {
        "id": links.badge_url(badge),
        "type": ["Achievement"],
        "name": badge.name,
        "description": badge.description or badge.name,
        "criteria": {"id": f"{links.badge_url(badge)}#criteria", "narrative": criteria_narrative(badge)},
        "image": {"id": links.badge_image_url(badge), "type": "Image"},
    }
    tags = sorted(tag.name for tag in badge.tags.all())
    if tags:
        achievement["tag"] = tags
    credential = {
        "@context": CONTEXTS,
        "id": signed_id(award),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.name,
        "issuer": {
            "id": links.issuer_url(),
            "type": ["Profile"],
            "name": issuer.name,
            "url": issuer.url,
            "email": issuer.email,
        },
        "validFrom": iso(award.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": award.identity_hash,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.salt,
                }
            ],
            "achievement": achievement,
        },
        "credentialStatus": {"id": links.revocations_url(), "type": "1EdTechRevocationList"},
    }
    if award.expires_at is not None:
        credential["validUntil"] = iso(award.expires_at)
    return credential


def header_for(issuer: IssuerProfile, key: SigningKey) -> dict:
    return {"alg": "RS256", "kid": Links(issuer).key_url(key), "typ": "JWT"}


def vc_jwt(issuer: IssuerProfile, award: BadgeAward, *, key: SigningKey | None = None) -> str:
    key = key or signing_key_current()
    credential = credential_document(issuer, award)
    claims = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": calendar.timegm(award.issued_at.utctimetuple()),
        "iat": calendar.timegm(award.issued_at.utctimetuple()),
    }
    if award.expires_at is not None:
        claims["exp"] = calendar.timegm(award.expires_at.utctimetuple())
    return compact_jws(dumps(claims), key, header=header_for(issuer, key))
