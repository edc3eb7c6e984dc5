"""(No tests here.) What the transfer tests share: a bank of teacher@'s course in acme, files built at test time (GIFT text,
text2qti packages, hostile zips) and uploads through the service, the API and the page, with the
on-commit queueing run for real (a test's transaction never commits, so callbacks are captured and run)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from model_bakery import baker
from text2qti.config import Config
from text2qti.qti import QTI
from text2qti.quiz import Quiz

from apps.assessments.bank import services as bank_services
from tests.conftest import client_for, in_org, jwt_for

GIFT_ALL_TYPES = """\
// [tag:frogs]
::TF::Frogs are amphibians.{T#Right.#Wrong.}

::MC::Which is a frog?{=Bullfrog#Yes ~Newt#No, a salamander ~Lizard}

::MR::Which are amphibians?{~%50%Frog ~%50%Newt ~%-100%Snake}

$CATEGORY: $course$/top/Unit 2/Numbers

::NUM::How many legs does a frog have?{#4:0#Right}

::RANGE::A number from 1 to 2.{#1..2}

::SA::Name a frog species.{=Bullfrog =%50%Tree frog#Close}

::MATCH::Match the sounds.{=Frog -> Croak =Cat -> Meow =Dog -> Woof}

::ESSAY::Describe a frog.{}

::INTRO::Frogs live near water.
"""

BAD_QUESTION = "::BAD::How many?{#=%-50%3}\n\n"


def t2q(text: str) -> bytes:
    """A QTI 1.2 package, as text2qti writes it."""
    return QTI(Quiz(text, config=Config(), source_name="t")).zip_bytes()


QTI_WITH_GROUP = (
    "Quiz title: Week 1 check\n"
    "Shuffle answers: true\n"
    "One question at a time: true\n\n"
    "1.  Before the group?\n*a) yes\nb) no\n\n"
    "GROUP\npick: 2\npoints per question: 4\n"
    "1.  G1?\n*a) yes\nb) no\n\n2.  G2?\n*a) yes\nb) no\n\n3.  G3?\n=   7\n"
    "END_GROUP\n\n"
    "2.  After the group?\n*a) yes\nb) no\n"
)


def make_zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def zip_slip() -> bytes:
    return make_zip({"imsmanifest.xml": "<manifest/>", "../../etc/evil.xml": "<x/>"})


def zip_bomb() -> bytes:
    return make_zip({"imsmanifest.xml": "<manifest/>", "big.xml": b"<" + b"a" * (12 * 1024 * 1024)})


def entity_bomb() -> bytes:
    """A package whose manifest declares entities (billion laughs)."""
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<manifest>&lol2;</manifest>"
    )
    return make_zip({"imsmanifest.xml": lol})


def gift_file(text: str, name: str = "quiz.gift.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def zip_file(data: bytes, name: str = "quiz.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """`with run_jobs(): <upload>`: what commits inside queues the import, which runs eagerly at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def bank(acme, acme_teacher):
    """teacher@'s course "Biology" and its category "Imported"."""
    with in_org(acme):
        course = baker.make_recipe("courses.course", owner=acme_teacher, title="Biology")
        category = bank_services.category_create(actor=acme_teacher, course=course, name="Imported")
        return course, category


def api_for(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))
