# ruff: noqa: RUF001  (the lessons use real typography: multiplication signs and en dashes)
"""Demo courses for `make run` (`manage.py seed_demo`, apps/demo/seed.py, calls `seed_courses` in each demo
organization's schema). Everything goes through the services, as a teacher in the browser would: courses
with modules and lessons of every kind (Markdown text, a lesson written in the rich-text editor (HTML), an embedded video, an external link, an uploaded PDF
and image), published to branches or the whole organization, classes enrolled with due dates, and learners
part-way through (one course completed, so a `course.completed` event exists).

Every course gets a cover drawn for it (apps/demo/covers.py: its colours, a motif for its subject,
its title), uploaded through the services like any cover; a demo course seeded without one gets it on the
next run, and one that has a cover keeps it.

Each course is built in one transaction, and only when no course has its slug yet: running the seed again
changes nothing, and a course a person deleted or renamed is left as they made it.

acme:
    Algebra Foundations        teacher@, north; Algebra 1 enrolled (due in 30 days); student@ at 50%
    Physics: Motion and Forces teacher@, north; Physics 1 enrolled (due in 45 days)
    Cells: The Units of Life   south-teacher@, south; Biology 1 enrolled; south-student@ started
    Study Skills That Stick    Org Admin, whole organization; student@ completed it
    Quadratic Equations        teacher@'s draft, requires Algebra Foundations
globex:
    Laboratory Safety          teacher@, main; Chemistry enrolled
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

# --- files made on the spot (no binary assets in the repository) -------------------------------------------


def worksheet_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica text), written by hand: small, valid, and needing no PDF library."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 20 Tf", "72 740 Td", f"({escape(title)}) Tj", "/F1 12 Tf", "0 -36 Td"]
    for line in lines:
        ops += [f"({escape(line)}) Tj", "0 -22 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def cell_diagram_png() -> bytes:
    """A labelled sketch of an animal cell, drawn with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (760, 440), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.load_default(size=16)
    except (TypeError, OSError):  # Pillow built without FreeType: the small bitmap font
        font = ImageFont.load_default()
    draw.ellipse((60, 50, 560, 400), fill="#fde7d9", outline="#c0504d", width=5)  # membrane
    draw.ellipse((240, 150, 380, 280), fill="#c9b3e6", outline="#5b3c88", width=3)  # nucleus
    draw.ellipse((290, 195, 325, 230), fill="#5b3c88")  # nucleolus
    for box in ((120, 120, 200, 160), (420, 270, 500, 310), (150, 290, 230, 330)):  # mitochondria
        draw.ellipse(box, fill="#f4b183", outline="#c55a11", width=2)
    for x, y in ((200, 220), (430, 150), (470, 200), (260, 330), (350, 110)):  # ribosomes
        draw.ellipse((x, y, x + 8, y + 8), fill="#2f5597")
    labels = [
        ("Cell membrane", (560, 225), (600, 60)),
        ("Nucleus", (380, 215), (600, 130)),
        ("Nucleolus", (325, 212), (600, 180)),
        ("Mitochondrion", (500, 290), (600, 300)),
        ("Ribosome", (478, 204), (600, 240)),
        ("Cytoplasm", (420, 345), (600, 360)),
    ]
    for text, (x1, y1), (x2, y2) in labels:
        draw.line((x1, y1, x2 - 6, y2 + 6), fill="#404040", width=1)
        draw.text((x2, y2), text, fill="black", font=font)
    draw.text((60, 410), "An animal cell (not to scale)", fill="#404040", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- what the demo contains --------------------------------------------------------------------------------


@dataclass
class Lesson:
    kind: str
    title: str
    body: str = ""
    minutes: int | None = None
    body_format: str = "markdown"  # "html" for a lesson written in the rich-text editor
    video_url: str = ""
    duration_seconds: int | None = None
    url: str = ""
    file: tuple[str, object] | None = None  # (file name, function returning its bytes)


@dataclass
class Part:
    title: str
    description: str
    lessons: list[Lesson]


@dataclass
class Enrolment:
    """Who takes the course: a class assigned by `by` (with a due date), or a learner on their own."""

    by: str
    school_class: tuple[str, str] | None = None  # (branch code, class name)
    learner: str = ""
    due_in_days: int | None = None


@dataclass
class DemoCourse:
    slug: str
    title: str
    owner: str  # email local part: teacher, orgadmin, ...
    branches: list[str]  # branch codes; empty: the whole organization
    category: str
    tags: list[str]
    summary: str
    description: str
    minutes: int
    modules: list[Part]
    publish: bool = True
    self_enrollment: bool = True
    prerequisites: list[str] = field(default_factory=list)  # slugs
    enrol: list[Enrolment] = field(default_factory=list)
    # learner -> how many of the published lessons (in order) they have completed
    progress: dict[str, int] = field(default_factory=dict)


CATEGORIES = {
    "Mathematics": "Number, algebra, geometry and statistics.",
    "Science": "Biology, chemistry and physics.",
    "Study skills": "How to learn well: planning, note-taking and revision.",
}

VARIABLES = """\
A **variable** is a letter that stands for a number we do not know yet, or for a number that can change.

> If a notebook costs *n* dollars, then three notebooks cost **3n** dollars.

## Expressions

An **expression** combines numbers, variables and operations, but has no equals sign:

| Expression | In words |
|---|---|
| `x + 5` | five more than *x* |
| `4y` | four times *y* |
| `a / 2` | half of *a* |
| `2m - 3` | three less than twice *m* |

## Evaluating an expression

To *evaluate* an expression, replace each variable with its value and calculate:

1. Write the expression: `2m - 3`
2. Substitute `m = 7`: `2 × 7 - 3`
3. Multiply first, then subtract: `14 - 3 = 11`

## Try it

- Evaluate `x + 5` when `x = 12`.
- Evaluate `4y` when `y = 2.5`.
- Write an expression for "ten less than a number *k*".

*Answers: 17, 10, `k - 10`.*
"""

ORDER_OF_OPERATIONS = """\
When an expression has several operations, everyone must do them in the same order, or the same
expression would have different values.

1. **Brackets** first.
2. **Powers** (and roots).
3. **Multiplication and division**, from left to right.
4. **Addition and subtraction**, from left to right.

### Examples

- `2 + 3 × 4 = 2 + 12 = 14` (not 20)
- `(2 + 3) × 4 = 5 × 4 = 20`
- `18 ÷ 3 × 2 = 6 × 2 = 12` (left to right, not `18 ÷ 6`)
- With `x = 3`: `4x² - x = 4 × 9 - 3 = 33`

### Try it

Evaluate `10 - 2 × 3`, `(10 - 2) × 3` and `5 + 2y²` when `y = 4`. *Answers: 4, 24, 37.*
"""

BALANCING = """\
An **equation** says that two expressions are equal. Solving it means finding the value of the variable
that makes it true.

Think of a balance scale: whatever you do to one side, **do the same to the other side** and it stays
balanced.

## One-step equations

| Equation | Undo it by | Solution |
|---|---|---|
| `x + 7 = 19` | subtracting 7 from both sides | `x = 12` |
| `x - 4 = 10` | adding 4 to both sides | `x = 14` |
| `5x = 35` | dividing both sides by 5 | `x = 7` |
| `x / 3 = 6` | multiplying both sides by 3 | `x = 18` |

## Two-step equations

Undo addition or subtraction first, then multiplication or division:

```
3x + 4 = 25
3x     = 21     (subtract 4 from both sides)
 x     = 7      (divide both sides by 3)
```

**Always check** by substituting back: `3 × 7 + 4 = 25` ✔

## Common mistakes

- Doing an operation to one side only.
- Dividing only part of a side: in `2x + 6 = 10`, dividing by 2 gives `x + 3 = 5`, not `x + 6 = 5`.
"""

WORD_PROBLEMS = """\
Most real problems arrive as words, not symbols. A reliable method:

1. **Name the unknown.** "Let *t* be the number of tickets."
2. **Translate** each sentence into an expression or an equation.
3. **Solve** the equation.
4. **Answer the question that was asked**, with units, and check it makes sense.

### Example

*A gym charges a $20 joining fee plus $15 per month. Jo has paid $110 in total. How many months has Jo
been a member?*

- Let *m* be the number of months.
- `20 + 15m = 110`
- `15m = 90`, so `m = 6`.
- Jo has been a member for **6 months**. Check: `20 + 15 × 6 = 110` ✔

### Your turn

A taxi charges $3 to start and $2 per kilometre. A ride cost $19. How far was it?
"""

ALGEBRA_SUMMARY = """\
## What you have learned

- Variables stand for unknown or changing numbers.
- Expressions are evaluated by substitution, following the order of operations.
- Equations are solved by doing the same thing to both sides until the variable is alone.
- Word problems become equations once you name the unknown.

## Practice set

1. `x + 13 = 30`
2. `7p = 63`
3. `2w - 5 = 17`
4. `(n / 4) + 1 = 6`
5. A rectangle is 3 cm longer than it is wide, and its perimeter is 46 cm. How wide is it?

Check your answers with a partner, then mark this lesson complete.
"""

MOTION = """\
**Speed** tells us how far something travels in a given time:

```
speed = distance / time
```

Units matter: metres per second (m/s) in science, kilometres per hour (km/h) on the road.
To convert km/h to m/s, divide by 3.6.

## Velocity and acceleration

- **Velocity** is speed *in a direction*: 20 m/s north.
- **Acceleration** is how quickly velocity changes: `a = (v - u) / t`, where *u* is the starting
  velocity and *v* the final one.

A car going from 0 to 27 m/s in 9 s accelerates at `(27 - 0) / 9 = 3 m/s²`.

## Distance–time graphs

- A straight sloping line: constant speed (the steeper, the faster).
- A flat line: the object is stationary.
- A curve getting steeper: the object is speeding up.
"""

FORCES = """\
A **force** is a push or a pull, measured in newtons (N).

## Newton's three laws

1. An object stays at rest, or keeps moving at a constant velocity, unless a **resultant force** acts on it.
2. The resultant force equals mass times acceleration: **F = m × a**.
3. When one object pushes on another, the second pushes back with an equal and opposite force.

### Worked example

A 1,200 kg car accelerates at 2 m/s². The resultant force is `1200 × 2 = 2,400 N`.

## Balanced and unbalanced forces

If the forces on an object cancel out, it keeps doing what it was doing. Friction and air resistance are
why a bicycle slows down when you stop pedalling: the forces are no longer balanced.
"""

CELLS = """\
Every living thing is made of **cells**, the smallest units that can carry out the processes of life.

## Parts of an animal cell

| Part | What it does |
|---|---|
| Cell membrane | controls what enters and leaves the cell |
| Cytoplasm | jelly-like fluid where most chemical reactions happen |
| Nucleus | holds the genetic material (DNA) that controls the cell |
| Mitochondria | release energy from glucose by respiration |
| Ribosomes | make proteins |

## Plant cells have extra parts

- A **cell wall** made of cellulose, which supports the cell.
- **Chloroplasts**, where photosynthesis happens.
- A large **vacuole** filled with cell sap, which keeps the cell firm.

Look at the diagram in the next lesson and find each part.
"""

MICROSCOPE = """\
Cells are too small to see with the naked eye: most are between 10 and 100 micrometres (µm) across.

## Using a light microscope

1. Start with the **lowest-power** objective lens.
2. Place the slide on the stage and clip it in place.
3. Use the **coarse focus** to bring the specimen into view, moving the stage *away* from the lens.
4. Switch to a higher power and sharpen the image with the **fine focus**.

## Magnification

```
total magnification = eyepiece magnification × objective magnification
```

A ×10 eyepiece with a ×40 objective magnifies **×400**.

## Safety

Carry the microscope with two hands, never point the mirror at the sun, and report broken slides.
"""

PLANNING = """\
Good learners are not people who study the most hours; they plan **what** to study and **when**.

## Build a weekly plan

- List your fixed commitments first (classes, sport, work).
- Put study sessions in the gaps: **25–40 minutes** each, with a short break after.
- Give each session one clear goal ("finish exercise 4", not "do maths").

## Spaced practice

Revisiting a topic after a day, then after a few days, then after a week beats one long session the night
before a test. Put those return visits in your plan now.
"""

# Written in the rich-text editor: its HTML, exactly as the editor saves it and the sanitizer keeps it.
TIMETABLE = (
    "<h2>A sample week</h2>"
    "<p>Here is how one learner fitted <strong>five focused sessions</strong> around classes and sport. "
    "Copy the shape, not the subjects.</p>"
    "<table><tbody>"
    "<tr><th><p>Day</p></th><th><p>Fixed</p></th><th><p>Study session</p></th><th><p>Goal</p></th></tr>"
    "<tr><td><p>Monday</p></td><td><p>Classes until 15:30</p></td><td><p>16:30–17:00</p></td>"
    "<td><p>Algebra: exercises 1–6</p></td></tr>"
    "<tr><td><p>Tuesday</p></td><td><p>Football 16:00–17:30</p></td><td><p>19:00–19:40</p></td>"
    "<td><p>Biology: label the cell diagram from memory</p></td></tr>"
    "<tr><td><p>Wednesday</p></td><td><p>Classes until 14:00</p></td><td><p>15:00–15:30</p></td>"
    "<td><p>Algebra: revisit Monday's mistakes</p></td></tr>"
    "<tr><td><p>Thursday</p></td><td><p>Part-time job 17:00–20:00</p></td><td><p>16:00–16:25</p></td>"
    "<td><p>Physics: one page of Cornell notes</p></td></tr>"
    "<tr><td><p>Saturday</p></td><td><p>Free</p></td><td><p>10:00–10:40</p></td>"
    "<td><p>Mixed quiz of the whole week</p></td></tr>"
    "</tbody></table>"
    "<h3>Why it works</h3>"
    "<ul><li><p>Each session has <em>one</em> goal you can tick off.</p></li>"
    "<li><p>Wednesday and Saturday return to earlier topics: that is spaced practice.</p></li></ul>"
    "<ol><li><p>Write your fixed commitments into a blank week.</p></li>"
    "<li><p>Add three to five sessions of 25–40 minutes.</p></li>"
    "<li><p>Give each a goal, then keep the plan where you will see it.</p></li></ol>"
    "<p>More on why short sessions work: "
    '<a href="https://en.wikipedia.org/wiki/Pomodoro_Technique" rel="noopener noreferrer">the Pomodoro '
    "technique</a>.</p>"
)

NOTES = """\
Notes are for *thinking*, not copying.

## The Cornell method

Divide the page into three parts:

1. **Notes** (right, wide): main ideas during the lesson, in your own words.
2. **Cues** (left, narrow): questions and keywords you add afterwards.
3. **Summary** (bottom): two or three sentences that capture the page.

Cover the notes column and answer your cue questions aloud: that is revision already done.
"""

REVISION = """\
## Test yourself, don't re-read

Re-reading feels productive but fades fast. **Retrieval practice** (flashcards, practice questions,
explaining to a friend) makes memories last.

## Mix topics

Interleaving (alternating between different kinds of problems) helps you learn to *choose* the right
method, which is what an exam asks of you.

## Look after the basics

Sleep, water and short walks improve concentration more than any app. Finish by writing down one habit
you will start this week.
"""

QUADRATICS = """\
A **quadratic equation** has the form `ax² + bx + c = 0`, where `a ≠ 0`.

This course is being written. Planned lessons: factorising, completing the square, and the quadratic
formula.
"""

LAB_SAFETY = """\
Before any practical work:

- Wear **eye protection** whenever chemicals are heated or mixed.
- Tie back long hair and tuck in loose clothing.
- Know where the eye-wash station, fire blanket and exits are.
- Never eat or drink in the laboratory.

Report every spill and breakage to your teacher immediately, however small.
"""

HAZARDS = """\
Hazard symbols tell you *how* a substance can harm you:

| Symbol | Meaning | Example |
|---|---|---|
| Flame | flammable | ethanol |
| Corrosion | destroys skin and metals | concentrated acids |
| Exclamation mark | irritant or harmful | dilute acids |
| Skull and crossbones | toxic | some heavy-metal salts |

Read the label and the safety sheet before you open any bottle.
"""

EQUATIONS_WORKSHEET = [
    "Name: ______________________    Class: __________",
    "",
    "Solve each equation. Show every step and check your answer.",
    "",
    "1.  x + 9 = 21",
    "2.  y - 6 = 14",
    "3.  4a = 52",
    "4.  k / 5 = 8",
    "5.  3x + 2 = 20",
    "6.  5n - 7 = 33",
    "7.  2(x + 4) = 18",
    "8.  A number doubled, plus 11, is 35. Find the number.",
    "",
    "Challenge: 7 - 2x = 1",
]

DEMO_COURSES: dict[str, list[DemoCourse]] = {
    "acme": [
        DemoCourse(
            slug="algebra-foundations",
            title="Algebra Foundations",
            owner="teacher",
            branches=["north"],
            category="Mathematics",
            tags=["algebra", "equations", "year 7"],
            summary="Variables, expressions and solving linear equations, step by step.",
            description=(
                "A first course in algebra for the **Algebra 1** class. You will learn to read and write "
                "expressions, solve one- and two-step equations, and turn word problems into equations.\n\n"
                "Each module ends with practice; the worksheet can be printed or filled in on screen."
            ),
            minutes=120,
            modules=[
                Part(
                    "Expressions and variables",
                    "What letters mean in mathematics, and how to evaluate an expression.",
                    [
                        Lesson("text", "What is a variable?", VARIABLES, minutes=15),
                        Lesson("text", "Order of operations", ORDER_OF_OPERATIONS, minutes=10),
                        Lesson(
                            "video",
                            "Watch: getting started",
                            "A short introduction to the lesson player: pause and rewind whenever you need.",
                            minutes=5,
                            video_url="https://www.youtube.com/watch?v=M7lc1UVf-VE",
                            duration_seconds=290,
                        ),
                    ],
                ),
                Part(
                    "Solving linear equations",
                    "Keeping the balance: one-step and two-step equations.",
                    [
                        Lesson("text", "Balancing both sides", BALANCING, minutes=20),
                        Lesson(
                            "file",
                            "Worksheet: one- and two-step equations",
                            "Print this worksheet or fill it in on screen, then compare with a partner.",
                            minutes=25,
                            file=(
                                "equations-worksheet.pdf",
                                lambda: worksheet_pdf("Equations worksheet", EQUATIONS_WORKSHEET),
                            ),
                        ),
                        Lesson(
                            "link",
                            "Extra practice on Khan Academy",
                            "Free practice exercises with hints, if you want more.",
                            minutes=20,
                            url="https://www.khanacademy.org/math/algebra",
                        ),
                    ],
                ),
                Part(
                    "Putting it to work",
                    "From words to equations, and a review of the whole course.",
                    [
                        Lesson("text", "Word problems", WORD_PROBLEMS, minutes=20),
                        Lesson("text", "Summary and practice set", ALGEBRA_SUMMARY, minutes=15),
                    ],
                ),
            ],
            self_enrollment=False,
            enrol=[Enrolment(by="teacher", school_class=("north", "Algebra 1"), due_in_days=30)],
            progress={"student": 4},
        ),
        DemoCourse(
            slug="physics-motion-and-forces",
            title="Physics: Motion and Forces",
            owner="teacher",
            branches=["north"],
            category="Science",
            tags=["physics", "forces", "year 8"],
            summary="Speed, acceleration and Newton's laws, with worked examples.",
            description="How things move and why: the physics of everyday motion, from bicycles to rockets.",
            minutes=75,
            modules=[
                Part(
                    "Describing motion",
                    "Speed, velocity, acceleration and graphs.",
                    [Lesson("text", "Speed, velocity and acceleration", MOTION, minutes=20)],
                ),
                Part(
                    "Forces",
                    "Newton's laws and balanced forces.",
                    [
                        Lesson("text", "Newton's laws of motion", FORCES, minutes=20),
                        Lesson(
                            "link",
                            "Simulation: forces and motion",
                            "Push objects with different forces and watch friction at work.",
                            minutes=20,
                            url="https://phet.colorado.edu/en/simulations/forces-and-motion-basics",
                        ),
                    ],
                ),
            ],
            enrol=[Enrolment(by="teacher", school_class=("north", "Physics 1"), due_in_days=45)],
        ),
        DemoCourse(
            slug="cells-the-units-of-life",
            title="Cells: The Units of Life",
            owner="south-teacher",
            branches=["south"],
            category="Science",
            tags=["biology", "cells", "microscopy"],
            summary="Animal and plant cells, their parts, and how to look at them under a microscope.",
            description="The building blocks of every living thing, for the **Biology 1** class.",
            minutes=60,
            modules=[
                Part(
                    "Inside a cell",
                    "The parts of animal and plant cells.",
                    [
                        Lesson("text", "Parts of a cell", CELLS, minutes=15),
                        Lesson(
                            "file",
                            "Diagram: an animal cell",
                            "Name each labelled part and say what it does.",
                            minutes=10,
                            file=("animal-cell.png", cell_diagram_png),
                        ),
                    ],
                ),
                Part(
                    "Seeing cells",
                    "Light microscopes and magnification.",
                    [
                        Lesson("text", "Using a microscope", MICROSCOPE, minutes=20),
                        Lesson(
                            "link",
                            "Read more: the cell",
                            "An encyclopedia article for further reading.",
                            minutes=15,
                            url="https://en.wikipedia.org/wiki/Cell_(biology)",
                        ),
                    ],
                ),
            ],
            enrol=[Enrolment(by="south-teacher", school_class=("south", "Biology 1"), due_in_days=21)],
            progress={"south-student": 1},
        ),
        DemoCourse(
            slug="study-skills-that-stick",
            title="Study Skills That Stick",
            owner="orgadmin",
            branches=[],
            category="Study skills",
            tags=["study skills", "revision"],
            summary="Plan your week, take notes that work, and revise in ways that last.",
            description="A short course for every learner at Acme Academy, on both campuses.",
            minutes=40,
            modules=[
                Part(
                    "Plan and take notes",
                    "Time and attention are what you manage.",
                    [
                        Lesson("text", "Planning your week", PLANNING, minutes=10),
                        Lesson("text", "A sample timetable", TIMETABLE, minutes=5, body_format="html"),
                        Lesson("text", "Notes that help you think", NOTES, minutes=10),
                    ],
                ),
                Part(
                    "Revise well",
                    "What the research says about remembering.",
                    [Lesson("text", "Revision that works", REVISION, minutes=10)],
                ),
            ],
            enrol=[Enrolment(by="student", learner="student")],
            progress={"student": 4},
        ),
        DemoCourse(
            slug="quadratic-equations",
            title="Quadratic Equations",
            owner="teacher",
            branches=["north"],
            category="Mathematics",
            tags=["algebra", "quadratics"],
            summary="Factorising, completing the square and the quadratic formula.",
            description="The next step after Algebra Foundations (in preparation).",
            minutes=90,
            modules=[
                Part(
                    "Introduction",
                    "What makes an equation quadratic.",
                    [Lesson("text", "What is a quadratic?", QUADRATICS, minutes=10)],
                )
            ],
            publish=False,
            prerequisites=["algebra-foundations"],
        ),
    ],
    "globex": [
        DemoCourse(
            slug="laboratory-safety",
            title="Laboratory Safety",
            owner="teacher",
            branches=["main"],
            category="Science",
            tags=["chemistry", "safety"],
            summary="The rules that keep everyone safe in the chemistry lab.",
            description="Required before your first practical in the **Chemistry** class.",
            minutes=20,
            modules=[
                Part(
                    "Safe practice",
                    "Rules and hazard symbols.",
                    [
                        Lesson("text", "Rules of the laboratory", LAB_SAFETY, minutes=10),
                        Lesson("text", "Hazard symbols", HAZARDS, minutes=10),
                    ],
                )
            ],
            enrol=[Enrolment(by="teacher", school_class=("main", "Chemistry"), due_in_days=14)],
        ),
    ],
}


# --- building it -------------------------------------------------------------------------------------------


def _person(slug: str, local: str):
    from apps.accounts.models import User

    return User.objects.get(email=f"{local}@{slug}.example.com")


def _category(name: str):
    from django.utils.text import slugify

    from apps.courses import services
    from apps.courses.models import Category

    return Category.objects.filter(slug__iexact=slugify(name)).first() or services.category_create(
        actor=None, name=name, description=CATEGORIES.get(name, "")
    )


def seed_courses(slug: str) -> list[str]:
    """Create the demo courses of organization `slug` that do not exist yet (call in its schema). Returns
    the titles created."""
    from apps.courses import services
    from apps.courses.models import Course

    created = []
    for spec in DEMO_COURSES.get(slug, []):
        existing = Course.objects.filter(slug__iexact=spec.slug).first()
        if existing is not None:
            if not existing.cover:  # seeded before the demo had covers: give it one, once
                with transaction.atomic():
                    services.course_update(
                        actor=_person(slug, spec.owner), course=existing, cover=_cover_upload(spec)
                    )
            continue
        with transaction.atomic():
            _build(slug, spec)
        created.append(spec.title)
    return created


def _cover_upload(spec: DemoCourse) -> SimpleUploadedFile:
    """The course's cover (apps/demo/covers.py), uploaded like any cover a teacher chooses."""
    from .covers import cover_bytes

    name, data = cover_bytes(title=spec.title, slug=spec.slug, subject=spec.category)
    return SimpleUploadedFile(name, data)


def _build(slug: str, spec: DemoCourse) -> None:
    from apps.courses import services
    from apps.courses.models import Course
    from apps.hierarchy.models import Branch, SchoolClass

    owner = _person(slug, spec.owner)
    branch_ids = list(Branch.objects.filter(code__in=spec.branches).values_list("pk", flat=True))
    course = services.course_create(
        actor=owner,
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        description=spec.description,
        category=_category(spec.category).pk,
        tags=spec.tags,
        branches=branch_ids,
        prerequisites=list(Course.objects.filter(slug__in=spec.prerequisites).values_list("pk", flat=True)),
        estimated_minutes=spec.minutes,
        self_enrollment=spec.self_enrollment,
        cover=_cover_upload(spec),
    )
    for part in spec.modules:
        module = services.module_create(
            actor=owner, course=course, title=part.title, description=part.description
        )
        for lesson in part.lessons:
            values = {"body": lesson.body, "estimated_minutes": lesson.minutes}
            if lesson.kind == "text":
                values["body_format"] = lesson.body_format
            if lesson.kind == "video":
                values.update(video_url=lesson.video_url, duration_seconds=lesson.duration_seconds)
            elif lesson.kind == "link":
                values["url"] = lesson.url
            elif lesson.kind == "file":
                name, make = lesson.file
                values["media"] = services.media_upload(
                    actor=owner, course=course, upload=SimpleUploadedFile(name, make())
                )
            services.content_create(
                actor=owner, module=module, kind=lesson.kind, title=lesson.title, **values
            )
    if not spec.publish:
        return
    services.course_publish(actor=owner, course=course)
    for enrolment in spec.enrol:
        actor = _person(slug, enrolment.by)
        if enrolment.learner:
            services.enroll_self(actor=_person(slug, enrolment.learner), course=course)
            continue
        code, name = enrolment.school_class
        school_class = SchoolClass.objects.filter(branch__code=code, name=name).order_by("pk").first()
        due = (
            (timezone.localdate() + timedelta(days=enrolment.due_in_days)).isoformat()
            if enrolment.due_in_days
            else None
        )
        services.enroll_assign(actor=actor, course=course, classes=[school_class.pk], due_at=due)
    items = list(
        course.items.filter(published_version__isnull=False).order_by("module__position", "position")
    )
    for local, done in spec.progress.items():
        learner = _person(slug, local)
        for n, item in enumerate(items[:done], 1):
            minutes = item.estimated_minutes or 10
            services.progress_record(
                actor=learner,
                item=item,
                completed=True,
                time_spent_seconds=minutes * 60 - 17 * n,
                position_seconds=item.published_version.duration_seconds if item.kind == "video" else None,
            )
        if done < len(items):  # opened the next lesson and read some of it
            services.progress_record(actor=learner, item=items[done], time_spent_seconds=140)
