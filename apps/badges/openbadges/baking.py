"""Baking: the assertion carried inside the badge image, as Open Badges 2.0 says (and openbadges-bakery does),
and the Open Badges 3.0 credential, as 1EdTech ob_v3p0 "Baked Badge" says.

PNG: an iTXt chunk with keyword `openbadges` (uncompressed, no language, no translated keyword) whose text
is the assertion JSON or a signed assertion (compact JWS), inserted right after IHDR; any earlier
`openbadges` chunk (iTXt or tEXt) is removed first, so baking twice leaves one. OB 3.0: the same with
keyword `openbadgecredential` and the VC-JWT as text; each keyword only removes its own chunks.

SVG: `<svg xmlns:openbadges="http://openbadges.org">` whose first child is
`<openbadges:assertion verify="<the assertion's URL or the JWS>">` with the assertion JSON in a CDATA
section; the picture itself is the badge's PNG embedded as a data URI. OB 3.0: `xmlns:openbadges` is
`https://purl.imsglobal.org/ob/v3p0` and the first child an empty `<openbadges:credential verify="<VC-JWT>">`
(a VC-JWT goes in `verify`; only an embedded-proof credential would go in the body).
"""

import base64
import re
import struct
import zlib
from xml.sax.saxutils import quoteattr

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadges"
CREDENTIAL_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "http://openbadges.org"
CREDENTIAL_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


class BakingError(ValueError):
    """The bytes are not a PNG (or an SVG) that can be baked or read."""


def _chunks(data: bytes):
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("Not a PNG file.")
    position = len(PNG_SIGNATURE)
    while position < len(data):
        if position + 8 > len(data):
            raise BakingError("Truncated PNG chunk.")
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise BakingError("Truncated PNG chunk.")
        yield kind, data[position + 8 : position + 8 + length], data[position:end]
        position = end


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def _is_text(kind: bytes, body: bytes, keyword: bytes) -> bool:
    return kind in (b"iTXt", b"tEXt") and body.split(b"\x00", 1)[0] == keyword


def bake_png(image: bytes, payload: str, *, keyword: bytes = KEYWORD) -> bytes:
    """`image` with `payload` (assertion JSON or a JWS; with CREDENTIAL_KEYWORD, the VC-JWT) in an
    uncompressed iTXt chunk named `keyword` right after IHDR, replacing any earlier one of that keyword."""
    body = keyword + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + payload.encode("utf-8")
    out = [PNG_SIGNATURE]
    seen_header = False
    for kind, chunk_body, raw in _chunks(image):
        if _is_text(kind, chunk_body, keyword):
            continue
        out.append(raw)
        if kind == b"IHDR":
            seen_header = True
            out.append(_chunk(b"iTXt", body))
    if not seen_header:
        raise BakingError("The PNG has no IHDR chunk.")
    return b"".join(out)


def unbake_png(image: bytes) -> str | None:
    """The text of the image's `openbadges` chunk, or None when it has none."""
    for kind, body, _raw in _chunks(image):
        if not _is_text(kind, body, KEYWORD):
            continue
        if kind == b"tEXt":
            return body.split(b"\x00", 1)[1].decode("latin-1")
        # iTXt: keyword NUL, compression flag, method, language NUL, translated keyword NUL, text.
        rest = body[len(KEYWORD) + 1 :]
        compressed, rest = rest[0], rest[2:]
        _language, rest = rest.split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
        return (zlib.decompress(text) if compressed else text).decode("utf-8")
    return None


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def png_dimensions(image: bytes) -> tuple[int, int]:
    for kind, body, _raw in _chunks(image):
        if kind == b"IHDR":
            return struct.unpack(">II", body[:8])
    raise BakingError("The PNG has no IHDR chunk.")


def _svg(image_png: bytes, *, namespace: str, carrier: str, title: str) -> str:
    """An SVG showing the badge's PNG, `openbadges` bound to `namespace` and `carrier` its first child."""
    width, height = png_dimensions(image_png)
    picture = "data:image/png;base64," + base64.b64encode(image_png).decode("ascii")
    title_element = f"<title>{_escape(title)}</title>" if title else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{namespace}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"{carrier}"
        f"{title_element}"
        f'<image width="{width}" height="{height}" href="{picture}"/>'
        "</svg>\n"
    )


def bake_svg(image_png: bytes, *, verify: str, assertion_json: str, title: str = "") -> str:
    """An SVG showing the badge's PNG and carrying the assertion (verify = its URL, or the JWS)."""
    carrier = (
        f"<openbadges:assertion verify={quoteattr(verify)}>{_cdata(assertion_json)}</openbadges:assertion>"
    )
    return _svg(image_png, namespace=SVG_NAMESPACE, carrier=carrier, title=title)


def bake_svg_credential(image_png: bytes, *, token: str, title: str = "") -> str:
    """An SVG showing the badge's PNG and carrying the OB 3.0 credential (the VC-JWT, in `verify`)."""
    carrier = f"<openbadges:credential verify={quoteattr(token)}></openbadges:credential>"
    return _svg(image_png, namespace=CREDENTIAL_SVG_NAMESPACE, carrier=carrier, title=title)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SVG_ASSERTION = re.compile(r"<openbadges:assertion\b([^>]*)>(.*?)</openbadges:assertion>", re.DOTALL)
_VERIFY = re.compile(r"""verify\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def unbake_svg(svg: str) -> tuple[str | None, str | None]:
    """(verify, assertion JSON) of a baked SVG; (None, None) when it carries none."""
    from xml.sax.saxutils import unescape

    match = _SVG_ASSERTION.search(svg)
    if match is None:
        return None, None
    attributes, content = match.groups()
    verify_match = _VERIFY.search(attributes)
    verify = None
    if verify_match:
        verify = unescape(
            verify_match.group(1) or verify_match.group(2) or "", {"&quot;": '"', "&apos;": "'"}
        )
    text = "".join(re.findall(r"<!\[CDATA\[(.*?)\]\]>", content, re.DOTALL)) or content.strip()
    return verify, text or None
