"""Read serializers that do not rebuild their fields on every request (issue 11).

DRF builds a serializer's fields on each instance: a ModelSerializer maps every model field again, deep-copies
the declared ones and their validators, and a list of 20 rows then walks them through generators, once per
row and per nested serializer. `PlannedRepresentation` does that work once per class: the first time a class
serializes, a prototype's bound fields are compiled into a *plan* (per field: how to read it and how to
represent it), and every later call, on any request, runs the plan. The output is exactly DRF's
(tests/api/test_planned_serializers.py compares them field by field).

What is shared between requests is only what cannot depend on one:
- plain fields (DRF's own value fields, primary-key relations): their get_attribute/to_representation read
  nothing but the value (date-times are converted in the time zone active at the call, as DRF does);
- nested serializers and lists of them: a plan of their own.
What depends on the request is taken from the serializer being used, never from the prototype:
- method fields (`get_<name>`) are called on the serializer of this request (or, nested, on a serializer of
  the nested class that shares this request's context);
- any other field (files, hyperlinks, custom fields or list serializers, fields with a default) is copied
  from the prototype and bound to this request's serializer, once per request, as DRF would bind it.

A serializer whose set of fields depends on the request or the instance (a `get_fields` reading the
context) must not use it: set `planned = False` on the class.
"""

import copy
import datetime
import inspect

from django.conf import settings
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField, empty
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

_PLAIN, _METHOD, _NESTED, _MANY, _BOUND, _DATETIME = range(6)
_UNSET = object()

# Field classes whose reading and representing use only the value (no context, no request).
_PLAIN_TYPES = (
    drf_fields.BooleanField,
    drf_fields.CharField,
    drf_fields.IntegerField,
    drf_fields.FloatField,
    drf_fields.DecimalField,
    drf_fields.DateTimeField,
    drf_fields.DateField,
    drf_fields.TimeField,
    drf_fields.DurationField,
    drf_fields.ChoiceField,
    drf_fields.ReadOnlyField,
    drf_fields.JSONField,
    drf_fields.UUIDField,
    relations.PrimaryKeyRelatedField,
)
_NEVER_PLAIN = (
    drf_fields.FileField,
    drf_fields.SerializerMethodField,
    drf_fields.HiddenField,
    relations.HyperlinkedRelatedField,
    serializers.BaseSerializer,
)
_MISSING = object()


def _library(method) -> bool:
    return getattr(method, "__module__", "").startswith("rest_framework.")


def _is_plain(field) -> bool:
    kind = type(field)
    return (
        isinstance(field, _PLAIN_TYPES)
        and not isinstance(field, _NEVER_PLAIN)
        and field.default is empty
        and _library(kind.to_representation)
        and _library(kind.get_attribute)
    )


def _plannable(serializer) -> bool:
    """A serializer whose representation is its fields' (no own to_representation, __init__ or opt-out)."""
    kind = type(serializer)
    if not isinstance(serializer, serializers.Serializer) or not getattr(kind, "planned", True):
        return False
    own = kind.to_representation
    return own in (serializers.Serializer.to_representation, PlannedRepresentation.to_representation) and (
        kind.__init__ is serializers.BaseSerializer.__init__
    )


class _Plan:
    __slots__ = ("cls", "entries")

    def __init__(self, prototype):
        self.cls = type(prototype)
        self.entries = []
        for field in prototype._readable_fields:
            self.entries.append((field.field_name, *_entry(field)))


def _entry(field) -> tuple:
    if isinstance(field, drf_fields.SerializerMethodField):
        return field.get_attribute, _METHOD, field.method_name
    if isinstance(field, serializers.ListSerializer):
        if type(field) is serializers.ListSerializer and _plannable(field.child) and field.default is empty:
            return field.get_attribute, _MANY, _Plan(field.child)
        return None, _BOUND, field
    if isinstance(field, serializers.Serializer):
        if _plannable(field) and field.default is empty:
            return field.get_attribute, _NESTED, _Plan(field)
        return None, _BOUND, field
    if _is_plain(field):
        if _iso_datetime(field):
            return _getter(field), _DATETIME, field.to_representation
        return _getter(field), _PLAIN, field.to_representation
    return None, _BOUND, field


def _getter(field):
    """field.get_attribute, faster for a value field read from plain attributes of objects (each step's
    value in the object's __dict__, as getattr finds it when no data descriptor of the class shadows it):
    `source="title"`, or dotted, `source="shown_version.number"`. Anything else (a relation's descriptor, a
    mapping, a callable, a missing attribute) takes DRF's own path for the whole source."""
    slow = field.get_attribute
    if isinstance(field, relations.RelatedField) or not field.source_attrs:
        return slow
    names = tuple(field.source_attrs)
    shadowed: dict[tuple[type, str], bool] = {}

    def plain(obj, name):
        """obj's own value of `name`, or _MISSING when getattr might find something else."""
        try:
            value = obj.__dict__[name]
        except (AttributeError, KeyError):
            return _MISSING
        key = (type(obj), name)
        hidden = shadowed.get(key)
        if hidden is None:
            found = inspect.getattr_static(key[0], name, None)
            hidden = shadowed[key] = hasattr(type(found), "__set__") or hasattr(type(found), "__delete__")
        if hidden or callable(value):
            return _MISSING
        return value

    if len(names) == 1:
        (name,) = names

        def get(instance):
            value = plain(instance, name)
            return slow(instance) if value is _MISSING else value

        return get

    def get_dotted(instance):
        value = instance
        for name in names:
            if value is None:  # DRF stops at a None on the way, and answers None
                return None
            value = plain(value, name)
            if value is _MISSING:
                return slow(instance)
        return value

    return get_dotted


def _iso_datetime(field) -> bool:
    """A DateTimeField written as ISO 8601 in the current time zone (DRF's default), unchanged."""
    kind, base = type(field), drf_fields.DateTimeField
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return (
        isinstance(field, base)
        and kind.to_representation is base.to_representation
        and kind.enforce_timezone is base.enforce_timezone
        and kind.default_timezone is base.default_timezone
        and not hasattr(field, "timezone")
        and isinstance(output, str)
        and output.lower() == ISO_8601
    )


def _current_timezone():
    return timezone.get_current_timezone() if settings.USE_TZ else None


_PLANS: dict[type, _Plan] = {}


def plan_for(cls) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls(context={}))
    return plan


class _Request:
    """What one serializer of one request needs beyond the plan: its helpers and its bound fields."""

    __slots__ = ("bound", "holders", "methods", "root")

    def __init__(self, root):
        self.root = root
        self.holders: dict[int, object] = {}
        self.methods: dict[tuple[int, str], object] = {}
        self.bound: dict[tuple[int, str], object] = {}

    def holder(self, plan: _Plan, top: bool):
        if top:
            return self.root
        holder = self.holders.get(id(plan))
        if holder is None:
            holder = self.holders[id(plan)] = plan.cls(context=self.root.context)
        return holder

    def method(self, plan: _Plan, holder, name: str):
        key = (id(plan), name)
        method = self.methods.get(key)
        if method is None:
            method = self.methods[key] = getattr(holder, name)
        return method

    def field(self, plan: _Plan, holder, name: str, prototype):
        key = (id(plan), name)
        field = self.bound.get(key)
        if field is None:
            field = copy.deepcopy(prototype)
            field.bind(name, holder)
            self.bound[key] = field
        return field


def _run(plan: _Plan, state: _Request, instance, top: bool = False, zone=_UNSET) -> dict:
    ret = {}
    holder = None
    for name, get, kind, arg in plan.entries:
        if kind == _BOUND:
            if holder is None:
                holder = state.holder(plan, top)
            field = state.field(plan, holder, name, arg)
            get, represent = field.get_attribute, field.to_representation
        try:
            attribute = get(instance)
        except SkipField:
            continue
        if kind == _METHOD:
            if holder is None:
                holder = state.holder(plan, top)
            ret[name] = state.method(plan, holder, arg)(attribute)
            continue
        if (attribute.pk if isinstance(attribute, PKOnlyObject) else attribute) is None:
            ret[name] = None
        elif kind == _PLAIN:
            ret[name] = arg(attribute)
        elif kind == _DATETIME:
            # DRF's DateTimeField.to_representation for an aware datetime, the time zone read once per object.
            if zone is _UNSET:
                zone = _current_timezone()
            if zone is None or type(attribute) is not datetime.datetime or attribute.utcoffset() is None:
                ret[name] = arg(attribute)
                continue
            try:
                text = attribute.astimezone(zone).isoformat()
            except OverflowError:
                ret[name] = arg(attribute)  # DRF's own error
                continue
            ret[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
        elif kind == _NESTED:
            ret[name] = _run(arg, state, attribute, zone=zone)
        elif kind == _MANY:
            items = attribute.all() if isinstance(attribute, BaseManager) else attribute
            ret[name] = [_run(arg, state, item, zone=zone) for item in items]
        else:
            ret[name] = represent(attribute)
    return ret


class PlannedRepresentation:
    # Mix into a read (Model)Serializer, before DRF's class: its representation runs the class's plan.
    # (A comment, not a docstring: drf-spectacular would show a docstring as the description of every
    # serializer without one of its own.)

    planned = True

    def to_representation(self, instance):
        if not _plannable(self):
            return super().to_representation(instance)
        state = self.__dict__.get("_plan_request")
        if state is None:
            state = self.__dict__["_plan_request"] = _Request(self)
        return _run(plan_for(type(self)), state, instance, top=True)


class PlannedModelSerializer(PlannedRepresentation, serializers.ModelSerializer):
    pass


class PlannedSerializer(PlannedRepresentation, serializers.Serializer):
    pass
