"""Assessments: quizzes."""
