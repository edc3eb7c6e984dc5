"""Reproducible load and scale measurements of LearnStack (`make bench`).

    python -m benchmarks.run [provision|migrate|http|all] [--quick]

Every run uses its own database (`<DATABASE_URL's name>_bench` on the same server), never the dev data.
Each measurement prints its figures and the command that reproduces it, and writes JSON into
benchmarks/results/ (git-ignored).
"""
