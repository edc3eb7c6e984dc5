"""Assessments: analytics."""
