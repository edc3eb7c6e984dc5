"""The demo's courses have real covers drawn by the project (apps/demo/covers.py), stored through
the normal upload path in the organization's own folder; the catalog and the course page show them instead
of the letter placeholder, and seeding again leaves them as they are."""

import io
import re
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from apps.core.colors import AA_TEXT
from apps.courses.models import Course
from apps.demo.courses import DEMO_COURSES
from apps.demo.covers import SIZE, THEMES, cover_bytes, cover_image, text_contrast, theme_for
from tests.conftest import browser_for, in_org, person

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def seeded(demo_seed, acme, globex):
    """The demo, seeded once for this module (tests/conftest.py: demo_seed); each test's changes are undone."""


def covers(organization) -> dict[str, str]:
    with in_org(organization):
        return dict(Course.objects.values_list("slug", "cover"))


def test_every_demo_course_gets_a_cover_pillow_opens_at_16_by_9(acme, globex, seeded):
    for organization in (acme, globex):
        names = covers(organization)
        for spec in DEMO_COURSES[organization.slug]:
            name = names[spec.slug]
            assert name.startswith(f"{organization.schema_name}/covers/"), name
            with default_storage.open(name, "rb") as handle:
                image = Image.open(io.BytesIO(handle.read()))
                image.load()
            assert (image.format, image.size) == ("WEBP", SIZE)
            assert SIZE == (1200, 675)


def test_seeding_again_keeps_the_covers(acme, seeded):
    before = covers(acme)

    call_command("seed_demo", stdout=StringIO())

    assert covers(acme) == before
    assert all(before.values())


def test_a_demo_course_seeded_without_a_cover_gets_one_and_only_once(acme, seeded):
    with in_org(acme):
        Course.objects.filter(slug="algebra-foundations").update(cover="")
    others = {slug: name for slug, name in covers(acme).items() if slug != "algebra-foundations"}

    call_command("seed_demo", stdout=StringIO())
    given = covers(acme)
    call_command("seed_demo", stdout=StringIO())

    assert given["algebra-foundations"].startswith("acme/covers/")
    assert covers(acme) == given
    assert {slug: name for slug, name in given.items() if slug != "algebra-foundations"} == others


def test_the_catalog_and_course_page_show_the_cover_not_the_letter(acme, seeded):
    student = browser_for(acme, person(acme, "student"))
    with in_org(acme):
        algebra = Course.objects.get(slug="algebra-foundations")

    catalog = student.get("/courses/").content.decode()
    page = student.get(f"/courses/{algebra.pk}/").content.decode()
    served = student.get(f"/courses/{algebra.pk}/cover")

    assert re.search(rf'<img class="cover-image" src="/courses/{algebra.pk}/cover\?v=\d+"', catalog)
    assert 'class="cover-fallback"' not in catalog
    assert f'src="/courses/{algebra.pk}/cover?v=' in page
    assert 'class="cover-fallback"' not in page
    assert served.status_code == 200
    image = Image.open(io.BytesIO(b"".join(served.streaming_content) if served.streaming else served.content))
    assert image.size == SIZE


def test_the_white_title_reads_on_every_theme():
    for slug in [*THEMES, "history-of-rome", "intro-to-python"]:
        assert text_contrast(slug) >= AA_TEXT, slug


def test_each_course_gets_its_own_colours_and_motif_and_any_course_can_get_one():
    assert len({(theme.start, theme.end) for theme in THEMES.values()}) == len(THEMES)
    assert theme_for("history-of-rome") == theme_for("history-of-rome")
    assert theme_for("intro-to-physics", "Physics").motif == "orbits"

    name, data = cover_bytes(title="History of Rome", slug="history-of-rome", subject="History")
    image = Image.open(io.BytesIO(data))
    assert (name, image.size) == ("history-of-rome-cover.webp", SIZE)


def test_the_cover_is_drawn_not_blank():
    image = cover_image(title="Algebra Foundations", slug="algebra-foundations", subject="Mathematics")
    left_colour, right_colour = image.getpixel((4, 4)), image.getpixel((SIZE[0] - 4, SIZE[1] - 4))
    title_area = image.crop((60, 420, 560, 640)).convert("L")

    assert left_colour != right_colour  # a gradient
    assert title_area.getextrema()[1] > 240  # the white title
    assert len(image.resize((120, 68)).getcolors(maxcolors=10_000)) > 200  # a motif, not a flat fill
