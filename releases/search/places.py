"""Place names in several languages (releases.models.PlaceName): "Kattowitz" also
finds "Katowice", and the other way round."""

from ..cached_values import public_value
from ..models import PlaceGroup, PlaceName
from .text import _DIGRAPHS, _WORD, Query, Term, _clean, _fold_word, fold, normalise

MAX_PLACE_WORDS = 4  # "Ústí nad Labem" typed without quotes is still one place


def place_key(name):
    """How a place name is looked up: its words folded, "Ústí nad Labem" -> "usti nad labem"."""
    return " ".join(_fold_word(word) for word in _WORD.findall(_clean(name)))


def _place_keys(words):
    """The keys a query's words may name a place by: "Goerlitz" as "gorlitz" too."""
    return {" ".join(fold(word) for word in words),
            " ".join(_DIGRAPHS.sub(lambda m: m.group()[0], normalise(word)) for word in words)}


def _place_names(keys, db):
    """{key: the names (tuples of words) of the places ``keys`` name}.

    Only names of the same place count: related places (twin towns) are not searched.
    """
    places = _places(db)
    return {key: places[key] for key in keys & places.keys()}


def _places(db):
    """{key: the names (tuples of words) of every place that name is one of}: the whole
    list, a few hundred names, read once while nothing public changes (a place name is
    edited in the admin, which moves the content generation)."""
    def read():
        rows = (PlaceName.objects.using(db).filter(group__kind=PlaceGroup.Kind.EQUIVALENT)
                .order_by("pk").values_list("group", "key", "name"))
        by_group, groups_of = {}, {}
        for group, key, name in rows:
            by_group.setdefault(group, {})[tuple(_WORD.findall(name))] = None
            groups_of.setdefault(key, []).append(group)
        return {key: [words for group in groups for words in by_group[group]]
                for key, groups in groups_of.items()}

    return public_value(f"search:places:{db}", read, timed=False)


def _with_places(query, db):
    """``query`` with each place name matching its other names too, as alternatives.

    The words of a phrase, or unquoted consecutive words that together are a known
    name ("Jelenia Góra"), become one term. An excluded place excludes its other
    names. Looked up once per parsed query and database (``_place_names``).
    """
    if db in query._places:
        return query._places[db]
    single = [clause[0].words[0] if len(clause) == 1 and len(clause[0].words) == 1 else None
              for clause in query.clauses]
    runs = {(start, size): tuple(single[start:start + size])
            for size in range(2, MAX_PLACE_WORDS + 1) for start in range(len(single) - size + 1)
            if None not in single[start:start + size]}
    terms = [term for clause in query.clauses for term in clause] + query.exclusions
    candidates = [term.words for term in terms] + list(runs.values())
    found = _place_names(set().union(*map(_place_keys, candidates)) if candidates else set(), db)

    def places(words):
        # All other spellings: SQLite's substring matching cannot add a missing accent.
        typed = tuple(word.lower() for word in words)
        return tuple(name for name in dict.fromkeys(
            name for key in _place_keys(words) & found.keys() for name in found[key])
            if tuple(word.lower() for word in name) != typed)

    def with_places(term):
        return Term(term.words, names) if (names := places(term.words)) else term

    clauses, start = [], 0
    while start < len(query.clauses):
        size = next((size for size in range(MAX_PLACE_WORDS, 1, -1)
                     if places(runs.get((start, size), ()))), 1)
        if size > 1:
            clauses.append([Term(runs[start, size], places(runs[start, size]))])
        else:
            clauses.append([with_places(term) for term in query.clauses[start]])
        start += size
    expanded = Query(text=query.text, clauses=clauses,
                     exclusions=[with_places(term) for term in query.exclusions],
                     _lookups=query._lookups, _places=query._places)
    query._places[db] = expanded
    return expanded
