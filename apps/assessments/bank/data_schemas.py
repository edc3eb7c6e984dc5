"""JSON descriptions (JSON Schema, draft 2020-12 style) of each question type's `data`, for
GET /api/v1/question-types: what a client sends in POST /questions. The types validate it
(apps.assessments.qtypes: clean) and answer with field errors named by path ("data.options.0.fraction")."""

HTML = {"type": "string", "description": "HTML (sanitized when saved)."}
FRACTION = {"type": "number", "minimum": -1, "maximum": 1, "description": "The share of the mark: 1 = 100 %."}
ID = {"type": "string", "maxLength": 20, "pattern": "^[A-Za-z0-9_-]+$", "description": "Made when left out."}

_OPTIONS = {
    "type": "array",
    "minItems": 2,
    "items": {
        "type": "object",
        "required": ["text", "fraction"],
        "properties": {"id": ID, "text": HTML, "fraction": FRACTION, "feedback": HTML},
    },
}

DATA_SCHEMAS: dict[str, dict] = {
    "choice": {
        "type": "object",
        "required": ["options"],
        "properties": {"options": _OPTIONS, "shuffle": {"type": "boolean", "default": True}},
        "description": "One option is right: at least one option has fraction 1.",
    },
    "multiple": {
        "type": "object",
        "required": ["options"],
        "properties": {"options": _OPTIONS, "shuffle": {"type": "boolean", "default": True}},
        "description": "Several options may be chosen: the positive fractions add up to 1; negative ones "
        "take marks away; the total is clamped to 0..1.",
    },
    "truefalse": {
        "type": "object",
        "required": ["correct"],
        "properties": {"correct": {"type": "boolean"}, "feedback_true": HTML, "feedback_false": HTML},
    },
    "shortanswer": {
        "type": "object",
        "required": ["answers"],
        "properties": {
            "answers": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["text", "fraction"],
                    "properties": {
                        "text": {"type": "string", "description": "Plain text; * matches any characters."},
                        "fraction": {"type": "number", "minimum": 0, "maximum": 1},
                        "feedback": HTML,
                    },
                },
            },
            "case_sensitive": {"type": "boolean", "default": False},
        },
    },
    "numeric": {
        "type": "object",
        "required": ["answers"],
        "properties": {
            "answers": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["value"],
                            "properties": {
                                "value": {
                                    "type": ["number", "null"],
                                    "description": "null with fraction 0: any other answer.",
                                },
                                "tolerance": {"type": "number", "minimum": 0, "default": 0},
                                "fraction": {"type": "number", "minimum": 0, "maximum": 1},
                                "feedback": HTML,
                            },
                        },
                        {
                            "type": "object",
                            "required": ["min", "max"],
                            "properties": {
                                "min": {"type": "number"},
                                "max": {"type": "number"},
                                "fraction": {"type": "number", "minimum": 0, "maximum": 1},
                                "feedback": HTML,
                            },
                        },
                    ]
                },
            },
            "units": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["unit", "multiplier"],
                    "properties": {"unit": {"type": "string"}, "multiplier": {"type": "number"}},
                },
            },
            "unit_required": {"type": "boolean", "default": False},
        },
    },
    "matching": {
        "type": "object",
        "required": ["pairs"],
        "properties": {
            "pairs": {
                "type": "array",
                "minItems": 2,
                "items": {
                    "type": "object",
                    "required": ["prompt", "answer"],
                    "properties": {"id": ID, "prompt": HTML, "answer": {"type": "string"}},
                },
            },
            "distractors": {"type": "array", "items": {"type": "string"}},
            "shuffle": {"type": "boolean", "default": True},
        },
    },
    "ordering": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "minItems": 2,
                "description": "In the right order.",
                "items": {"type": "object", "required": ["text"], "properties": {"id": ID, "text": HTML}},
            },
            "scoring": {
                "enum": ["positions", "subset"],
                "default": "positions",
                "description": "positions: items in their right place / n; subset: the longest ordered "
                "subsequence / n (counted from 2 items).",
            },
        },
    },
    "essay": {
        "type": "object",
        "properties": {
            "min_words": {"type": ["integer", "null"], "minimum": 0},
            "max_words": {"type": ["integer", "null"], "minimum": 1},
            "template": {"type": "string", "description": "The response box's starting text."},
            "grader_info": HTML,
            "format": {"enum": ["html", "plain"], "default": "html"},
        },
    },
    "description": {"type": "object", "properties": {}, "description": "Text only: no data."},
}


def data_schema(code: str) -> dict:
    return DATA_SCHEMAS.get(code, {"type": "object"})
