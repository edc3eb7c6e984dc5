"""What the GIFT and QTI parsers return and what the exporters accept.

These are plain dataclasses with no database behind them: a parser turns a file into a
``ParsedQuiz`` (questions, optional groups, quiz settings and the questions it had to skip), and
the import job later turns each ``ParsedQuestion`` into a ``Question`` + ``QuestionVersion``.
``ParsedQuestion.data`` follows the per-type data formats of ``apps.assessments.qtypes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_PENALTY = 0.3333333
TRUEFALSE_PENALTY = 1.0
DEFAULT_MARK = 1.0


class FormatError(Exception):
    """The whole file is unusable (not the expected format, too big, a hostile archive)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class ParsedQuestion:
    """One question read from a file, in the shape of a QuestionVersion."""

    qtype: str
    name: str
    text: str  # HTML
    general_feedback: str = ""  # HTML
    default_mark: float = DEFAULT_MARK
    penalty: float = DEFAULT_PENALTY
    hints: list[str] = field(default_factory=list)  # HTML
    data: dict = field(default_factory=dict)
    category: str = ""  # "a/b/c" path, "" for the default category
    tags: list[str] = field(default_factory=list)
    source_ref: str = ""  # where it came from: "line 12", an item ident...


@dataclass
class ParsedGroup:
    """A random-pick group (QTI section with selection): ``pick`` of ``questions`` per attempt."""

    name: str
    pick: int
    points_per_item: float | None
    questions: list[ParsedQuestion] = field(default_factory=list)


@dataclass
class Skipped:
    """A question the parser could not use, and why (human readable)."""

    ref: str
    reason: str


@dataclass
class ParsedQuiz:
    """A whole file: quiz-level details (QTI only; GIFT has none) and its questions."""

    title: str = ""
    description: str = ""
    settings: dict = field(default_factory=dict)
    questions: list[ParsedQuestion | ParsedGroup] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
