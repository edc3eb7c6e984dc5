"""Assessments: question bank, quizzes, attempts, grading, item analysis, GIFT and QTI transfer."""
