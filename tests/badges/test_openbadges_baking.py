"""Baking: the assertion inside the PNG (an iTXt chunk right after IHDR) and the SVG, read back by our own
unbaking; baking twice leaves one chunk; the image stays a PNG that Pillow opens."""

import io
import json
import struct

import pytest
from defusedxml import ElementTree
from django.urls import reverse
from PIL import Image

from apps.badges.openbadges import baking

from .openbadges_helpers import fetch, make_award_in


def _png(size=(3, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#2457d6").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


def _chunk_types(data: bytes) -> list[bytes]:
    return [kind for kind, _body, _raw in baking._chunks(data)]


def test_a_png_carries_the_payload_right_after_ihdr_and_reads_back():
    baked = baking.bake_png(PNG, '{"id": "https://acme.example/a/1", "name": "Ünïcode ✓"}')

    assert _chunk_types(baked)[:2] == [b"IHDR", b"iTXt"]
    assert baking.unbake_png(baked) == '{"id": "https://acme.example/a/1", "name": "Ünïcode ✓"}'
    assert Image.open(io.BytesIO(baked)).size == (3, 2)


def test_the_itxt_chunk_is_keyword_nul_uncompressed_no_language():
    baked = baking.bake_png(PNG, "payload")
    _kind, body, raw = next(chunk for chunk in baking._chunks(baked) if chunk[0] == b"iTXt")

    assert body == b"openbadges\x00\x00\x00\x00\x00payload"
    assert struct.unpack(">I", raw[:4])[0] == len(body)


def test_baking_again_replaces_the_earlier_payload():
    once = baking.bake_png(PNG, "first")

    twice = baking.bake_png(once, "second")

    assert _chunk_types(twice).count(b"iTXt") == 1
    assert baking.unbake_png(twice) == "second"


def test_a_png_without_a_payload_reads_as_none_and_garbage_is_refused():
    assert baking.unbake_png(PNG) is None
    with pytest.raises(baking.BakingError):
        baking.bake_png(b"GIF89a not a png", "x")
    with pytest.raises(baking.BakingError):
        baking.unbake_png(PNG[:20])


def test_an_svg_carries_the_verify_url_and_the_json_and_reads_back():
    payload = json.dumps({"id": "https://acme.example/a/1", "narrative": 'tricky ]]> and <b> & "quotes"'})

    svg = baking.bake_svg(
        PNG, verify='https://acme.example/a/1?x="1"&y=2', assertion_json=payload, title="A & B"
    )

    assert svg.split("\n", 1)[1].startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"'
    )
    assert svg.split(">", 2)[2].startswith("<openbadges:assertion ")  # the svg element's first child
    assert 'width="3" height="2"' in svg
    assert baking.unbake_svg(svg) == ('https://acme.example/a/1?x="1"&y=2', payload)
    root = ElementTree.fromstring(svg.encode())  # well-formed XML, namespaces declared
    element = root[0]
    assert element.tag == "{http://openbadges.org}assertion"
    assert element.get("verify") == 'https://acme.example/a/1?x="1"&y=2'
    assert element.text == payload
    assert baking.unbake_svg("<svg></svg>") == (None, None)


@pytest.mark.django_db
def test_the_served_baked_png_and_svg_carry_the_hosted_assertion(acme):
    award = make_award_in(acme)
    assertion_path = reverse("badges:ob_assertion", args=[award.uid])
    assertion = fetch("http://acme.learnstack.test" + assertion_path).json()

    png = fetch(
        "http://acme.learnstack.test" + reverse("badges:ob_assertion_image", args=[award.uid]),
        accept="image/png",
    )
    svg = fetch(
        "http://acme.learnstack.test" + reverse("badges:ob_assertion_svg", args=[award.uid]),
        accept="image/svg+xml",
    )

    assert png["Content-Type"] == "image/png"
    assert json.loads(baking.unbake_png(png.content)) == assertion
    assert Image.open(io.BytesIO(png.content)).size == (400, 400)
    assert svg["Content-Type"].startswith("image/svg+xml")
    verify, content = baking.unbake_svg(svg.content.decode())
    assert verify == assertion["id"]
    assert json.loads(content) == assertion
    assert "sandbox" in svg["Content-Security-Policy"]
