"""Prefetch many-valued relations inside the main query, as JSON.

``prefetch_related()`` costs one query per relation: a page that shows a release
with its topics, contacts, images, attachments and so on pays a dozen round trips.
``json_prefetch()`` instead adds one column per relation to the main query: a
correlated subquery that aggregates the related rows into a JSON array (SQLite
``JSON_GROUP_ARRAY``, PostgreSQL ``JSONB_AGG``). When the queryset is evaluated the
arrays are turned back into model instances (``Model.from_db``, each value through
its field's ``to_python``) and put into the prefetch cache, exactly where
``prefetch_related()`` would have put them: ``release.topics.all()`` in code and
templates then makes no query.

    releases = json_prefetch(
        Release.objects.select_related("organisation"),
        "topics", "images",
        JSONPrefetch("events", Event.objects.order_by("starts_at")),
        JSONPrefetch("related", Release.objects.public().select_related("organisation")),
    )

Each relation keeps the order the database would have given it: a window function
(``ROW_NUMBER() OVER (ORDER BY ...)``) numbers the related rows by the queryset's
ordering (or the model's ``Meta.ordering``) with the database's own collation, and
the rows are sorted by that number in Python, as aggregate order is not defined.
A ``JSONPrefetch`` queryset may filter, order, restrict the loaded fields with
``only()``/``defer()`` (accessing a deferred field then queries, as usual) and
``select_related()`` foreign keys one level deep; its annotations may order the rows
but are not loaded onto the objects. Relations that need more
(a relation of the related objects) stay with ``prefetch_related()``, which can be
used on the same queryset.

Supported: forward and reverse many-to-many relations (self-referencing ones too)
and reverse foreign keys, on SQLite and PostgreSQL.
"""

import collections
import contextlib
import datetime
import decimal
import json

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import NotSupportedError, connections, models
from django.db.models import F, OrderBy, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.fields.related_descriptors import (
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
)
from django.db.models.functions import Cast, JSONObject, RowNumber
from django.db.models.query import ModelIterable
from django.utils import timezone

__all__ = ["JSONPrefetch", "json_prefetch"]

# PostgreSQL functions take at most 100 arguments: JSONB_BUILD_OBJECT 50 key-value pairs.
MAX_KEYS_PER_OBJECT = 50
POSITION_KEY = "#"


class JSONPrefetch:
    """A relation to load as JSON: its name on the model, optionally a queryset like Prefetch's."""

    def __init__(self, lookup, queryset=None):
        if LOOKUP_SEP in lookup:
            raise ValueError(f"JSONPrefetch loads a relation of the model itself, not {lookup!r}; "
                             "use prefetch_related() for nested relations.")
        self.lookup = lookup
        self.queryset = queryset
        self.alias = f"jsonprefetch_{lookup}"

    bound_to = None

    def bind(self, model):
        """Work out, once per queryset, how the relation is queried and where it is cached."""
        self.bound_to = model
        descriptor = getattr(model, self.lookup, None)
        self.reverse_fk = None
        if isinstance(descriptor, ManyToManyDescriptor):
            field = descriptor.rel.field
            if descriptor.reverse:
                related_model, lookup = descriptor.rel.related_model, field.name
                source = field.remote_field.through._meta.get_field(field.m2m_reverse_field_name())
            else:
                related_model, lookup = descriptor.rel.model, field.related_query_name()
                source = field.remote_field.through._meta.get_field(field.m2m_field_name())
            targets = [target for _, target in source.related_fields]
        elif isinstance(descriptor, ReverseManyToOneDescriptor):
            field = descriptor.rel.field
            related_model, lookup = descriptor.rel.related_model, field.name
            targets = field.foreign_related_fields
            self.reverse_fk = field
        else:
            raise ValueError(f"{model.__name__}.{self.lookup} is not a many-to-many relation or "
                             "a reverse foreign key.")
        # The related managers' core_filters, with the outer row in place of the instance.
        self.filters = {f"{lookup}{LOOKUP_SEP}{target.name}": models.OuterRef(target.attname)
                        for target in targets}
        queryset = self.queryset
        if queryset is None:
            queryset = related_model._default_manager.all()
        elif queryset.model is not related_model:
            raise ValueError(f"The queryset for {self.lookup!r} must be of "
                             f"{related_model.__name__}, not {queryset.model.__name__}.")
        self.model = related_model
        self.base_queryset = queryset
        select_mask = queryset.query.get_select_mask()
        self.fields = _loaded_fields(related_model, select_mask)
        self.nested = []
        for name in _select_related_names(queryset):
            fk = related_model._meta.get_field(name)
            if fk not in self.fields:
                self.fields.append(fk)
                self.fields.sort(key=related_model._meta.concrete_fields.index)
            nested_model = fk.remote_field.model
            self.nested.append((fk, nested_model,
                                _loaded_fields(nested_model, select_mask.get(fk) or {})))
        return self

    def subquery(self):
        """The column: a JSON array of objects, one per related row, with its position."""
        values = {field.attname: _json_value(field, field.attname) for field in self.fields}
        for fk, _, fields in self.nested:
            values.update({f"{fk.name}.{field.attname}":
                           _json_value(field, f"{fk.name}{LOOKUP_SEP}{field.attname}")
                           for field in fields})
        position = models.Window(RowNumber(), order_by=_order_by(self.base_queryset))
        items = list(values.items())
        chunks = {str(index): JSONObject(**dict(items[start:start + MAX_KEYS_PER_OBJECT]))
                  for index, start in enumerate(range(0, len(items), MAX_KEYS_PER_OBJECT))}
        rows = (self.base_queryset.filter(**self.filters).order_by()
                .values(row=JSONObject(**{POSITION_KEY: position}, **chunks)))
        return JSONArrayOfRows(rows)

    def attach(self, instance):
        """Turn the instance's JSON column into related objects in its prefetch cache."""
        if self.bound_to is not type(instance):
            self.bind(type(instance))
        rows = instance.__dict__.pop(self.alias, None) or []
        connection = connections[instance._state.db]
        rows.sort(key=lambda row: row[POSITION_KEY])
        objects = []
        for row in rows:
            values = {}
            for key, chunk in row.items():
                if key != POSITION_KEY:
                    values.update(chunk)
            obj = _instance(self.model, self.fields, values, "", instance._state.db, connection)
            for fk, nested_model, fields in self.nested:
                related = None
                if getattr(obj, fk.attname) is not None:
                    related = _instance(nested_model, fields, values, f"{fk.name}.",
                                        instance._state.db, connection)
                fk.set_cached_value(obj, related)
            if self.reverse_fk is not None:
                # As prefetch_related() does: the objects know the instance they belong to.
                self.reverse_fk.set_cached_value(obj, instance)
            objects.append(obj)
        manager = getattr(instance, self.lookup)
        queryset = manager.get_queryset()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        cache_name = (self.reverse_fk.remote_field.cache_name if self.reverse_fk is not None
                      else manager.prefetch_cache_name)
        if not hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        instance._prefetched_objects_cache[cache_name] = queryset


# Building and compiling a relation's subquery costs more than running it: its SQL is
# kept per process, filed under the relation, the outer query's table alias and the SQL
# of the relation's queryset (a queryset with the current time in it files itself anew
# each time, hence the bound on their number).
_COMPILED = collections.OrderedDict()
_COMPILED_MAX = 256


class _JSONColumn(models.Expression):
    """The column of one relation: its subquery, compiled once (see _COMPILED)."""

    def __init__(self, spec, model):
        super().__init__(output_field=models.JSONField())
        self.spec, self.model = spec, model

    def as_sql(self, compiler, connection):
        base = self.spec.queryset
        try:
            key = (self.model, self.spec.lookup, connection.alias,
                   compiler.query.get_initial_alias(), compiler.query.alias_prefix,
                   None if base is None else (base.model, str(base.query)))
        except EmptyResultSet:  # a queryset that cannot be shown as text
            key = None
        found = _COMPILED.get(key) if key is not None else None
        if found is not None:
            with contextlib.suppress(KeyError):  # dropped meanwhile by another thread
                _COMPILED.move_to_end(key)
            return found
        subquery = self.spec.subquery().resolve_expression(compiler.query)
        sql, params = compiler.compile(subquery)
        found = (sql, tuple(params))
        if key is not None:
            _COMPILED[key] = found
            while len(_COMPILED) > _COMPILED_MAX:
                with contextlib.suppress(KeyError):
                    _COMPILED.popitem(last=False)
        return found


def json_prefetch(queryset, *lookups):
    """The queryset with the named relations (names or JSONPrefetch) loaded in its own query."""
    specs = [lookup if isinstance(lookup, JSONPrefetch) else JSONPrefetch(lookup)
             for lookup in lookups]
    for spec in specs:
        if spec.bound_to is not queryset.model:
            spec.bind(queryset.model)  # a relation that cannot be loaded is refused here
    queryset = queryset.annotate(**{spec.alias: _JSONColumn(spec, queryset.model)
                                    for spec in specs})
    base = queryset._iterable_class
    if not issubclass(base, ModelIterable):
        raise TypeError("json_prefetch() needs a queryset of model instances, not values().")
    queryset._iterable_class = type(
        "JSONPrefetchIterable", (_JSONPrefetchIterable if base is ModelIterable else base,),
        {"specs": (*getattr(base, "specs", ()), *specs)})
    return queryset


class _JSONPrefetchIterable(ModelIterable):
    specs = ()

    def __iter__(self):
        for instance in super().__iter__():
            for spec in self.specs:
                spec.attach(instance)
            yield instance


class JSONArrayOfRows(Subquery):
    """``(SELECT <aggregate>(row) FROM (<rows>))``: the rows of a subquery as one JSON array.

    The rows stay in a derived table so that their window function (the position) is
    computed before aggregating, which SQL does not allow in one SELECT.
    """

    output_field = models.JSONField()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        alias = connection.ops.quote_name("jsonprefetch")
        column = f"{alias}.{connection.ops.quote_name('row')}"
        if connection.vendor == "postgresql":
            # jsonb, not json: psycopg hands jsonb to JSONField.from_db_value as a string.
            aggregate = f"JSONB_AGG({column})"
        elif connection.vendor == "sqlite":
            # JSON() marks the text as JSON again after the derived table, or it is quoted.
            aggregate = f"JSON_GROUP_ARRAY(JSON({column}))"
        else:
            raise NotSupportedError(f"json_prefetch() does not support {connection.vendor}.")
        template = f"(SELECT {aggregate} FROM (%(subquery)s) {alias})"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _select_related_names(queryset):
    select_related = queryset.query.select_related
    if select_related is True:
        raise ValueError("JSONPrefetch needs the names of the foreign keys in select_related().")
    if not select_related:
        return []
    for name, nested in select_related.items():
        if nested:
            raise ValueError(
                f"JSONPrefetch follows foreign keys one level deep, not past {name!r}.")
    return list(select_related)


def _loaded_fields(model, select_mask):
    """The concrete fields a query with this select mask loads, in the model's field order."""
    fields = model._meta.concrete_fields
    if select_mask:
        fields = [field for field in fields if field in select_mask or field.primary_key]
    return list(fields)


def _json_value(field, path):
    """The expression that puts a field's value into a JSON object without loss."""
    if isinstance(field, models.BinaryField):
        raise NotSupportedError(f"JSONPrefetch cannot load binary field {field.name!r}; "
                                "defer it.")
    if isinstance(field, models.JSONField):
        return JSONValue(F(path))
    if isinstance(field, models.DecimalField):
        # As text: a JSON number would become a float.
        return Cast(F(path), models.TextField())
    return F(path)


class JSONValue(models.Func):
    """A JSONField's value as JSON in a JSON object (on SQLite it is text until JSON() says so)."""

    function = "JSON"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


def _order_by(queryset):
    """The queryset's ordering as expressions, relations expanded as ORDER BY would."""
    query = queryset.query
    model = queryset.model
    if query.order_by:
        ordering = query.order_by
    elif query.default_ordering and model._meta.ordering:
        ordering = model._meta.ordering
    else:
        ordering = ["pk"]
    expressions = []
    for item in ordering:
        if isinstance(item, str):
            if item == "?":
                raise ValueError("JSONPrefetch cannot keep a random order.")
            descending = item.startswith("-")
            expressions.extend(_expand_ordering(model, item.lstrip("-"), descending, set()))
        elif isinstance(item, OrderBy):
            expressions.append(item)
        else:
            expressions.append(item.asc() if hasattr(item, "asc") else OrderBy(item))
    return expressions


def _expand_ordering(model, name, descending, seen):
    """``name`` as ORDER BY sees it: a foreign key stands for the related model's ordering."""
    opts, field, path = model._meta, None, name.split(LOOKUP_SEP)
    for index, part in enumerate(path):
        if part == "pk":
            part = opts.pk.name
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            # An annotation or transform: ordered by as it is.
            field = None
            break
        if index < len(path) - 1 and field.is_relation:
            opts = field.related_model._meta
    related_ordering = None
    if (field is not None and field.is_relation
            and path[-1] not in {"pk", getattr(field, "attname", None)}
            and field.related_model._meta.ordering):
        related_ordering = field.related_model._meta.ordering
    if related_ordering is None or (name, descending) in seen:
        expression = F(name)
        return [expression.desc() if descending else expression.asc()]
    seen = seen | {(name, descending)}
    expressions = []
    for item in related_ordering:
        if not isinstance(item, str):
            raise ValueError(f"JSONPrefetch cannot follow ordering {item!r} of "
                             f"{field.related_model.__name__}.")
        item_descending = item.startswith("-")
        expressions.extend(_expand_ordering(
            model, f"{name}{LOOKUP_SEP}{item.lstrip('-')}", descending != item_descending, seen))
    return expressions


def _instance(model, fields, values, prefix, db, connection):
    names = [field.attname for field in fields]
    converted = [_python_value(field, values[f"{prefix}{field.attname}"], connection)
                 for field in fields]
    return model.from_db(db, names, converted)


def _python_value(field, value, connection):
    """A value from JSON as the field holds it after an ordinary query."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        if field.decoder is not None:
            return json.loads(json.dumps(value), cls=field.decoder)
        return value
    if isinstance(field, models.DurationField) and isinstance(value, int):
        return datetime.timedelta(microseconds=value)  # SQLite stores microseconds
    value = field.to_python(value)
    if isinstance(value, datetime.datetime):
        # SQLite stores the connection's time (UTC) without an offset, as Django's converter
        # reads it; PostgreSQL writes the session's offset.
        if settings.USE_TZ and timezone.is_naive(value):
            value = timezone.make_aware(value, connection.timezone)
        elif not settings.USE_TZ and timezone.is_aware(value):
            value = timezone.make_naive(value, connection.timezone)
    elif isinstance(value, decimal.Decimal) and field.decimal_places is not None:
        value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    return value
