"""Certificate codes, Moodle's shape: 10 random digits and 2 capitals (the learner's first- and last-name
initials, when they are Latin letters, else random ones). Unique in the organization; the issuing service
retries on a collision."""

import secrets
import string
import unicodedata

LETTERS = string.ascii_uppercase


def _initial(word: str) -> str:
    """The word's first letter as an ASCII capital ("É" -> "E"), or a random capital (other scripts)."""
    for char in unicodedata.normalize("NFKD", word or ""):
        if char.isascii() and char.isalpha():
            return char.upper()
        if char.isalpha() and not unicodedata.combining(char):
            break
    return secrets.choice(LETTERS)


def initials(full_name: str) -> str:
    words = (full_name or "").split()
    if not words:
        return secrets.choice(LETTERS) + secrets.choice(LETTERS)
    return _initial(words[0]) + _initial(words[-1] if len(words) > 1 else "")


def new_code(full_name: str) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(10)) + initials(full_name)
