"""Runs inside the validator's Python 3.9 virtualenv (tests/badges/validator/__init__.py builds it).

Reads a JSON spec on stdin: {"documents": [{"url", "body_base64", "content_type", "status"}], "recipient":
{"email": ...} | null, and "input" (a URL, JSON or a JWS) or "file_base64" (a baked PNG or SVG)}. Serves the
documents and the Open Badges v2 context (the validator's own copy) through `responses`, so nothing goes to
the network, calls openbadges.verify() and prints its report as JSON on stdout."""

import base64
import io
import json
import sys

import openbadges
import responses
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT, OPENBADGES_CONTEXT_V2_URI


def main():
    spec = json.load(sys.stdin)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.GET,
            OPENBADGES_CONTEXT_V2_URI,
            body=json.dumps(OPENBADGES_CONTEXT_V2_DICT),
            content_type="application/ld+json",
        )
        for document in spec["documents"]:
            mock.add(
                responses.GET,
                document["url"],
                body=base64.b64decode(document["body_base64"]),
                status=document.get("status", 200),
                content_type=document["content_type"],
            )
        if spec.get("file_base64"):
            badge_input = io.BytesIO(base64.b64decode(spec["file_base64"]))
            badge_input.name = "baked-badge"
        else:
            badge_input = spec["input"]
        report = openbadges.verify(badge_input, recipient_profile=spec.get("recipient"), use_cache=False)
    json.dump(report, sys.stdout, default=str)


if __name__ == "__main__":
    main()
