"""Safe ZIP and XML opening (apps.assessments.formats.archive) against hostile files built in the test."""

import io
import os
import re
import stat
import struct
import warnings
import zipfile

import pytest

from apps.assessments.formats.archive import open_zip, parse_xml, resolve_href
from apps.assessments.formats.base import FormatError


def make_zip(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """entries: [(name or ZipInfo, bytes)]."""
    stream = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are written on purpose
        with zipfile.ZipFile(stream, "w", compression=compression) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return stream.getvalue()


def patch_headers(data: bytes, **fields) -> bytes:
    """Overwrite fields of every local and central header: flags, crc, csize, usize (what a forger would do)."""
    buf = bytearray(data)
    local = {"flags": (6, "<H"), "crc": (14, "<I"), "csize": (18, "<I"), "usize": (22, "<I")}
    central = {"flags": (8, "<H"), "crc": (16, "<I"), "csize": (20, "<I"), "usize": (24, "<I")}
    for signature, layout in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        start = 0
        while (pos := buf.find(signature, start)) != -1:
            for key, value in fields.items():
                offset, fmt = layout[key]
                struct.pack_into(fmt, buf, pos + offset, value)
            start = pos + 4
    return bytes(buf)


def test_a_normal_archive_lists_its_files_and_reads_them():
    data = make_zip(
        [("imsmanifest.xml", b"<manifest/>"), (zipfile.ZipInfo("dir/"), b""), ("dir/a.xml", b"<a/>")]
    )

    archive = open_zip(data)

    assert archive.names() == ["imsmanifest.xml", "dir/a.xml"]
    assert archive.read("dir/a.xml") == b"<a/>"
    assert "dir/a.xml" in archive
    assert "dir/" not in archive


def test_reading_a_missing_entry_is_a_format_error():
    archive = open_zip(make_zip([("a.xml", b"<a/>")]))

    with pytest.raises(FormatError, match="no file"):
        archive.read("b.xml")


@pytest.mark.parametrize("data", [b"", b"hello world", b"PK\x03\x04 this is not really a zip", b"<xml/>"])
def test_not_a_zip_is_refused(data):
    with pytest.raises(FormatError, match="not a"):
        open_zip(data)


def test_a_file_over_the_upload_cap_is_refused():
    data = make_zip([("a.bin", os.urandom(5000))], compression=zipfile.ZIP_STORED)

    with pytest.raises(FormatError, match="too big"):
        open_zip(data, max_bytes=4000)


def test_too_many_entries_are_refused():
    data = make_zip([(f"f{n}.xml", b"<a/>") for n in range(6)])

    assert len(open_zip(data, max_entries=6).names()) == 6
    with pytest.raises(FormatError, match="too many entries"):
        open_zip(data, max_entries=5)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.xml", "outside"),
        ("quiz/../../evil.xml", "outside"),
        ("quiz/./a.xml", "outside"),
        ("/etc/passwd", "absolute"),
        ("C:/Windows/evil.xml", "absolute"),
        ("c:evil.xml", "absolute"),
        ("..\\evil.xml", "backslash"),
        ("quiz\\a.xml", "backslash"),
    ],
)
def test_zip_slip_names_are_refused(name, message):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as zf:
        info = zipfile.ZipInfo("x")
        info.filename = name  # bypass ZipInfo's normalization, as a hand-made archive would
        zf.writestr(info, b"x")

    with pytest.raises(FormatError, match=message):
        open_zip(stream.getvalue())


def test_a_symlink_entry_is_refused():
    info = zipfile.ZipInfo("link.xml")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = make_zip([(info, b"/etc/passwd")])

    with pytest.raises(FormatError, match="symbolic link"):
        open_zip(data)


def test_an_encrypted_entry_is_refused():
    data = patch_headers(make_zip([("a.xml", b"<a/>")]), flags=0x1)

    with pytest.raises(FormatError, match="encrypted"):
        open_zip(data)


@pytest.mark.parametrize("second", ["a.xml", "a.xml/"])
def test_duplicate_names_are_refused(second):
    data = make_zip([("a.xml", b"<a/>"), (second, b"<b/>")])

    with pytest.raises(FormatError, match="twice"):
        open_zip(data)


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    # 9 MB of zeros: under the 10 MB entry cap, but it deflates ~1000:1.
    data = make_zip([("bomb.xml", b"\0" * (9 * 1024 * 1024))])
    assert len(data) < 20_000

    with pytest.raises(FormatError, match="suspiciously well"):
        open_zip(data)


def test_entries_sharing_their_compressed_bytes_are_refused():
    # A non-recursive zip bomb points many directory entries at the same compressed data.
    data = bytearray(make_zip([("a.xml", b"<a/>" * 10), ("b.xml", b"<b/>" * 10)]))
    second = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    struct.pack_into("<I", data, second + 42, 0)  # its local header offset -> the first entry's

    with pytest.raises(FormatError, match="overlaps"):
        open_zip(bytes(data))


def test_an_entry_over_the_entry_cap_is_refused_from_its_declared_size():
    data = make_zip([("big.bin", b"\0" * 3000)])

    with pytest.raises(FormatError, match="too big"):
        open_zip(data, max_entry_bytes=2000, max_ratio=10**6)


def test_entries_over_the_total_cap_are_refused():
    data = make_zip([(f"f{n}.bin", os.urandom(1000)) for n in range(5)])

    assert open_zip(data, max_total_uncompressed=5000)
    with pytest.raises(FormatError, match="unpacks to more than"):
        open_zip(data, max_total_uncompressed=4999)


def test_a_header_that_understates_the_size_is_caught_by_reading():
    # 300 KB of incompressible data whose headers claim 1000 bytes: the declared size passes every cap,
    # only reading the entry shows the truth.
    payload = os.urandom(300 * 1024)
    data = patch_headers(make_zip([("liar.bin", payload)]), usize=1000)

    with pytest.raises(FormatError, match=re.escape("liar.bin")):
        open_zip(data, max_entry_bytes=100_000)


def test_a_header_that_overstates_the_size_is_caught_by_reading():
    data = patch_headers(make_zip([("liar.bin", os.urandom(5000))]), usize=9000)

    with pytest.raises(FormatError, match=re.escape("liar.bin")):
        open_zip(data)


def test_a_wrong_checksum_is_refused():
    data = patch_headers(make_zip([("a.xml", b"<a>hello</a>")]), crc=12345)

    with pytest.raises(FormatError, match=re.escape("a.xml")):
        open_zip(data)


# --- XML ----------------------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


def test_parse_xml_reads_ordinary_xml():
    root = parse_xml(b'<?xml version="1.0" encoding="UTF-8"?><a x="1"><b>caf\xc3\xa9</b></a>')

    assert root.tag == "a"
    assert root.find("b").text == "café"


def test_billion_laughs_is_refused():
    with pytest.raises(FormatError, match="entities or a DTD"):
        parse_xml(BILLION_LAUGHS)


def test_xxe_is_refused_and_reads_nothing_from_disk(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xml = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'.encode()

    with pytest.raises(FormatError) as caught:
        parse_xml(xml)

    assert "TOP-SECRET-VALUE" not in str(caught.value)


def test_an_external_dtd_is_never_loaded(tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "TOP-SECRET-VALUE">')
    xml = f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file://{dtd}"><r>&leak;</r>'.encode()

    with pytest.raises(FormatError) as caught:
        parse_xml(xml)

    assert "TOP-SECRET-VALUE" not in str(caught.value)


def test_a_parameter_entity_is_refused(tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "TOP-SECRET-VALUE">')
    xml = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file://{dtd}"> %p;]><r>&leak;</r>'.encode()

    with pytest.raises(FormatError):
        parse_xml(xml)


def test_a_bare_doctype_as_old_qti_exporters_write_it_is_tolerated():
    root = parse_xml(
        b'<?xml version="1.0"?><!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd"><questestinterop/>'
    )

    assert root.tag == "questestinterop"


@pytest.mark.parametrize("data", [b"", b"<a>", b"<a></b>", b"not xml"])
def test_malformed_xml_is_a_format_error(data):
    with pytest.raises(FormatError, match="not well formed"):
        parse_xml(data)


# --- manifest paths -----------------------------------------------------------------------------------------


def test_resolve_href_normalizes_relative_and_encoded_paths():
    assert resolve_href("", "quiz/./a%20b.xml") == "quiz/a b.xml"
    assert resolve_href("items", "../shared/x.xml") == "shared/x.xml"


@pytest.mark.parametrize(
    "href", ["../x.xml", "/etc/passwd", "a\\b.xml", "C:/x.xml", "http://example.com/x.xml", ""]
)
def test_resolve_href_refuses_paths_leaving_the_archive(href):
    with pytest.raises(FormatError):
        resolve_href("", href)
