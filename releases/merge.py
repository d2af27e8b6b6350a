"""Taking both changes: a three-way merge of a release's content, field by field.

When a save is refused because someone else saved in the meantime, there are three
sets of values: what the editor loaded (``base``), what the editor submitted
(``mine``) and what is stored now (``theirs``). A field only the other person changed
takes their value, a field only I changed keeps mine, and a field both changed in
different ways is a conflict the editor resolves; the merge keeps mine there.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Merge:
    values: dict
    taken: tuple  # fields whose value came from the other change
    conflicts: tuple  # fields both changed differently; ``values`` has mine


def merge(base, mine, theirs, key=None):
    """Merge ``mine`` and ``theirs``, both changed from ``base``: {field: value} each.

    ``key(name, value)`` gives what is compared (e.g. text without formatting noise);
    the values themselves are what the result holds. Fields missing from ``mine``
    are not merged.
    """
    key = key or (lambda name, value: value)
    values, taken, conflicts = {}, [], []
    for name, my_value in mine.items():
        before = key(name, base.get(name))
        mine_now = key(name, my_value)
        their_value = theirs.get(name, base.get(name))
        theirs_now = key(name, their_value)
        if theirs_now == before or mine_now == theirs_now:
            values[name] = my_value
        elif mine_now == before:
            values[name] = their_value
            taken.append(name)
        else:
            values[name] = my_value
            conflicts.append(name)
    return Merge(values, tuple(taken), tuple(conflicts))
