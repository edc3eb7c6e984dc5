"""Assessments: bank."""
