"""Planned serializers (apps.core.api.serializers) answer exactly what DRF's own representation answers, on
every list and detail endpoint of the cost table, for the Org Admin and the student, and what depends on the
request (absolute links, the viewer's scope) is the request's own, never the first request's."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.core.api.serializers import PlannedRepresentation, _Plan, plan_for
from benchmarks import cost_fill, cost_table
from tests.conftest import client_for, in_org, jwt_for

API_ROWS = [row for row in cost_table.ROWS if row.kind in ("list", "detail")]


def _cases():
    return [
        pytest.param(row, role, id=f"{row.name}-{role}")
        for row in API_ROWS
        for role in (("admin", "student") if row.student else ("admin",))
    ]


def _stock(self, instance):
    return serializers.Serializer.to_representation(self, instance)


@pytest.mark.parametrize(("row", "role"), _cases())
def test_planned_representation_is_drfs(acme, acme_admin, row, role, monkeypatch):
    with in_org(acme):
        targets = cost_fill.fill(3, "plan", admin=acme_admin)
        user = acme_admin if role == "admin" else get_user_model().objects.get(pk=targets["student_id"])
    client = client_for("acme", token=jwt_for(acme, user))
    url = row.url(targets, 100)

    planned = client.get(url)
    monkeypatch.setattr(PlannedRepresentation, "to_representation", _stock)
    stock = client.get(url)

    assert planned.status_code == stock.status_code == 200
    assert planned.json() == stock.json()


def test_links_are_the_requests_own(acme, globex, acme_admin, globex_admin):
    """The media list's download links name the host of each request (a method field reading the request),
    though the plan was made on the first."""
    links = {}
    for organization, admin in ((acme, acme_admin), (globex, globex_admin)):
        with in_org(organization):
            targets = cost_fill.fill(2, "links", admin=admin)
        client = client_for(organization.slug, token=jwt_for(organization, admin))
        response = client.get(f"/api/v1/courses/{targets['course_id']}/media")
        links[organization.slug] = [item["download_url"] for item in response.json()["data"]]
    assert links["acme"]
    assert links["globex"]
    assert all("acme" in link and "globex" not in link for link in links["acme"])
    assert all("globex" in link and "acme" not in link for link in links["globex"])


def test_fields_that_depend_on_the_request_are_bound_per_request():
    """A file field (its URL needs the request) and a custom list serializer are not shared: they are bound
    to each request's serializer; value fields are shared."""

    class Custom(serializers.ListSerializer):
        pass

    class Child(serializers.Serializer):
        name = serializers.CharField()

    class Sample(PlannedRepresentation, serializers.Serializer):
        title = serializers.CharField()
        document = serializers.FileField()
        children = Custom(child=Child())
        plain_children = Child(many=True)
        shout = serializers.SerializerMethodField()

        def get_shout(self, obj):
            return self.context["mark"] + obj["title"]

    kinds = {name: kind for name, _get, kind, _arg in plan_for(Sample).entries}
    assert kinds == {"title": 0, "document": 4, "children": 4, "plain_children": 3, "shout": 1}
    assert isinstance(plan_for(Sample).entries[3][3], _Plan)
    row = {"title": "a", "document": None, "children": [{"name": "x"}], "plain_children": [{"name": "y"}]}
    first = Sample(row, context={"mark": "1"}).data
    second = Sample(row, context={"mark": "2"}).data
    assert first["shout"] == "1a"
    assert second["shout"] == "2a"
    assert first["children"] == [{"name": "x"}]
    assert first["plain_children"] == [{"name": "y"}]
