"""Subscribers that record what they are handed, registered for one test and removed afterwards.

def test_x(listen):
    badges = listen("course.completed")                # badges.events: the events it handled
    flaky = listen("course.completed", fail=1)         # fails on its first call, then handles
"""

from dataclasses import dataclass, field

import pytest

from apps.events import bus


@dataclass
class Listener:
    key: str
    fail: int = 0
    attempts: int = 0
    events: list = field(default_factory=list)

    def __call__(self, event) -> None:
        self.attempts += 1
        if self.fail:
            self.fail -= 1
            raise RuntimeError(f"{self.key} is down")
        self.events.append(event)


@pytest.fixture
def listen():
    registered: list[tuple[str, str]] = []

    def add(event_name: str, *, fail: int = 0) -> Listener:
        listener = Listener(key=f"listener-{len(registered)}", fail=fail)

        def handler(event):
            listener(event)

        handler.__qualname__ = f"test_listener_{len(registered)}"
        bus.subscriber(event_name)(handler)
        registered.append((event_name, f"{handler.__module__}.{handler.__qualname__}"))
        return listener

    yield add
    for event_name, key in registered:
        bus._SUBSCRIBERS[event_name].pop(key, None)
