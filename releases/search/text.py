"""Text handling shared by both databases: normalisation, matching, parsing."""

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache, reduce

from django.db.models import Q

from ..html import html_to_text

MAX_QUERY_CHARS = 500  # the rest of a longer query is ignored
MAX_TERMS = 10
MAX_PHRASE_WORDS = 8
# Longer "words" are noise, and costly for trigrams; German law names reach sixty letters
# ("Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz").
MAX_WORD_CHARS = 64
MIN_PREFIX_CHARS = 4  # "Digi" finds "Digitalisierung"; shorter prefixes match everything
MIN_COMPOUND_CHARS = 5  # "Kriminalität" finds "Eigentumskriminalität", "Amt" not "Landratsamt"
MAX_COMPOUNDS = 30
# Words that hold a searched word are looked up (shortest first) among this many, and
# those where it is a part of the compound kept (``is_compound_part``).
MAX_COMPOUND_CANDIDATES = 500
# What may follow the last part of a compound: German inflection ("Eichen", "Heiden").
COMPOUND_ENDINGS = frozenset({"", "e", "n", "en", "er", "es", "s", "ern", "ens", "em"})
MIN_COMPOUND_HEAD_CHARS = 3  # "Landratsamt": "Amt" is too short to be looked up anyway
MIN_MIDDLE_PART_CHARS = 7  # "wasserschutz" inside "hochwasserschutzmassnahmen"
MIN_FUZZY_CHARS = 4
FUZZY_SIMILARITY = 0.5
PLURAL_ENDINGS = ("es", "en", "er", "s", "n", "e")

# A search shows at most this many, the best: ten pages of twenty. A visitor who has not
# found it there narrows the search; ranking more would cost every search its time.
MAX_RESULTS = 200

SNIPPET_WORDS = 30
# A snippet is cut from the beginning of a release: where the words are first found there,
# else its first words. Reading a long speech to its end for a snippet would cost a page of
# twenty of them a tenth of a second, on either database.
SNIPPET_SOURCE_CHARS = 8_000
SNIPPET_HTML_CHARS = 2 * SNIPPET_SOURCE_CHARS  # of stored rich text: markup included

# ---------------------------------------------------------------------------
# Normalisation, shared by documents and queries.

# Letters that lose no mark when decomposed (as str.replace pairs: faster than translate).
_FOLD = {"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
         "þ": "th", "ı": "i"}
_TRANSLITERATE = {"ä": "ae", "ö": "oe", "ü": "ue"}
_UMLAUTS = set("äöüÄÖÜ")
# Before each umlaut word folded in the index ("qqlander" for "Länder"): a word of its own,
# which only the spellings a query asks for as folded find (``spellings``).
FOLDED_MARK = "qq"
# Words joined by hyphens ("Kita-Gesetz"), and numbers with a dot between thousands.
# Tried only where a word begins, and never giving back letters it took: in time linear in
# the text, also for one word of a million letters (which would otherwise be retried from
# each of its letters, each time to its end).
_HYPHENATED = r"(?<![^\W_])[^\W_]++(?:[-\u2010\u2011][^\W_]++)+"
_JOINED = re.compile(rf"{_HYPHENATED}|(?<![\d.])\d{{1,3}}(?:\.\d{{3}})+(?![\d.])")
_HYPHENATED_TERM = re.compile(rf"[\W_]*{_HYPHENATED}[\W_]*")  # "(Corona-Hilfen)," too
_NOT_WORDS = re.compile(r"[^\w\s]|_")
_DIGRAPHS = re.compile(r"ae|oe|ue")
_WORD = re.compile(r"[^\W_]+")  # letters and digits: nothing a query syntax could mistake
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_FORMAT = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufff9-\uffff]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# The mark of a gender-inclusive form: "Lehrer:innen", "Bürger*innen", "Minister_in",
# "Schüler/-innen" read as "Lehrerinnen", "Bürgerinnen" ... (as "LehrerInnen" does).
_GENDER_MARK = re.compile(r"(?<=[^\W\d_])(?:[*:_·]|/-?)(?=in(?:nen)?(?![^\W_]))", re.IGNORECASE)


def _clean(text):
    """Text without control characters; format characters (a soft hyphen) join."""
    return _CONTROL.sub(" ", _FORMAT.sub("", unicodedata.normalize("NFKC", str(text))))


def _as_words(text):
    """``text`` cleaned, with the mark of each gender-inclusive form taken out: what
    documents and queries are split into words from."""
    return _GENDER_MARK.sub("", _clean(text))


def _replace(text, replacements):
    for old, new in replacements.items():
        if old in text:
            text = text.replace(old, new)
    return text


def _strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", _replace(text, _FOLD))
    return unicodedata.normalize("NFC", _COMBINING.sub("", decomposed))


def normalise(text):
    """Lower case, umlauts as ae/oe/ue, ß as ss, no accents: "Görlitz" -> "goerlitz"."""
    return _strip_accents(_replace(_as_words(text).lower(), _TRANSLITERATE))


def fold(text):
    """Lower case without any accents, umlauts dropped: "Länder" -> "lander"."""
    return _strip_accents(_clean(text).lower())


# Single words recur across releases: remembered, they cost once per rebuild.
_normalise_word = lru_cache(maxsize=100_000)(normalise)
_fold_word = lru_cache(maxsize=100_000)(fold)


def spellings(word, loose=False):
    """How a query word is looked for: its normalised spellings, those of the index's
    folded umlaut words with their mark (``FOLDED_MARK``).

    Closely: the word as normalised and, where it has an umlaut or is written with
    ae/oe/ue, the same word folded ("Görlitz" and "Goerlitz" also as "qqgorlitz").
    ``loose``: also the word as typed among the folded words, one tier lower: "Gorlitz"
    finds "Görlitz", "Land" "Länder", "Forderung" "Förderung"; never the other way round
    ("Förderung" does not find "Forderung", "Schüler" not "Schule").
    """
    normalised = normalise(word)
    found = [normalised]
    dropped = _DIGRAPHS.sub(lambda m: m.group()[0], normalised)
    if dropped != normalised:
        found.append(FOLDED_MARK + dropped)
    if loose:
        found.append(FOLDED_MARK + fold(word))
    return list(dict.fromkeys(found))


def unmarked(spelling):
    """A spelling as the text writes it (``spellings``): what ts_headline reads."""
    return spelling.removeprefix(FOLDED_MARK)


def term_spellings(words, loose=False):
    """The spellings of each word of a term (``spellings``). A phrase's words only as
    written in the text: the folded umlaut words stand apart from the words between them
    in the index, where "Förderung Görlitz" would find "Die Förderung geht nach Görlitz"."""
    if len(words) == 1:
        return [spellings(words[0], loose)]
    return [spellings(word)[:1] for word in words]


def prefixes(word):
    """The beginnings a normalised query word also matches as: itself, or without a
    plural ending ("verbindungsbueros" -> "verbindungsbuero"), whichever is shorter
    (it finds the other).

    "-n" is a plural ending after -el and -er only ("Regeln", "Partnern"): a
    "Staatsministerin" is not a "Staatsministeri…".
    """
    found = [word] if len(word) >= MIN_PREFIX_CHARS else []
    found += [word[:-len(ending)] for ending in PLURAL_ENDINGS
              if word.endswith(ending) and len(word) - len(ending) >= MIN_PREFIX_CHARS + 1
              and (ending != "n" or word.endswith(("eln", "ern")))]
    return [prefix for prefix in found
            if not any(prefix != other and prefix.startswith(other) for other in found)]


def lookup_words(query):
    """The normalised single words of ``query`` whose compounds and corrections a
    backend looks up (long enough, letters and digits only)."""
    words = {normalise(term.words[0]) for clause in query.clauses for term in clause
             if len(term.words) == 1 and len(term.words[0]) >= MIN_FUZZY_CHARS}
    return sorted(word for word in words if _WORD.fullmatch(word))


def is_compound_part(word, compound):
    """Whether the normalised ``word`` is a part of the normalised ``compound`` as German
    compounds are made, not any run of its letters: its last part, maybe inflected
    ("kriminalitaet" in "eigentumskriminalitaet", "eiche" in "steineichen"), or, if long,
    a part in its middle ("wasserschutz" in "hochwasserschutzmassnahmen"); never "heide"
    in "entscheidet" nor "eiche" in "reichenbach"."""
    start = compound.find(word, MIN_COMPOUND_HEAD_CHARS)
    while start != -1:
        rest = compound[start + len(word):]
        if rest in COMPOUND_ENDINGS or (
                len(word) >= MIN_MIDDLE_PART_CHARS and len(rest) >= MIN_COMPOUND_CHARS):
            return True
        start = compound.find(word, start + 1)
    return False


def latin_forms(word):
    """The other number of a normalised word of Latin form, which no prefix finds:
    "museum" and "museen", "stipendium" and "stipendien", "zentrum" and "zentren",
    "virus" and "viren" (a guess that finds nothing where the word has no such form)."""
    if len(word) < MIN_PREFIX_CHARS + 2:
        return []
    if word.endswith(("um", "us")):
        return [word[:-2] + "en"]
    if word.endswith(("ien", "een")):
        return [word[:-2] + "um"]
    return []


def loosened(term, lookups):
    """What a single-word term also matches as, beyond its exact word or phrase:
    {"prefixes": beginnings of words (also of the folded words where it may be one),
    "folded": its spellings among the folded umlaut words
    (``spellings``), "compounds": the spellings of the compounds that contain it and of
    its other number if it is Latin (``latin_forms``), "corrections": those of its typo
    correction}; None for a phrase.

    ``lookups`` is what a backend's ``lookup`` found for the query's words.
    """
    if len(term.words) > 1:
        return None
    word = normalise(term.words[0])
    found = lookups.get(word, {})
    folded = [spelling for spelling in spellings(term.words[0], loose=True)
              if spelling not in spellings(term.words[0])]
    return {
        # A beginning typed without umlauts: of the folded words too ("Forderungsprog").
        "prefixes": prefixes(word) + [FOLDED_MARK + prefix for prefix in prefixes(word)
                                      if folded],
        "folded": folded,
        "compounds": [spelling for compound in [
            compound for compound in found.get("compounds") or ()
            if is_compound_part(word, compound)][:MAX_COMPOUNDS] + latin_forms(word)
            for spelling in spellings(compound, loose=True)],
        "corrections": (spellings(found["correction"], loose=True)
                        if found.get("correction") else []),
    }


# The order of results: tier by tier, the closest first (exact words or phrases; then
# beginnings of words, plurals and compounds; then typo corrections); within a tier the
# releases whose heading matches before those that mention the words in their text only.
TIERS = ("exact", "expanded", "fuzzy")
GROUPS = tuple((tier, heading) for tier in TIERS for heading in (True, False))


def looser_tiers(query, lookups):
    """The tiers beyond "exact" that can match more than the closer one before them."""
    loose = [loosened(term, lookups) for clause in query.clauses for term in clause]
    loose = [more for more in loose if more is not None]
    return ({"expanded"} if any(more["prefixes"] or more["folded"] or more["compounds"]
                                for more in loose)
            else set()) | ({"fuzzy"} if any(more["corrections"] for more in loose) else set())


def closer_tier(tier):
    """The tier before ``tier`` (None for "exact")."""
    index = TIERS.index(tier)
    return TIERS[index - 1] if index else None


def best_first(group):
    """The ids of the best MAX_RESULTS + 1 matches, best first.

    ``group(tier, heading, wanted)`` gives the matches of one group (see GROUPS) as
    rows (rank, date, id): at most ``wanted`` of them (where more match, the newest
    take part). The groups are asked in order, each for as many as are still
    wanted, until the list is full: a group that cannot reach the list is never read.
    """
    rows = []
    for tier, heading in GROUPS:
        wanted = MAX_RESULTS + 1 - len(rows)
        if wanted <= 0:
            break
        rows += sorted(group(tier, heading, wanted), reverse=True)[:wanted]
    return [row[-1] for row in rows]


def _document(text):
    """What the index reads for ``text``: its normalised words; then its umlaut words
    folded, each marked ("Länder" also as "qqlander", found only by a looser tier: see
    ``spellings``); then its hyphenated words and numbers written together ("Kita-Gesetz"
    is also "kitagesetz", "1.000" also "1000").

    Nothing but words and spaces: PostgreSQL's parser would read "2025/2026" as a path,
    "1.000" as a number and "sachsen.de" as a host, each one word that no query, made of
    letters and digits, finds; and "<script>" in plain text as a tag, which it skips.
    """
    folded = " ".join(FOLDED_MARK + _fold_word(word) for word in _WORD.findall(text)
                      if not word.isascii() and _UMLAUTS & set(word))
    joined = " ".join(_NOT_WORDS.sub("", normalise(match.group()))
                      for match in _JOINED.finditer(text))
    return _NOT_WORDS.sub(" ", f"{normalise(text)}\n{folded}\n{joined}")


def _plain(value):
    """Plain text (no tags, no entities) of stored rich text."""
    return html_to_text(value)


# ---------------------------------------------------------------------------
# Parsing a query string.

# Words that only join others, as a query asks for them (normalised): the German list of
# PostgreSQL's ``german`` configuration (Snowball's), so that both databases leave out the
# same; but for "oder", which joins alternatives in lower case and is a river in upper case.
STOP_WORDS = frozenset(normalise(word) for word in """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes anderm andern anderr anders auch auf aus bei bin bis bist da damit dann der den
    des dem die das daß derselbe derselben denselben desselben demselben dieselbe dieselben
    dasselbe dazu dein deine deinem deinen deiner deines denn derer dessen dich dir du dies
    diese diesem diesen dieser dieses doch dort durch ein eine einem einen einer eines einig
    einige einigem einigen einiger einiges einmal er ihn ihm es etwas euer eure eurem euren
    eurer eures für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich mich mir
    ihr ihre ihrem ihren ihrer ihres euch im in indem ins ist jede jedem jeden jeder jedes
    jene jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können
    könnte machen man manche manchem manchen mancher manches mein meine meinem meinen meiner
    meines mit muss musste nach nicht nichts noch nun nur ob ohne sehr sein seine seinem
    seinen seiner seines selbst sich sie ihnen sind so solche solchem solchen solcher solches
    soll sollte sondern sonst über um und uns unse unsem unsen unser unses unter viel vom von
    vor während war waren warst was weg weil weiter welche welchem welchen welcher welches
    wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur
    zwar zwischen""".split())
# The words PostgreSQL's index holds none of: those, and "oder".
UNINDEXED_WORDS = STOP_WORDS | {"oder"}
_QUOTES = str.maketrans({c: '"' for c in "„“”«»‟″"})
_CHUNK = re.compile(r'(?P<negated>-)?(?:"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+))')


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of several words (quoted, or joined like "Sachsen-Anhalt").

    ``places``: the other names of the place the term names, each a tuple of words,
    matched as alternatives of the term (see ``_with_places``).
    """

    words: tuple
    places: tuple = ()


@dataclass
class Query:
    """A parsed query: all clauses must match, a clause by any of its terms; no exclusion may."""

    text: str
    clauses: list = field(default_factory=list)
    exclusions: list = field(default_factory=list)
    _lookups: dict = field(default_factory=dict, repr=False)
    _places: dict = field(default_factory=dict, repr=False)
    _made: dict = field(default_factory=dict, repr=False)  # what a backend made of it
    common_only: bool = False  # only words like "und", "der": nothing was searched

    def __bool__(self):
        return bool(self.clauses)

    @property
    def words(self):
        return [word for clause in self.clauses for term in clause
                for words in (term.words, *term.places) for word in words]

    def any_of(self):
        """The same words with any one of them enough ("A B" as "A oder B"), exclusions
        kept; None where that is no looser (a single word, or alternatives already)."""
        if len(self.clauses) < 2:
            return None
        return Query(text=self.text, clauses=[[term for clause in self.clauses
                                               for term in clause]],
                     exclusions=list(self.exclusions))


def parse(query):
    """Parse a visitor's query; anything odd is dropped, nothing raises.

    A word that only joins others ("der", "und", "für": ``STOP_WORDS``) is left out,
    unless quoted: "Förderung der Wirtschaft" finds a release on "Wirtschaftsförderung",
    on either database. A query of such words alone searches nothing (almost every
    release has them, and PostgreSQL's index leaves them out): ``common_only`` says so.
    """
    if isinstance(query, Query):
        return query
    text = _clean(query or "")[:MAX_QUERY_CHARS].translate(_QUOTES)
    parsed = Query(text=text)
    seen, joining, common = set(), set(), set()
    join_next = negate_next = False
    for match in _CHUNK.finditer(text):
        bare = match["bare"]
        # Lower-case only: "Oder" is also a river.
        if not match["negated"] and bare in {"oder", "OR"}:
            join_next = bool(parsed.clauses)
            continue
        # Operators of other search engines, in capitals: "AND" is what words do anyway,
        # "NOT" a minus before the next word.
        if not match["negated"] and bare in {"AND", "NOT"}:
            negate_next = bare == "NOT"
            continue
        negated, negate_next = bool(match["negated"]) or negate_next, False
        written = _GENDER_MARK.sub("", match["phrase"] or bare or "")
        words = tuple(word for word in _WORD.findall(written)
                      if len(word) <= MAX_WORD_CHARS)[:MAX_PHRASE_WORDS]
        if not words:
            continue
        term = Term(words)
        if term in seen or len(seen) >= MAX_TERMS:
            continue
        seen.add(term)
        terms = [term]
        # "Corona-Hilfen" is also "Coronahilfen", as the index has it written together.
        joined = "".join(words)
        if (bare is not None and len(words) > 1 and len(joined) <= MAX_WORD_CHARS
                and _HYPHENATED_TERM.fullmatch(written)):
            terms.append(Term((joined,)))
            seen.add(terms[-1])
        if negated:
            # "-und" would exclude almost everything: left out, as is "-oder" (the river),
            # which PostgreSQL's index cannot hold, so that both databases agree.
            if not (len(words) == 1 and _normalise_word(words[0]) in UNINDEXED_WORDS):
                parsed.exclusions += terms
            join_next = False
            continue
        if len(words) == 1 and _normalise_word(words[0]) in STOP_WORDS:
            common.add(term)
            if bare is not None:
                joining.add(term)
        if join_next:
            parsed.clauses[-1] += terms
        else:
            parsed.clauses.append(terms)
        join_next = False
    if parsed.clauses and all(term in common for clause in parsed.clauses for term in clause):
        parsed.clauses, parsed.common_only = [], True
    meaningful = [[term for term in clause if term not in joining] for clause in parsed.clauses]
    if any(meaningful):
        parsed.clauses = [clause for clause in meaningful if clause]
    return parsed


# ---------------------------------------------------------------------------
# Substring matching: for what is not indexed (working editions).
_SUBSTRING_FIELDS = ("title", "subtitle", "teaser", "body")
_UMLAUT_DIGRAPHS = {"ae": "ä", "oe": "ö", "ue": "ü"}


def _spellings(text):
    """``text`` as it may be written: cases SQLite cannot fold, umlauts either way."""
    base = _clean(text).lower()
    forms = {base, _replace(base, _TRANSLITERATE).replace("ß", "ss"), _strip_accents(base),
             _DIGRAPHS.sub(lambda m: _UMLAUT_DIGRAPHS[m.group()], base)}
    return sorted({variant for form in forms for variant in (form, form.upper(), form.title())})


def _substring_term(term):
    # A phrase as typed, or hyphenated as in "Sachsen-Anhalt"; any name of a place.
    texts = {text for words in (term.words, *term.places)
             for text in (" ".join(words), "-".join(words))}
    return reduce(operator.or_, (Q(**{f"{name}__icontains": spelling})
                                 for text in sorted(texts) for spelling in _spellings(text)
                                 for name in _SUBSTRING_FIELDS))


def substring_condition(query):
    """A Q matching ``query`` as substrings of title, subtitle, teaser and text (working
    editions, which are not indexed)."""
    condition = Q()
    for clause in query.clauses:
        condition &= reduce(operator.or_, map(_substring_term, clause))
    for term in query.exclusions:
        condition &= ~_substring_term(term)
    return condition
