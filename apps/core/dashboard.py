"""The dashboard's cards, as a registry: each app contributes its own cards from its AppConfig.ready()
(`apps/<app>/dashboard.py`), and the shell (apps/shell) shows those the viewer may see, in order.

    register_card(code, template=..., context=..., order=..., visible=...)   add a card, or replace the one
                                                                             with the same code (idempotent)
    cards_for(request)   [ShownCard(code, template, context)] for this viewer, in order

`visible(request)` says whether the viewer may see the card at all (cheap: the role scope is cached);
`context(request)` reads what the card shows and may answer None to leave the card out (nothing to show).
A card's template is rendered with the dashboard's context (user, scope, organization, branding) plus its
own variables (the `card` template tag, apps/core/templatetags/cards.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from .navigation import everyone


@dataclass(frozen=True)
class Card:
    code: str
    template: str
    context: Callable[..., dict | None]  # context(request) -> the card's template variables, or None
    order: int = 100
    visible: Callable[..., bool] = everyone  # visible(request) -> may this viewer see it?


@dataclass(frozen=True)
class ShownCard:
    code: str
    template: str
    context: dict


_CARDS: dict[str, Card] = {}


def register_card(
    code: str,
    *,
    template: str,
    context: Callable[..., dict | None],
    order: int = 100,
    visible: Callable[..., bool] = everyone,
) -> Card:
    card = Card(code=code, template=template, context=context, order=order, visible=visible)
    _CARDS[code] = card
    return card


def unregister_card(code: str) -> None:
    _CARDS.pop(code, None)


def registered_cards() -> list[Card]:
    return sorted(_CARDS.values(), key=lambda card: (card.order, card.code))


def cards_for(request) -> list[ShownCard]:
    shown = []
    for card in registered_cards():
        if not card.visible(request):
            continue
        context = card.context(request)
        if context is not None:
            shown.append(ShownCard(card.code, card.template, context))
    return shown
