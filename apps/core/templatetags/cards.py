"""`{% load cards %}{% for card in cards %}{% card card %}{% endfor %}`: a dashboard card (apps.core.dashboard)
rendered with the page's context plus the card's own variables, so a card's template reads like a piece of
the page it sits in."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def card(context, shown):
    card_template = context.template.engine.get_template(shown.template)
    with context.push(**shown.context):
        return card_template.render(context)
