"""Subscribers that record what they are handed, registered for one test and removed afterwards, and the
events the bus tests raise (declared for every test here, removed afterwards).

def test_x(listen):
    badges = listen("course.completed")                # badges.events: the events it handled
    flaky = listen("course.completed", fail=1)         # fails on its first call, then handles
    webhooks = listen("*", own_task=True)              # every event, each in a task of its own
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from apps.events import bus, catalog

# Events of the bus tests (not part of the product's catalog).
TEST_EVENTS = {
    "test.happened": {"n": int},
    "test.ruled": {"n": int},
    "other.event": {},
}


@contextmanager
def declared(name: str, payload: dict, *, version: int = 1):
    catalog.declare(name, f"Raised by the tests ({name}).", payload=payload, version=version)
    try:
        yield name
    finally:
        catalog._CATALOG.pop(name, None)


@pytest.fixture(autouse=True)
def test_events():
    names = []
    for name, payload in TEST_EVENTS.items():
        catalog.declare(name, "Raised by the event bus tests.", payload=payload)
        names.append(name)
    yield names
    for name in names:
        catalog._CATALOG.pop(name, None)


@dataclass
class Listener:
    key: str
    fail: int = 0
    attempts: int = 0
    events: list = field(default_factory=list)

    tasks: list = field(default_factory=list)

    def __call__(self, event) -> None:
        from celery import current_task

        self.attempts += 1
        self.tasks.append(current_task.name if current_task else None)
        if self.fail:
            self.fail -= 1
            raise RuntimeError(f"{self.key} is down")
        self.events.append(event)


@pytest.fixture
def listen():
    registered: list[tuple[str, str]] = []

    def add(event_name: str, *, fail: int = 0, own_task: bool = False) -> Listener:
        listener = Listener(key=f"listener-{len(registered)}", fail=fail)

        def handler(event):
            listener(event)

        handler.__qualname__ = f"test_listener_{len(registered)}"
        bus.subscriber(event_name, own_task=own_task)(handler)
        registered.append((event_name, f"{handler.__module__}.{handler.__qualname__}"))
        return listener

    yield add
    for event_name, key in registered:
        bus._SUBSCRIBERS[event_name].pop(key, None)
        bus._OWN_TASK.discard(key)
