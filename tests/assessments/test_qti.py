"""QTI import and export (apps.assessments.formats.qti).

Canvas-flavoured QTI 1.2 packages are generated at test time with text2qti from the small quiz texts
below; QTI 2.1 items are written by hand, one per interaction; hostile packages are built in the test.
"""

import dataclasses
import io
import re
import zipfile

import pytest
from text2qti.config import Config
from text2qti.qti import QTI
from text2qti.quiz import Quiz

from apps.assessments.formats.base import FormatError, ParsedGroup, ParsedQuestion, ParsedQuiz
from apps.assessments.formats.qti import export_qti, parse_qti
from apps.assessments.qtypes import qtype_for


def t2q(text: str) -> bytes:
    return QTI(Quiz(text, config=Config(), source_name="t")).zip_bytes()


def parse_txt(text: str) -> ParsedQuiz:
    return parse_qti(t2q(text))


def only(quiz: ParsedQuiz) -> ParsedQuestion:
    assert quiz.skipped == []
    assert len(quiz.questions) == 1
    return quiz.questions[0]


def rewrite(package: bytes, edit) -> bytes:
    """A copy of the zip with edit(name, bytes) -> bytes applied to every file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, data if info.is_dir() else edit(info.filename, data))
    return out.getvalue()


def make_zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def multiple_fraction(data: dict, chosen: set[str]) -> float:
    """The contract's grading rule for "multiple": clamp(sum of the chosen options' fractions, 0, 1)."""
    return max(0.0, min(1.0, sum(o["fraction"] for o in data["options"] if o["id"] in chosen)))


# --- QTI 1.2 from text2qti ----------------------------------------------------------------------------------


def test_quiz_settings_come_from_assessment_meta():
    quiz = parse_txt(
        "Quiz title: Week 1 check\n"
        "Quiz description: Read *chapter 1* first.\n"
        "Shuffle answers: true\n"
        "Show correct answers: false\n"
        "One question at a time: true\n"
        "Can't go back: true\n\n"
        "1.  Two plus two?\n*a) 4\nb) 5\n"
    )

    assert quiz.title == "Week 1 check"
    assert quiz.description == "<p>Read <em>chapter 1</em> first.</p>"
    assert quiz.settings == {
        "title": "Week 1 check",
        "description": "<p>Read <em>chapter 1</em> first.</p>",
        "shuffle_answers": True,
        "attempts_allowed": 1,
        "questions_per_page": 1,
        "navigation": "sequential",
        "grade_method": "highest",
    }


def test_settings_default_to_free_navigation_and_one_page():
    quiz = parse_txt("Quiz title: Q\nShuffle answers: false\n\n1.  Two plus two?\n*a) 4\nb) 5\n")

    assert quiz.settings["shuffle_answers"] is False
    assert quiz.settings["navigation"] == "free"
    assert quiz.settings["questions_per_page"] == 0


def test_canvas_time_limit_attempts_and_scoring_policy():
    # text2qti always writes keep_highest and one attempt and no time limit; Canvas's own exports vary them.
    def edit(name, data):
        if name.endswith("assessment_meta.xml"):
            data = data.replace(b"<scoring_policy>keep_highest", b"<scoring_policy>keep_latest")
            data = data.replace(b"<allowed_attempts>1", b"<allowed_attempts>-1")
            data = data.replace(b"<quiz_type>", b"<time_limit>45</time_limit><quiz_type>")
        return data

    quiz = parse_qti(rewrite(t2q("1.  Two plus two?\n*a) 4\nb) 5\n"), edit))

    assert quiz.settings["time_limit"] == 45 * 60
    assert quiz.settings["attempts_allowed"] == 0
    assert quiz.settings["grade_method"] == "last"


@pytest.mark.parametrize(("policy", "method"), [("keep_highest", "highest"), ("keep_average", "average")])
def test_scoring_policies_map_to_grade_methods(policy, method):
    package = rewrite(
        t2q("1.  Two plus two?\n*a) 4\nb) 5\n"),
        lambda name, data: data.replace(b"keep_highest", policy.encode()),
    )

    assert parse_qti(package).settings["grade_method"] == method


def test_multiple_choice_with_points_and_every_kind_of_feedback():
    question = only(
        parse_txt(
            "Title: Capital\nPoints: 2.5\n"
            "1.  What is the capital of **France**?\n"
            "... Paris has been the capital since 987.\n"
            "+ Well done.\n"
            "- Not quite.\n"
            "a) Lyon\n... Lyon is the third city.\n"
            "*b) Paris\n"
            "c) Nice\n"
        )
    )

    assert question.qtype == "choice"
    assert question.name == "Capital"
    assert question.text == "<p>What is the capital of <strong>France</strong>?</p>"
    assert question.default_mark == 2.5
    assert question.penalty == pytest.approx(0.3333333)
    assert question.general_feedback == "<p>Paris has been the capital since 987.</p>"
    ids = [option["id"] for option in question.data["options"]]
    # text2qti's long identifiers become hashes: opaque (the right option is not "a"), distinct, short.
    assert len(set(ids)) == 3
    assert all(i.startswith("o") and len(i) == 7 for i in ids)
    a, b, c = ids
    assert question.data == {
        "options": [
            {
                "id": a,
                "text": "<p>Lyon</p>",
                "fraction": 0.0,
                "feedback": "<p>Lyon is the third city.</p><p>Not quite.</p>",
            },
            {"id": b, "text": "<p>Paris</p>", "fraction": 1.0, "feedback": "<p>Well done.</p>"},
            {"id": c, "text": "<p>Nice</p>", "fraction": 0.0, "feedback": "<p>Not quite.</p>"},
        ],
        "shuffle": True,
    }
    assert question.source_ref.startswith("text2qti_question_")


def test_a_question_without_a_title_is_named_from_its_text():
    question = only(parse_txt("1.  Which planet is the largest in the solar system?\n*a) Jupiter\nb) Mars\n"))

    assert question.name == "Which planet is the largest in the solar system?"


def test_true_false():
    question = only(parse_txt("1.  The Earth is flat.\na) True\n... It is round.\n*b) False\n"))

    assert question.qtype == "truefalse"
    assert question.penalty == 1.0
    assert question.data == {"correct": False, "feedback_true": "<p>It is round.</p>", "feedback_false": ""}


def test_multiple_answers_split_one_between_the_right_options_and_deduct_for_wrong_ones():
    question = only(parse_txt("Points: 3\n1.  Which are prime?\n[*] 2\n[ ] 4\n[*] 3\n[*] 5\n[ ] 9\n"))

    assert question.qtype == "multiple"
    assert question.default_mark == 3.0
    fractions = {o["text"]: o["fraction"] for o in question.data["options"]}
    assert fractions == pytest.approx(
        {"<p>2</p>": 1 / 3, "<p>4</p>": -1 / 3, "<p>3</p>": 1 / 3, "<p>5</p>": 1 / 3, "<p>9</p>": -1 / 3}
    )
    ids = {o["text"]: o["id"] for o in question.data["options"]}
    canvas_correct = {ids["<p>2</p>"], ids["<p>3</p>"], ids["<p>5</p>"]}
    # The response Canvas marks right scores exactly 1.0; anything else scores less, never below 0.
    assert multiple_fraction(question.data, canvas_correct) == 1.0
    assert multiple_fraction(question.data, canvas_correct | {ids["<p>4</p>"]}) == pytest.approx(2 / 3)
    assert multiple_fraction(question.data, {ids["<p>2</p>"]}) == pytest.approx(1 / 3)
    assert multiple_fraction(question.data, {ids["<p>4</p>"], ids["<p>9</p>"]}) == 0.0
    assert multiple_fraction(question.data, set(ids.values())) == pytest.approx(1 / 3)


def test_multiple_answers_grade_the_canvas_correct_response_right_with_the_registered_grader():
    question = only(
        parse_txt("1.  Which are prime?\n[*] 2\n[ ] 4\n[*] 3\n[*] 5\n[*] 7\n[*] 11\n[*] 13\n[ ] 1\n")
    )
    right = {o["id"] for o in question.data["options"] if o["fraction"] > 0}
    four = next(o["id"] for o in question.data["options"] if o["text"] == "<p>4</p>")
    multiple = qtype_for("multiple")

    grade = multiple.grade(question.data, {"choices": sorted(right)})
    with_a_wrong_one = multiple.grade(question.data, {"choices": sorted(right | {four})})

    assert len(right) == 6
    assert grade.fraction == pytest.approx(1.0)
    assert grade.state == "right"
    assert with_a_wrong_one.fraction == pytest.approx(5 / 6)
    assert with_a_wrong_one.state == "partial"


def test_short_answer_with_answer_and_outcome_feedback():
    question = only(
        parse_txt("1.  Capital of Italy?\n... Rome.\n+ Bravo.\n- No: it is Rome.\n*   Rome\n*   Roma\n")
    )

    assert question.qtype == "shortanswer"
    assert question.general_feedback == "<p>Rome.</p>"
    assert question.data == {
        "answers": [
            {"text": "Rome", "fraction": 1.0, "feedback": "<p>Bravo.</p>"},
            {"text": "Roma", "fraction": 1.0, "feedback": "<p>Bravo.</p>"},
            {"text": "*", "fraction": 0.0, "feedback": "<p>No: it is Rome.</p>"},
        ],
        "case_sensitive": False,
    }


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        ("3.14 +- 0.01", {"value": 3.14, "tolerance": 0.01}),
        ("200 +- 5%", {"value": 200.0, "tolerance": 10.0}),
        ("[1.5, 2.25]", {"min": 1.5, "max": 2.25}),
        ("[1, 2]", {"min": 1.0, "max": 2.0}),
        ("42", {"value": 42.0, "tolerance": 0.0}),
    ],
)
def test_numerical_forms(spec, answer):
    question = only(parse_txt(f"1.  A number?\n=   {spec}\n"))

    assert question.qtype == "numeric"
    assert question.data == {
        "answers": [{**answer, "fraction": 1.0, "feedback": ""}],
        "units": [],
        "unit_required": False,
    }


def test_numerical_feedback_becomes_answer_feedback_and_a_catch_all():
    question = only(
        parse_txt("1.  Pi to two places?\n... Think circles.\n+ Yes.\n- No.\n=   3.14 +- 0.005\n")
    )

    assert question.general_feedback == "<p>Think circles.</p>"
    assert question.data["answers"] == [
        {"value": 3.14, "tolerance": 0.005, "fraction": 1.0, "feedback": "<p>Yes.</p>"},
        {"value": None, "fraction": 0.0, "feedback": "<p>No.</p>"},
    ]


def test_essay_text_region_and_file_upload():
    quiz = parse_txt(
        "Text title: Instructions\nText: Answer *everything*.\n\n"
        "Points: 5\n1.  Discuss the causes of the war.\n... Mention at least two.\n____\n\n"
        "2.  Upload your drawing.\n^^^^\n"
    )

    description, essay = quiz.questions
    assert description.qtype == "description"
    assert description.name == "Instructions"
    assert description.text == "<p>Answer <em>everything</em>.</p>"
    assert description.default_mark == 0.0
    assert description.data == {}
    assert essay.qtype == "essay"
    assert essay.default_mark == 5.0
    assert essay.general_feedback == "<p>Mention at least two.</p>"
    assert essay.data == {
        "min_words": None,
        "max_words": None,
        "template": "",
        "grader_info": "",
        "format": "html",
    }
    assert len(quiz.skipped) == 1
    assert quiz.skipped[0].ref.startswith("text2qti_question_")
    assert quiz.skipped[0].reason == "File upload questions are not supported."


def test_a_group_picks_n_questions_with_points_per_item():
    quiz = parse_txt(
        "1.  Before the group?\n*a) yes\nb) no\n\n"
        "GROUP\npick: 2\npoints per question: 4\n"
        "1.  G1?\n*a) yes\nb) no\n\n2.  G2?\n*a) yes\nb) no\n\n3.  G3?\n=   7\n"
        "END_GROUP\n\n"
        "2.  After the group?\n*a) yes\nb) no\n"
    )

    assert [type(q).__name__ for q in quiz.questions] == ["ParsedQuestion", "ParsedGroup", "ParsedQuestion"]
    group = quiz.questions[1]
    assert group.pick == 2
    assert group.points_per_item == 4.0
    assert [q.text for q in group.questions] == ["<p>G1?</p>", "<p>G2?</p>", "<p>G3?</p>"]
    assert [q.qtype for q in group.questions] == ["choice", "choice", "numeric"]


def test_every_type_text2qti_writes_in_one_quiz():
    quiz = parse_txt(
        "1.  MC\n*a) x\nb) y\n\n2.  TF\n*a) True\nb) False\n\n3.  MA\n[*] x\n[ ] y\n\n"
        "4.  SA\n*   x\n\n5.  Num\n=   1\n\n6.  Essay\n____\n\n7.  Up\n^^^^\n\nText: T\n"
    )

    assert [q.qtype for q in quiz.questions] == [
        "choice",
        "truefalse",
        "multiple",
        "shortanswer",
        "numeric",
        "essay",
        "description",
    ]
    assert [s.reason for s in quiz.skipped] == ["File upload questions are not supported."]


# --- QTI 1.2 written by hand (Canvas shapes text2qti does not write, and broken items) ------------------------

CANVAS_ITEM = """<item ident="{ident}" title="{title}">
  <itemmetadata><qtimetadata>
    <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>{qtype}</fieldentry></qtimetadatafield>
    <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1.0</fieldentry></qtimetadatafield>
  </qtimetadata></itemmetadata>
  {body}
</item>"""


def qti12_package(*items: str, meta: str | None = None) -> bytes:
    assessment = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">'
        '<assessment ident="A1" title="Hand made"><section ident="root_section">'
        + "".join(items)
        + "</section></assessment></questestinterop>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest identifier="M" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"><resources>'
        '<resource identifier="A1" type="imsqti_xmlv1p2"><file href="A1/A1.xml"/>'
        '<dependency identifierref="A1_meta"/></resource>'
        '<resource identifier="A1_meta" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
        'href="A1/assessment_meta.xml"><file href="A1/assessment_meta.xml"/></resource>'
        "</resources></manifest>"
    )
    files = {"imsmanifest.xml": manifest, "A1/A1.xml": assessment}
    if meta is not None:
        files["A1/assessment_meta.xml"] = meta
    return make_zip(files)


def item(ident: str, qtype: str, body: str, title: str = "Q") -> str:
    return CANVAS_ITEM.format(ident=ident, title=title, qtype=qtype, body=body)


MATCHING_BODY = """<presentation>
  <material><mattext texttype="text/html">&lt;p&gt;Match the animal to its sound&lt;/p&gt;</mattext></material>
  <response_lid ident="response_101"><material><mattext texttype="text/plain">Cat</mattext></material>
    <render_choice>
      <response_label ident="7001"><material><mattext>Meow</mattext></material></response_label>
      <response_label ident="7002"><material><mattext>Woof</mattext></material></response_label>
      <response_label ident="7003"><material><mattext>Moo</mattext></material></response_label>
    </render_choice></response_lid>
  <response_lid ident="response_102"><material><mattext texttype="text/plain">Dog</mattext></material>
    <render_choice>
      <response_label ident="7001"><material><mattext>Meow</mattext></material></response_label>
      <response_label ident="7002"><material><mattext>Woof</mattext></material></response_label>
      <response_label ident="7003"><material><mattext>Moo</mattext></material></response_label>
    </render_choice></response_lid>
</presentation>
<resprocessing>
  <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
  <respcondition><conditionvar><varequal respident="response_101">7001</varequal></conditionvar>
    <setvar varname="SCORE" action="Add">50.00</setvar></respcondition>
  <respcondition><conditionvar><varequal respident="response_102">7002</varequal></conditionvar>
    <setvar varname="SCORE" action="Add">50.00</setvar></respcondition>
</resprocessing>"""


def test_canvas_matching_question():
    question = only(parse_qti(qti12_package(item("m1", "matching_question", MATCHING_BODY))))

    assert question.qtype == "matching"
    assert question.text == "<p>Match the animal to its sound</p>"
    assert question.data == {
        "pairs": [
            {"id": "101", "prompt": "Cat", "answer": "Meow"},
            {"id": "102", "prompt": "Dog", "answer": "Woof"},
        ],
        "distractors": ["Moo"],
        "shuffle": True,
    }


@pytest.mark.parametrize(
    ("qtype", "reason"),
    [
        ("calculated_question", "calculated_question"),
        ("fill_in_multiple_blanks_question", "fill_in_multiple_blanks_question"),
        ("multiple_dropdowns_question", "multiple_dropdowns_question"),
        ("file_upload_question", "File upload questions are not supported."),
    ],
)
def test_unsupported_canvas_types_are_skipped_naming_the_type(qtype, reason):
    body = '<presentation><material><mattext texttype="text/html">x</mattext></material></presentation>'
    good = item("ok", "text_only_question", body)

    quiz = parse_qti(qti12_package(item("bad1", qtype, body), good))

    assert [q.source_ref for q in quiz.questions] == ["ok"]
    assert len(quiz.skipped) == 1
    assert quiz.skipped[0].ref == "bad1"
    assert reason in quiz.skipped[0].reason


def test_common_cartridge_profile_items_are_read():
    body = """<presentation><material><mattext texttype="text/html">&lt;p&gt;2 + 2?&lt;/p&gt;</mattext></material>
      <response_lid ident="r" rcardinality="Single"><render_choice>
        <response_label ident="x1"><material><mattext>4</mattext></material></response_label>
        <response_label ident="x2"><material><mattext>5</mattext></material></response_label>
      </render_choice></response_lid></presentation>
      <resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
      <respcondition continue="No"><conditionvar><varequal respident="r">x1</varequal></conditionvar>
      <setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>"""
    cc_item = (
        '<item ident="cc1" title="Sum"><itemmetadata><qtimetadata>'
        "<qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>cc.multiple_choice.v0p1</fieldentry>"
        "</qtimetadatafield><qtimetadatafield><fieldlabel>cc_weighting</fieldlabel><fieldentry>3</fieldentry>"
        f"</qtimetadatafield></qtimetadata></itemmetadata>{body}</item>"
    )

    question = only(parse_qti(qti12_package(cc_item)))

    assert question.qtype == "choice"
    assert question.default_mark == 3.0
    assert [(o["id"], o["fraction"]) for o in question.data["options"]] == [("x1", 1.0), ("x2", 0.0)]


def test_a_broken_item_is_skipped_and_the_rest_imported():
    no_correct = """<presentation><material><mattext>Pick</mattext></material>
      <response_lid ident="response1" rcardinality="Single"><render_choice>
        <response_label ident="1"><material><mattext>a</mattext></material></response_label>
        <response_label ident="2"><material><mattext>b</mattext></material></response_label>
      </render_choice></response_lid></presentation>"""
    one_choice = """<presentation><material><mattext>Pick</mattext></material>
      <response_lid ident="response1" rcardinality="Single"><render_choice>
        <response_label ident="1"><material><mattext>a</mattext></material></response_label>
      </render_choice></response_lid></presentation>"""
    body = '<presentation><material><mattext texttype="text/html">fine</mattext></material></presentation>'

    quiz = parse_qti(
        qti12_package(
            item("nc", "multiple_choice_question", no_correct),
            item("oc", "multiple_choice_question", one_choice),
            item("ok", "text_only_question", body),
        )
    )

    assert [q.source_ref for q in quiz.questions] == ["ok"]
    assert [(s.ref, s.reason) for s in quiz.skipped] == [
        ("nc", "The question has no choice worth full marks."),
        ("oc", "The question has fewer than two choices."),
    ]


def test_html_from_the_package_is_sanitized():
    body = (
        '<presentation><material><mattext texttype="text/html">'
        "&lt;p onclick=&quot;steal()&quot;&gt;Hi&lt;script&gt;alert(1)&lt;/script&gt;"
        "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;&lt;/p&gt;"
        "</mattext></material></presentation>"
    )

    question = only(parse_qti(qti12_package(item("x", "text_only_question", body))))

    assert question.text == '<p>Hi<a rel="noopener noreferrer">x</a></p>'


def test_plain_text_material_is_escaped():
    body = '<presentation><material><mattext texttype="text/plain">1 &lt; 2 &amp; &lt;b&gt;</mattext></material></presentation>'

    question = only(parse_qti(qti12_package(item("x", "text_only_question", body))))

    assert question.text == "1 &lt; 2 &amp; &lt;b&gt;"


def test_a_group_drawing_from_a_missing_bank_is_skipped():
    section = (
        '<section ident="g1" title="From bank"><sourcebank_ref>bank9</sourcebank_ref>'
        "<selection_ordering><selection><selection_number>2</selection_number>"
        "<selection_extension><points_per_item>1</points_per_item></selection_extension>"
        "</selection></selection_ordering></section>"
    )

    quiz = parse_qti(qti12_package(section))

    assert quiz.questions == []
    assert quiz.skipped[0].ref == "g1"
    assert "question bank" in quiz.skipped[0].reason


def test_a_bare_questestinterop_file_is_accepted():
    xml = (
        '<?xml version="1.0"?><questestinterop><assessment ident="A" title="Loose"><section ident="root_section">'
        + item(
            "x",
            "text_only_question",
            "<presentation><material><mattext>Hello</mattext></material></presentation>",
        )
        + "</section></assessment></questestinterop>"
    ).encode()

    quiz = parse_qti(xml)

    assert quiz.title == "Loose"
    assert [q.text for q in quiz.questions] == ["Hello"]


# --- QTI 2.1 ------------------------------------------------------------------------------------------------

ITEM21 = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="{ident}" title="{title}"
    adaptive="false" timeDependent="false">
  {decl}
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>{body}</itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>"""


def item21(ident, decl, body, title="Item"):
    return ITEM21.format(ident=ident, title=title, decl=decl, body=body).encode()


CHOICE_SINGLE = item21(
    "choice1",
    '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
    "<correctResponse><value>B</value></correctResponse></responseDeclaration>",
    '<p>Look at the map.</p><choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">'
    "<prompt>Which is the capital of France?</prompt>"
    '<simpleChoice identifier="A">Lyon</simpleChoice><simpleChoice identifier="B"><b>Paris</b></simpleChoice>'
    '<simpleChoice identifier="C" fixed="true">Nice<feedbackInline outcomeIdentifier="FB" identifier="C">'
    "no</feedbackInline></simpleChoice></choiceInteraction>",
    title="Capital",
)


def test_qti21_single_choice_from_correct_response():
    question = only(parse_qti(CHOICE_SINGLE))

    assert question.qtype == "choice"
    assert question.name == "Capital"
    assert question.source_ref == "choice1"
    assert question.text == "<p>Look at the map.</p>Which is the capital of France?"
    assert question.data == {
        "options": [
            {"id": "A", "text": "Lyon", "fraction": 0.0, "feedback": ""},
            {"id": "B", "text": "<b>Paris</b>", "fraction": 1.0, "feedback": ""},
            {"id": "C", "text": "Nice", "fraction": 0.0, "feedback": ""},
        ],
        "shuffle": True,
    }


def test_qti21_multiple_choice_from_correct_response():
    data = item21(
        "multi1",
        '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">'
        "<correctResponse><value>A</value><value>C</value></correctResponse></responseDeclaration>",
        '<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">'
        '<prompt>Primes?</prompt><simpleChoice identifier="A">2</simpleChoice>'
        '<simpleChoice identifier="B">4</simpleChoice><simpleChoice identifier="C">3</simpleChoice>'
        "</choiceInteraction>",
    )

    question = only(parse_qti(data))

    assert question.qtype == "multiple"
    assert {o["id"]: o["fraction"] for o in question.data["options"]} == {"A": 0.5, "B": -0.5, "C": 0.5}
    assert question.data["shuffle"] is False
    assert multiple_fraction(question.data, {"A", "C"}) == 1.0


def test_qti21_multiple_choice_scored_from_a_mapping():
    data = item21(
        "multi2",
        '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">'
        "<correctResponse><value>A</value><value>C</value></correctResponse>"
        '<mapping lowerBound="0" upperBound="4" defaultValue="0"><mapEntry mapKey="A" mappedValue="3"/>'
        '<mapEntry mapKey="B" mappedValue="-2"/><mapEntry mapKey="C" mappedValue="1"/></mapping>'
        "</responseDeclaration>",
        '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="0"><prompt>Pick</prompt>'
        '<simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice>'
        '<simpleChoice identifier="C">c</simpleChoice></choiceInteraction>',
    )

    question = only(parse_qti(data))

    assert {o["id"]: o["fraction"] for o in question.data["options"]} == {"A": 0.75, "B": -0.5, "C": 0.25}


def test_qti21_text_entry_string_becomes_short_answer():
    data = item21(
        "text1",
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">'
        "<correctResponse><value>Paris</value></correctResponse>"
        '<mapping defaultValue="0"><mapEntry mapKey="Paris" mappedValue="2" caseSensitive="false"/>'
        '<mapEntry mapKey="Lutece" mappedValue="1" caseSensitive="false"/></mapping></responseDeclaration>',
        '<p>The capital of France is <textEntryInteraction responseIdentifier="RESPONSE" expectedLength="10"/>.</p>',
    )

    question = only(parse_qti(data))

    assert question.qtype == "shortanswer"
    assert question.text == "<p>The capital of France is _____.</p>"
    assert question.data == {
        "answers": [
            {"text": "Paris", "fraction": 1.0, "feedback": ""},
            {"text": "Lutece", "fraction": 0.5, "feedback": ""},
        ],
        "case_sensitive": False,
    }


def test_qti21_text_entry_float_becomes_numeric():
    data = item21(
        "num1",
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">'
        "<correctResponse><value>9.81</value></correctResponse></responseDeclaration>",
        '<p>g = <textEntryInteraction responseIdentifier="RESPONSE"/> m/s²</p>',
    )

    question = only(parse_qti(data))

    assert question.qtype == "numeric"
    assert question.data == {
        "answers": [{"value": 9.81, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}],
        "units": [],
        "unit_required": False,
    }


def test_qti21_extended_text_becomes_essay():
    data = item21(
        "essay1",
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/>',
        '<extendedTextInteraction responseIdentifier="RESPONSE" format="xhtml"><prompt>Discuss.</prompt>'
        "</extendedTextInteraction>",
    )

    question = only(parse_qti(data))

    assert question.qtype == "essay"
    assert question.text == "Discuss."
    assert question.data["format"] == "html"


MATCH21 = item21(
    "match1",
    '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">'
    "<correctResponse><value>CAT MEOW</value><value>DOG WOOF</value></correctResponse></responseDeclaration>",
    '<matchInteraction responseIdentifier="RESPONSE" shuffle="true" maxAssociations="2"><prompt>Match</prompt>'
    '<simpleMatchSet><simpleAssociableChoice identifier="CAT" matchMax="1">Cat</simpleAssociableChoice>'
    '<simpleAssociableChoice identifier="DOG" matchMax="1">Dog</simpleAssociableChoice></simpleMatchSet>'
    '<simpleMatchSet><simpleAssociableChoice identifier="MEOW" matchMax="2">Meow</simpleAssociableChoice>'
    '<simpleAssociableChoice identifier="WOOF" matchMax="2">Woof</simpleAssociableChoice>'
    '<simpleAssociableChoice identifier="MOO" matchMax="2">Moo</simpleAssociableChoice></simpleMatchSet>'
    "</matchInteraction>",
)


def test_qti21_match_becomes_matching():
    question = only(parse_qti(MATCH21))

    assert question.qtype == "matching"
    assert question.data == {
        "pairs": [
            {"id": "CAT", "prompt": "Cat", "answer": "Meow"},
            {"id": "DOG", "prompt": "Dog", "answer": "Woof"},
        ],
        "distractors": ["Moo"],
        "shuffle": True,
    }


def test_qti21_order_becomes_ordering():
    data = item21(
        "order1",
        '<responseDeclaration identifier="RESPONSE" cardinality="ordered" baseType="identifier">'
        "<correctResponse><value>C</value><value>A</value><value>B</value></correctResponse></responseDeclaration>",
        '<orderInteraction responseIdentifier="RESPONSE" shuffle="true"><prompt>Oldest first</prompt>'
        '<simpleChoice identifier="A">Rome</simpleChoice><simpleChoice identifier="B">Paris</simpleChoice>'
        '<simpleChoice identifier="C">Athens</simpleChoice></orderInteraction>',
    )

    question = only(parse_qti(data))

    assert question.qtype == "ordering"
    assert question.data == {
        "items": [{"id": "C", "text": "Athens"}, {"id": "A", "text": "Rome"}, {"id": "B", "text": "Paris"}],
        "scoring": "positions",
    }


def test_qti21_unsupported_interactions_and_unscorable_items_are_skipped():
    gap = item21(
        "gap1",
        '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair"/>',
        '<gapMatchInteraction responseIdentifier="RESPONSE"><gapText identifier="G" matchMax="1">x</gapText>'
        "</gapMatchInteraction>",
    )
    no_answer = item21(
        "nocorrect",
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"/>',
        '<choiceInteraction responseIdentifier="RESPONSE"><simpleChoice identifier="A">a</simpleChoice>'
        '<simpleChoice identifier="B">b</simpleChoice></choiceInteraction>',
    )

    assert parse_qti(gap).skipped[0].reason == "gapMatchInteraction questions are not supported."
    assert parse_qti(no_answer).skipped[0].ref == "nocorrect"
    assert parse_qti(no_answer).questions == []


def test_qti21_response_processing_is_never_interpreted():
    # A custom responseProcessing that would give full marks to "A" is ignored: correctResponse says "B".
    data = CHOICE_SINGLE.replace(
        b'<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>',
        b'<responseProcessing><responseCondition><responseIf><match><variable identifier="RESPONSE"/>'
        b'<baseValue baseType="identifier">A</baseValue></match><setOutcomeValue identifier="SCORE">'
        b'<baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf></responseCondition>'
        b"</responseProcessing>",
    )

    question = only(parse_qti(data))

    assert {o["id"]: o["fraction"] for o in question.data["options"]} == {"A": 0.0, "B": 1.0, "C": 0.0}


def qti21_package(items: dict[str, bytes], with_test: bool = True) -> bytes:
    resources = "".join(
        f'<resource identifier="R{n}" type="imsqti_item_xmlv2p1" href="{path}"><file href="{path}"/></resource>'
        for n, path in enumerate(items)
    )
    files = dict(items)
    if with_test:
        refs = "".join(
            f'<assessmentItemRef identifier="I{n}" href="../{path}"/>'
            for n, path in reversed(list(enumerate(items)))
        )
        files["tests/test.xml"] = (
            '<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="T" title="Packaged">'
            '<testPart identifier="P" navigationMode="linear" submissionMode="individual">'
            f'<assessmentSection identifier="S" title="S" visible="true">{refs}</assessmentSection></testPart>'
            "</assessmentTest>"
        )
        resources += '<resource identifier="T" type="imsqti_test_xmlv2p1" href="tests/test.xml"/>'
    files["imsmanifest.xml"] = (
        '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M">'
        f"<resources>{resources}</resources></manifest>"
    )
    return make_zip(files)


def test_qti21_package_follows_the_test_order_and_navigation():
    quiz = parse_qti(qti21_package({"items/choice.xml": CHOICE_SINGLE, "items/match.xml": MATCH21}))

    assert quiz.title == "Packaged"
    assert quiz.settings["navigation"] == "sequential"
    assert [q.source_ref for q in quiz.questions] == ["match1", "choice1"]


def test_qti21_package_without_a_test_keeps_manifest_order_and_skips_missing_files():
    package = qti21_package({"a.xml": CHOICE_SINGLE, "b.xml": MATCH21}, with_test=False)
    package = rewrite(package, lambda name, data: data.replace(b'href="b.xml"', b'href="gone.xml"'))

    quiz = parse_qti(package)

    assert [q.source_ref for q in quiz.questions] == ["choice1"]
    assert quiz.skipped[0].reason == "The file gone.xml is missing."


def test_qti30_item_names_are_normalized():
    data = b"""<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="q3" title="Three">
      <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
        <qti-correct-response><qti-value>B</qti-value></qti-correct-response></qti-response-declaration>
      <qti-item-body><qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
        <qti-prompt>Pick B</qti-prompt><qti-simple-choice identifier="A">a</qti-simple-choice>
        <qti-simple-choice identifier="B">b</qti-simple-choice></qti-choice-interaction></qti-item-body>
    </qti-assessment-item>"""

    question = only(parse_qti(data))

    assert question.qtype == "choice"
    assert {o["id"]: o["fraction"] for o in question.data["options"]} == {"A": 0.0, "B": 1.0}


# --- hostile and unusable packages --------------------------------------------------------------------------


def test_not_a_qti_file_is_refused():
    with pytest.raises(FormatError):
        parse_qti(b"just some text")
    with pytest.raises(FormatError, match="not QTI"):
        parse_qti(b"<html><body>hi</body></html>")
    with pytest.raises(FormatError, match=re.escape("no imsmanifest.xml")):
        parse_qti(make_zip({"readme.txt": "hello"}))
    with pytest.raises(FormatError, match=re.escape("no QTI 1.2 assessment")):
        parse_qti(make_zip({"imsmanifest.xml": "<manifest><resources/></manifest>"}))


def test_a_zip_slip_package_is_refused():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as zf:
        zf.writestr("imsmanifest.xml", "<manifest/>")
        info = zipfile.ZipInfo("x")
        info.filename = "../evil.xml"
        zf.writestr(info, "<evil/>")

    with pytest.raises(FormatError, match="outside"):
        parse_qti(stream.getvalue())


def test_a_manifest_pointing_outside_the_archive_is_refused():
    package = qti12_package(item("x", "text_only_question", "<presentation/>"))
    package = rewrite(
        package, lambda name, data: data.replace(b'<file href="A1/A1.xml"/>', b'<file href="../A1.xml"/>')
    )

    with pytest.raises(FormatError, match="outside"):
        parse_qti(package)


def test_a_billion_laughs_manifest_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><manifest>&c;</manifest>'
    )

    with pytest.raises(FormatError, match="entities or a DTD"):
        parse_qti(make_zip({"imsmanifest.xml": laughs}))


def test_an_xxe_assessment_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    package = rewrite(
        t2q("1.  Q?\n*a) x\nb) y\n"),
        lambda name, data: (
            data.replace(
                b'<?xml version="1.0" encoding="UTF-8"?>',
                f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE q [<!ENTITY x SYSTEM "file://{secret}">]>'.encode(),
            ).replace(b"&lt;p&gt;Q?&lt;/p&gt;", b"&x;")
            if name.endswith(".xml") and b"questestinterop" in data
            else data
        ),
    )

    with pytest.raises(FormatError) as caught:
        parse_qti(package)

    assert "TOP-SECRET-VALUE" not in str(caught.value)


def test_a_zip_bomb_package_is_refused():
    with pytest.raises(FormatError, match="suspiciously well"):
        parse_qti(make_zip({"imsmanifest.xml": "<manifest/>", "big.xml": b" " * (8 * 1024 * 1024)}))


# --- export -------------------------------------------------------------------------------------------------


def every_type() -> list:
    def q(qtype, data, **kw):
        return ParsedQuestion(
            qtype=qtype, name=f"{qtype} question", text=f"<p>The {qtype} question</p>", data=data, **kw
        )

    return [
        q(
            "choice",
            {
                "options": [
                    {"id": "a", "text": "<p>Paris</p>", "fraction": 1.0, "feedback": "<p>Yes</p>"},
                    {"id": "b", "text": "<p>Lyon</p>", "fraction": 0.25, "feedback": ""},
                    {"id": "c", "text": "<p>Rome</p>", "fraction": -0.5, "feedback": "<p>Italy</p>"},
                ],
                "shuffle": False,
            },
            general_feedback="<p>General</p>",
            default_mark=2.0,
            hints=["<p>Think of the Seine</p>"],
            category="geo/europe",
            tags=["capitals", "easy"],
        ),
        q(
            "multiple",
            {
                "options": [
                    {"id": "o1", "text": "2", "fraction": 0.6, "feedback": ""},
                    {"id": "o2", "text": "3", "fraction": 0.4, "feedback": "<p>odd</p>"},
                    {"id": "o3", "text": "4", "fraction": -1.0, "feedback": ""},
                ],
                "shuffle": True,
            },
            penalty=0.1,
        ),
        q(
            "truefalse",
            {"correct": False, "feedback_true": "<p>No</p>", "feedback_false": "<p>Right</p>"},
            penalty=1.0,
        ),
        q(
            "shortanswer",
            {
                "answers": [
                    {"text": "Rome", "fraction": 1.0, "feedback": ""},
                    {"text": "Ro*", "fraction": 0.5, "feedback": "<p>close</p>"},
                    {"text": "Roma", "fraction": 1.0, "feedback": "<p>Italian</p>"},
                    {"text": "*", "fraction": 0.0, "feedback": "<p>Rome!</p>"},
                ],
                "case_sensitive": True,
            },
        ),
        q(
            "numeric",
            {
                "answers": [
                    {"value": 3.14159, "tolerance": 0.001, "fraction": 1.0, "feedback": "<p>pi</p>"},
                    {"min": 3.0, "max": 3.5, "fraction": 0.5, "feedback": ""},
                    {"value": None, "fraction": 0.0, "feedback": "<p>no</p>"},
                ],
                "units": [{"unit": "rad", "multiplier": 1.0}],
                "unit_required": False,
            },
            default_mark=1.5,
        ),
        q(
            "essay",
            {
                "min_words": 10,
                "max_words": 200,
                "template": "<p>I think</p>",
                "grader_info": "<p>key</p>",
                "format": "html",
            },
        ),
        q("description", {}, default_mark=0.0),
        q(
            "matching",
            {
                "pairs": [
                    {"id": "p1", "prompt": "<p>Cat</p>", "answer": "Meow"},
                    {"id": "p2", "prompt": "<p>Dog</p>", "answer": "Woof"},
                    {"id": "p3", "prompt": "<p>Kitten</p>", "answer": "Meow"},
                ],
                "distractors": ["Moo"],
                "shuffle": False,
            },
        ),
        q(
            "ordering",
            {
                "items": [
                    {"id": "i1", "text": "First"},
                    {"id": "i2", "text": "Second"},
                    {"id": "i3", "text": "Third"},
                ],
                "scoring": "subset",
            },
        ),
        ParsedGroup(
            name="Pool",
            pick=1,
            points_per_item=2.0,
            questions=[
                q("truefalse", {"correct": True, "feedback_true": "", "feedback_false": ""}, penalty=1.0),
                q(
                    "essay",
                    {
                        "min_words": None,
                        "max_words": None,
                        "template": "",
                        "grader_info": "",
                        "format": "plain",
                    },
                ),
            ],
        ),
        ParsedGroup(
            name="No points",
            pick=2,
            points_per_item=None,
            questions=[q("description", {}, default_mark=0.0)] * 2,
        ),
    ]


SETTINGS = {
    "title": "Exported",
    "description": "<p>About <em>this</em> quiz</p>",
    "shuffle_answers": True,
    "attempts_allowed": 3,
    "time_limit": 1800,
    "questions_per_page": 1,
    "navigation": "sequential",
    "grade_method": "average",
}


def comparable(entry):
    """A question or group as a dict, without source_ref (it becomes the exported item ident)."""
    if isinstance(entry, ParsedGroup):
        return {**dataclasses.asdict(entry), "questions": [comparable(q) for q in entry.questions]}
    return {k: v for k, v in dataclasses.asdict(entry).items() if k != "source_ref"}


def test_export_then_import_is_lossless_for_every_type():
    questions = every_type()

    quiz = parse_qti(export_qti("Exported", questions, SETTINGS))

    assert quiz.skipped == []
    assert quiz.title == "Exported"
    assert quiz.description == SETTINGS["description"]
    assert quiz.settings == SETTINGS
    assert [comparable(q) for q in quiz.questions] == [comparable(q) for q in questions]


@pytest.mark.parametrize(
    "settings",
    [
        {
            "shuffle_answers": False,
            "attempts_allowed": 0,
            "questions_per_page": 0,
            "navigation": "free",
            "grade_method": "last",
        },
        {
            "shuffle_answers": True,
            "attempts_allowed": 1,
            "questions_per_page": 1,
            "navigation": "free",
            "grade_method": "highest",
        },
        # Canvas has no "first" and no 5 per page: our own metadata field carries them.
        {
            "shuffle_answers": True,
            "attempts_allowed": 2,
            "questions_per_page": 5,
            "navigation": "free",
            "grade_method": "first",
            "overdue_handling": "graceperiod",
            "grace_period": 3600,
        },
    ],
)
def test_exported_settings_round_trip(settings):
    quiz = parse_qti(export_qti("S", every_type()[:1], settings))

    assert quiz.settings == {"title": "S", **settings}


def test_everything_imported_is_valid_for_its_question_type():
    packages = [
        t2q(
            "1.  MC\n+ y\n- n\n*a) x\nb) y\n\n2.  TF\n*a) True\nb) False\n\n3.  MA\n[*] x\n[ ] y\n\n"
            "4.  SA\n- no\n*   x\n\n5.  Num\n- no\n=   1 +- 0.5\n\n6.  R\n=   [1, 2]\n\n7.  Essay\n____\n\nText: T\n"
        ),
        qti12_package(item("m1", "matching_question", MATCHING_BODY)),
        CHOICE_SINGLE,
        MATCH21,
        export_qti("X", every_type(), SETTINGS),
    ]
    checked = 0
    for package in packages:
        for entry in parse_qti(package).questions:
            for question in entry.questions if isinstance(entry, ParsedGroup) else [entry]:
                cleaned, errors = qtype_for(question.qtype).clean(question.data)
                assert errors == {}, (question.qtype, errors)
                assert cleaned == question.data
                checked += 1
    assert checked == 8 + 1 + 1 + 1 + 13


def strip_our_metadata(package: bytes) -> bytes:
    """What Canvas sees: the package without our learnstack_* metadata fields."""
    pattern = re.compile(
        rb"<qtimetadatafield><fieldlabel>learnstack_\w+</fieldlabel><fieldentry>.*?</fieldentry></qtimetadatafield>"
    )
    result = rewrite(package, lambda name, data: pattern.sub(b"", data))
    with zipfile.ZipFile(io.BytesIO(result)) as zf:
        assert all(b"learnstack_" not in zf.read(name) for name in zf.namelist())
    return result


def test_the_canvas_part_of_the_exported_settings():
    settings = {**SETTINGS, "grade_method": "first", "questions_per_page": 5}

    quiz = parse_qti(strip_our_metadata(export_qti("Exported", every_type()[:1], settings)))

    assert quiz.settings == {**SETTINGS, "grade_method": "highest", "questions_per_page": 0}


def test_the_standard_canvas_part_of_the_export_carries_what_canvas_can_express():
    quiz = parse_qti(strip_our_metadata(export_qti("Exported", every_type(), SETTINGS)))
    by_type = {q.name: q for q in quiz.questions if isinstance(q, ParsedQuestion)}

    choice = by_type["choice question"]
    assert choice.qtype == "choice"
    assert choice.default_mark == 2.0
    assert choice.general_feedback == "<p>General</p>"
    assert [(o["id"], o["fraction"], o["feedback"]) for o in choice.data["options"]] == [
        ("a", 1.0, "<p>Yes</p>"),
        ("b", 0.25, ""),
        ("c", -0.5, "<p>Italy</p>"),
    ]
    # Canvas grades multiple answers per right option; the right set survives, exact fractions do not.
    multiple = by_type["multiple question"]
    assert {o["id"]: o["fraction"] for o in multiple.data["options"]} == {"o1": 0.5, "o2": 0.5, "o3": -0.5}
    assert multiple.data["options"][1]["feedback"] == "<p>odd</p>"
    assert by_type["truefalse question"].data == {
        "correct": False,
        "feedback_true": "<p>No</p>",
        "feedback_false": "<p>Right</p>",
    }
    short = by_type["shortanswer question"].data
    assert short["case_sensitive"] is True
    assert sorted((a["text"], a["fraction"], a["feedback"]) for a in short["answers"]) == [
        ("*", 0.0, "<p>Rome!</p>"),
        ("Ro*", 0.5, "<p>close</p>"),
        ("Roma", 1.0, "<p>Italian</p>"),
        ("Rome", 1.0, ""),
    ]
    numeric = by_type["numeric question"].data["answers"]
    assert numeric[0]["value"] == 3.14159
    assert numeric[0]["tolerance"] == pytest.approx(0.001)
    assert numeric[0]["feedback"] == "<p>pi</p>"
    assert numeric[1:] == [
        {"min": 3.0, "max": 3.5, "fraction": 0.5, "feedback": ""},
        {"value": None, "fraction": 0.0, "feedback": "<p>no</p>"},
    ]
    assert by_type["essay question"].qtype == "essay"
    assert by_type["description question"].qtype == "description"
    matching = by_type["matching question"].data
    assert matching["pairs"] == every_type()[7].data["pairs"]
    assert matching["distractors"] == ["Moo"]
    # Ordering reaches Canvas as a matching question: position -> item.
    ordering = by_type["ordering question"]
    assert ordering.qtype == "matching"
    assert [(p["prompt"], p["answer"]) for p in ordering.data["pairs"]] == [
        ("<p>1</p>", "First"),
        ("<p>2</p>", "Second"),
        ("<p>3</p>", "Third"),
    ]
    groups = [g for g in quiz.questions if isinstance(g, ParsedGroup)]
    assert [(g.name, g.pick, g.points_per_item, len(g.questions)) for g in groups] == [
        ("Pool", 1, 2.0, 2),
        ("No points", 2, None, 2),
    ]


def test_the_export_has_the_canvas_package_shape():
    package = export_qti("Shape", every_type()[:2], {"time_limit": 600})
    zf = zipfile.ZipFile(io.BytesIO(package))
    names = zf.namelist()
    manifest = zf.read("imsmanifest.xml").decode()
    meta = zf.read(next(n for n in names if n.endswith("/assessment_meta.xml"))).decode()

    assert len(names) == 3
    assert 'type="imsqti_xmlv1p2"' in manifest
    assert 'type="associatedcontent/imscc_xmlv1p1/learning-application-resource"' in manifest
    assert 'xmlns="http://canvas.instructure.com/xsd/cccv1p0"' in meta
    assert "<time_limit>10</time_limit>" in meta
    assert "<points_possible>3</points_possible>" in meta
    assert parse_qti(package).settings["time_limit"] == 600


def test_stale_or_foreign_metadata_cannot_change_the_question():
    package = export_qti("X", every_type()[:1], {})

    def edit(name, data):
        # Someone edited the item in another tool: the option ids no longer match our metadata.
        return data.replace(b'<response_label ident="c">', b'<response_label ident="zz">')

    question = parse_qti(rewrite(package, edit)).questions[0]

    assert [o["id"] for o in question.data["options"]] == ["a", "b", "zz"]
    assert question.data["shuffle"] is True
    assert question.tags == []


def test_html_inside_our_metadata_is_sanitized_too():
    evil = ParsedQuestion(
        qtype="choice",
        name="x",
        text="<p>x</p>",
        data={
            "options": [
                {
                    "id": "a",
                    "text": "<img src=x onerror=alert(1)>",
                    "fraction": 1.0,
                    "feedback": "<script>x</script>",
                },
                {"id": "b", "text": "b", "fraction": 0.0, "feedback": ""},
            ],
            "shuffle": True,
        },
        hints=["<a href='javascript:alert(1)'>h</a>"],
    )

    question = parse_qti(export_qti("X", [evil], {})).questions[0]

    assert question.data["options"][0]["text"] == '<img src="x">'
    assert question.data["options"][0]["feedback"] == ""
    assert question.hints == ['<a rel="noopener noreferrer">h</a>']


def test_exporting_an_unknown_type_is_a_format_error():
    with pytest.raises(FormatError, match="cannot be exported"):
        export_qti("X", [ParsedQuestion(qtype="hotspot", name="x", text="x")], {})
