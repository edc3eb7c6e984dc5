"""model-bakery recipes for courses and learning:

    baker.make_recipe("courses.course")                  a published organization-wide course
    baker.make_recipe("courses.module", course=course)   a module of it
    baker.make_recipe("courses.lesson", module=module)   a published text lesson of that module (version 1)
    baker.make_recipe("courses.enrollment", course=course, user=learner)

Test-only helpers: model_bakery imports this module when a test asks for a recipe (model-bakery is a dev
dependency); the product never imports it.
"""

from model_bakery import baker
from model_bakery.recipe import Recipe, foreign_key, seq

from .models import ContentItem, ContentVersion, Course, Enrollment, Module

course = Recipe(
    Course,
    title=seq("Course "),
    slug=seq("course-"),
    status=Course.Status.PUBLISHED,
    owner=foreign_key("accounts.org_admin"),
)
module = Recipe(Module, course=foreign_key(course), title=seq("Module "))


class LessonRecipe(Recipe):
    """A text lesson in `module` (a new one by default), in the module's course, with version 1 written by
    the course's owner and published."""

    def make(self, _quantity=None, *, module=None, **attrs):
        if _quantity is not None:
            return [self.make(module=module, **attrs) for _ in range(_quantity)]
        module = module or baker.make_recipe("courses.module")
        item = super().make(module=module, course=module.course, **attrs)
        version = ContentVersion.objects.create(
            item=item,
            number=1,
            title=item.title,
            body=f"{item.title} text",
            body_html=f"<p>{item.title} text</p>",
            author=module.course.owner,
        )
        ContentItem.objects.filter(pk=item.pk).update(latest_version=version, published_version=version)
        item.latest_version = item.published_version = version
        return item


lesson = LessonRecipe(ContentItem, kind="text", title=seq("Lesson "), position=0)
enrollment = Recipe(
    Enrollment,
    course=foreign_key(course),
    user=foreign_key("accounts.student"),
    source=Enrollment.Source.SELF,
)
