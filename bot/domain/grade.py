"""Grades of a case (分级, Art. 17): the four levels and their names in code, files and chat."""

from __future__ import annotations

from enum import IntEnum


class Grade(IntEnum):
    """The four levels; a higher value is a stricter grade."""

    GENERAL = 1
    SENSITIVE = 2
    MAJOR = 3
    ESPECIALLY_MAJOR = 4

    @property
    def label(self) -> str:
        """The Chinese name users read, e.g. 重大舆情."""
        return LABELS[self]

    @property
    def key(self) -> str:
        """The lower-case name used in the policy file, e.g. ``especially_major``."""
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> "Grade":
        """The grade for a policy-file key, a Chinese short name or a number; raises ValueError."""
        text = str(key).strip()
        for grade in cls:
            if text in (grade.key, str(grade.value), grade.label, grade.label.removesuffix("舆情")):
                return grade
        raise ValueError(f"unknown grade {key!r}")


LABELS = {
    Grade.GENERAL: "一般舆情",
    Grade.SENSITIVE: "敏感舆情",
    Grade.MAJOR: "重大舆情",
    Grade.ESPECIALLY_MAJOR: "特别重大舆情",
}

# Grades whose reminders and escalations wait for working hours by default (requirements.md).
WAITING_GRADES = (Grade.GENERAL, Grade.SENSITIVE)
# Grades that need an evaluation after subsiding (Art. 19(5)).
EVALUATED_GRADES = (Grade.MAJOR, Grade.ESPECIALLY_MAJOR)
