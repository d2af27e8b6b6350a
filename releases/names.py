"""People's names as one line: their parts, for address books and for matching."""

# Words that open a family name: "Anna von der Heide", "Ludwig van Beethoven".
PARTICLES = {"von", "van", "de", "der", "den", "zu", "vom", "zum", "zur", "di", "da", "del",
             "du", "le", "la", "ten", "ter"}


def split_name(full_name):
    """(honorific, given name, family name) of a person's full name.

    Leading words ending in a dot are academic titles (Prof. Dr.); the family
    name starts at a particle (von, van, de ...) or is the last word.
    """
    words = str(full_name or "").split()
    honorific = []
    while len(words) > 1 and words[0].endswith("."):
        honorific.append(words.pop(0))
    family_start = max(len(words) - 1, 0)
    for position, word in enumerate(words[1:-1], start=1):
        if word in PARTICLES:
            family_start = position
            break
    return " ".join(honorific), " ".join(words[:family_start]), " ".join(words[family_start:])
