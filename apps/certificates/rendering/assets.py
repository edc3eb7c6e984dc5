"""Images a template prints (logo, signature) read from storage by name, and the QR code.

Stored template files are never rewritten (each upload gets a new uuid name), so a read image is kept
per process by name: a bulk run of a thousand certificates reads the logo once."""

import itertools
import logging
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from io import BytesIO

from django.core.files.storage import default_storage
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.utils import ImageReader

logger = logging.getLogger(__name__)

# The Reed-Solomon generator polynomial depends only on the error-correction length: reportlab builds it
# again for every code. Kept per length (the function is pure; its result is never modified).
qrencoder.QRUtil.getErrorCorrectPolynomial = staticmethod(
    lru_cache(maxsize=64)(qrencoder.QRUtil.getErrorCorrectPolynomial)
)

_IMAGES: OrderedDict[str, ImageReader | None] = OrderedDict()
_IMAGES_MAX = 64
_IMAGES_LOCK = threading.Lock()


def image(name: str | None) -> ImageReader | None:
    """The stored image `name` as an ImageReader, or None (no name, or the file is gone or unreadable:
    the certificate is still printed, without it)."""
    if not name:
        return None
    with _IMAGES_LOCK:
        if name in _IMAGES:
            _IMAGES.move_to_end(name)
            return _IMAGES[name]
    reader = None
    try:
        with default_storage.open(name, "rb") as handle:
            reader = ImageReader(BytesIO(handle.read()))
        reader.getSize()
    except Exception:  # a missing or broken asset must not stop the certificate
        logger.warning("certificate asset %s could not be read", name, exc_info=True)
        return None  # not kept: the file may be there next time
    with _IMAGES_LOCK:
        _IMAGES[name] = reader
        while len(_IMAGES) > _IMAGES_MAX:
            _IMAGES.popitem(last=False)
    return reader


def draw_image(
    canvas, reader: ImageReader, x: float, y: float, max_w: float, max_h: float, *, align="center"
):
    """Draw `reader` inside the box (x, y, max_w, max_h), aspect kept, bottom-aligned; `align` is the
    horizontal placement in the box. Returns the drawn (width, height)."""
    iw, ih = reader.getSize()
    scale = min(max_w / iw, max_h / ih)
    w, h = iw * scale, ih * scale
    if align == "center":
        x += (max_w - w) / 2
    elif align == "right":
        x += max_w - w
    canvas.drawImage(reader, x, y, w, h, mask="auto")
    return w, h


def qr_matrix(value: str) -> list[str]:
    """The QR code of `value` (error correction M) as rows of "1"/"0", with the mask chosen by the
    standard penalty rules. reportlab's encoder makes the modules once (with mask 0); the seven other
    masks are derived from it with precomputed bit rows (masks flip only data modules; the format bits
    name the mask), since encoding eight times, and reportlab's own scoring, cost more than the rest of
    a certificate."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    n = code.moduleCount
    base = [int("".join("1" if dark else "0" for dark in row), 2) for row in code.modules]
    flips, format_area, formats = _mask_rows(code.version)
    best, best_rows = None, None
    for mask in range(8):
        rows = [
            format(((bits ^ flip) & ~area) | fmt, f"0{n}b")
            for bits, flip, area, fmt in zip(base, flips[mask], format_area, formats[mask], strict=True)
        ]
        score = _penalty(rows)
        if best is None or score < best:
            best, best_rows = score, rows
    return best_rows


@lru_cache(maxsize=8)
def _mask_rows(version: int):
    """For one QR version at level M, as bit rows (column 0 the highest bit): per mask, the data modules
    it flips relative to mask 0; the format-information area; per mask, the format bits."""
    probe = qrencoder.QRCode(version, qrencoder.QRErrorCorrectLevel.M)
    probe.moduleCount = n = version * 4 + 17
    probe.modules = [[False] * n for _ in range(n)]
    positions = list(probe.dataPosIterator())
    masks = [qrencoder.QRUtil.getMask(k) for k in range(8)]
    flips = []
    for k in range(8):
        rows = [0] * n
        for col, row in positions:
            if masks[k](row, col) != masks[0](row, col):
                rows[row] |= 1 << (n - 1 - col)
        flips.append(rows)
    formats = []
    area = [0] * n
    for k in range(8):
        probe.modules = [[None] * n for _ in range(n)]
        probe.setupTypeInfo(False, k)
        rows = [0] * n
        for r in range(n):
            for c in range(n):
                if probe.modules[r][c] is not None:
                    area[r] |= 1 << (n - 1 - c)
                    if probe.modules[r][c]:
                        rows[r] |= 1 << (n - 1 - c)
        formats.append(rows)
    return flips, area, formats


_RUN = re.compile(r"0{5,}|1{5,}")


def _penalty(rows: list[str]) -> int:
    """ISO/IEC 18004 mask penalty: runs of 5+, 2x2 blocks, finder-like patterns, dark/light balance."""
    n = len(rows)
    lines = rows + ["".join(column) for column in zip(*rows, strict=True)]
    score = 0
    for line in lines:
        for run in _RUN.finditer(line):
            score += run.end() - run.start() - 2
        score += 40 * (line.count("10111010000") + line.count("00001011101"))
    bits = [int(row, 2) for row in rows]
    inner = (1 << (n - 1)) - 1
    for a, b in itertools.pairwise(bits):
        dark = a & b & (a >> 1) & (b >> 1) & inner
        light = ~(a | b | (a >> 1) | (b >> 1)) & inner
        score += 3 * (dark.bit_count() + light.bit_count())
    dark_share = sum(row.count("1") for row in rows) * 100 / (n * n)
    score += 10 * int(abs(dark_share - 50) // 5)
    return score


_DARK = re.compile(r"1+")


def draw_qr(canvas, value: str, x: float, y: float, size: float, *, color=None) -> None:
    """A QR code of `value`, `size` points square with its lower-left corner at (x, y); no quiet zone of
    its own (the layouts leave white around it). Drawn as one fill of rectangles, one per run of dark
    modules, in a coordinate system of one unit per module (whole numbers: a short content stream, and
    no seams between rows)."""
    rows = qr_matrix(value)
    n = len(rows)
    step = size / n
    operators = []
    for r, row in enumerate(rows):
        line = n - 1 - r
        operators.extend(
            f"{run.start()} {line} {run.end() - run.start()} 1 re" for run in _DARK.finditer(row)
        )
    canvas.saveState()
    if color is not None:
        canvas.setFillColor(color)
    canvas.transform(step, 0, 0, step, x, y)
    canvas._code.append(" ".join(operators) + " f")  # reportlab's content stream (canvas.drawPath, unrolled)
    canvas.restoreState()
