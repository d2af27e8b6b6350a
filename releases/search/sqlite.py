"""SQLite: substring matching, newest first, and snippets computed in Python."""

from .text import MAX_RESULTS, _python_snippet, substring_condition


def ranked(query, releases, order):
    ids = list(releases.filter(substring_condition(query)).order_by("-published_at", "-pk")
               .values_list("pk", flat=True)[:MAX_RESULTS + 1])
    return ids, len(ids)


def editorial(query, releases):
    return releases.filter(substring_condition(query))


def has_exact_match(query, releases):
    return releases.filter(substring_condition(query)).exists()


def lookup(query, db):
    return {}


def snippets(texts, query, db):
    return {pk: _python_snippet(text, query) for pk, text in texts.items()}


def index(release_ids, db):
    pass


def unindex(release_ids, db):
    pass


def count_words(counts, sign, db):
    pass


def clear(db):
    pass
