"""Assessments: attempts."""
