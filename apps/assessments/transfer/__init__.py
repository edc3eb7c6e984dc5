"""Assessments: transfer."""
