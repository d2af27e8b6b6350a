"""Rows an import run has found by name or slug, so that each is looked up once."""

from releases.models import Contact, Delegation, Event, Organisation, Person, Topic

from . import values as item_values


class Lookups:
    """Rows found by name during one import run.

    Names are compared case-insensitively in Python: SQLite's ``iexact`` folds
    ASCII letters only, and "SÄCHSISCHES" must find "Sächsisches" on every
    database. Call ``reset`` after a rolled-back item, whose rows are gone.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self._maps = {}

    def _map(self, key, rows, name_of):
        if key not in self._maps:
            found = {}
            for row in rows():
                found.setdefault(item_values.name_key(name_of(row)), []).append(row)
            self._maps[key] = found
        return self._maps[key]

    def find(self, model, wanted_name, *, slug="", **scope):
        if slug:
            by_slug = self._maps.setdefault(("slug", model), {})
            if slug not in by_slug:
                by_slug[slug] = model.objects.filter(slug=slug).first()
            if by_slug[slug] is not None:
                return by_slug[slug]
        if not wanted_name:
            return None
        name_of = _NAME_OF[model]
        rows = self._map((model, tuple(sorted(scope.items()))),
                         lambda: model.objects.filter(**scope), name_of)
        matches = rows.get(item_values.name_key(wanted_name), [])
        return matches[0] if matches else None

    def candidates(self, model, wanted_name):
        rows = self._map((model,), model.objects.all, _NAME_OF[model])
        return rows.get(item_values.name_key(wanted_name), [])

    def remember(self, model, row, **scope):
        if getattr(row, "slug", ""):
            self._maps.setdefault(("slug", model), {})[row.slug] = row
        key = (model, tuple(sorted(scope.items())))
        if key in self._maps:
            self._maps[key].setdefault(item_values.name_key(_NAME_OF[model](row)), []).append(row)
        if (model,) in self._maps:
            self._maps[(model,)].setdefault(
                item_values.name_key(_NAME_OF[model](row)), []).append(row)


_NAME_OF = {
    Organisation: lambda row: row.name,
    Topic: lambda row: row.name,
    Person: lambda row: row.full_name,
    Contact: lambda row: row.name,
    Event: lambda row: row.title,
    Delegation: lambda row: row.title,
}
