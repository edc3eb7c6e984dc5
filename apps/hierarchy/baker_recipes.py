"""model-bakery recipes for branches and classes: `baker.make_recipe("hierarchy.school_class")`.

Test-only helpers: model_bakery imports this module when a test asks for a recipe (model-bakery is a dev
dependency); the product never imports it.
"""

from model_bakery.recipe import Recipe, foreign_key, seq

from .models import Branch, SchoolClass

branch = Recipe(Branch, name=seq("Campus "), code=seq("campus-"))
school_class = Recipe(SchoolClass, branch=foreign_key(branch), name=seq("Class "), term="2026")
