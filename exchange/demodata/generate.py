"""Generated demo releases, for trying pagination, search, feeds and load.

The cast (invented ministries, their ministers with dated appointments,
contacts, quoted people, topics) is loaded idempotently; releases and
appointments are added on every call, so ``seed --demo N`` run twice gives
2N releases. Generated releases are marked only in their content: the last
paragraph says so, and their ministries' footer says the ministry is
invented. No real person is ever quoted.

Rows are written with ``bulk_create`` in batches and numbers are computed here
in one pass (per organisation and year, in order of publication, after the
highest number already taken), instead of one ``services.publish`` per row.
"""

import datetime
import html
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from releases.models import (
    Appointment,
    Contact,
    Event,
    Organisation,
    Person,
    Release,
    ReleasePerson,
    Topic,
)
from releases.search import count_public_words, update_search_vector
from releases.slugs import german_slug

from ..importers.rows import local_date, upsert
from . import words

BATCH_SIZE = 500
CHUNK_SIZE = 5000  # releases made and written at a time
ANNOUNCED_AHEAD = datetime.timedelta(days=7)
ARTICLES = {"m": ("der", "den", "dem"), "f": ("die", "die", "der"), "n": ("das", "das", "dem")}
# "zu dem Ausbau" is written "zum Ausbau"; only where a template puts a project after it.
_CONTRACTIONS = {"zu dem": "zum", "zu der": "zur", "in dem": "im", "an dem": "am",
                 "von dem": "vom", "bei dem": "beim"}
_PREPOSITIONS = ("zu", "bei", "in", "an", "von")
_DATIVE_AFTER_PREPOSITION = re.compile(r"\b(" + "|".join(_PREPOSITIONS) + r") \{dat\}")
STATUSES = [(Release.Status.PUBLISHED, 88), (Release.Status.DRAFT, 7),
            (Release.Status.IN_REVIEW, 3), (Release.Status.SCHEDULED, 2)]


@dataclass
class Office:
    person: Person
    title: str
    is_female: bool
    start_date: datetime.date
    end_date: datetime.date | None

    def held_on(self, date):
        return self.start_date <= date and (self.end_date is None or date <= self.end_date)


@dataclass
class Ministry:
    organisation: Organisation
    definition: dict
    offices: list = field(default_factory=list)
    contacts: list = field(default_factory=list)

    def office_on(self, date):
        for office in self.offices:
            if office.held_on(date):
                return office
        return self.offices[-1]


@transaction.atomic
def generate_demo(count, seed=None, now=None):
    """Add ``count`` generated releases (and some appointments); return a tally.

    Who publishes when is drawn first for all of them, so that numbers follow the
    order of publication across the whole set; the releases themselves are then
    made and written CHUNK_SIZE at a time, which keeps memory flat at any count.
    """
    rng = random.Random(seed)
    now = now or timezone.now()
    tally = Counter()
    ministries, topics, partners = _load_cast(tally)
    if count <= 0:
        return tally
    berlin = timezone.get_default_timezone()
    today = timezone.localdate(now)
    plans = [_plan(rng, ministries, today, berlin) for _ in range(count)]
    numbers = _numbers(plans, [ministry.organisation for ministry in ministries])
    for start in range(0, count, CHUNK_SIZE):
        drafts = [_release(rng, plan, number, topics, partners, today)
                  for plan, number in zip(plans[start:start + CHUNK_SIZE],
                                          numbers[start:start + CHUNK_SIZE], strict=True)]
        events = _release_events(rng, drafts, now, berlin)
        _insert(drafts, events)
        tally["releases"] += len(drafts)
        tally["appointments"] += len(events)
    upcoming = _upcoming_events(rng, ministries, topics, count, now, today, berlin)
    _insert([], upcoming)
    tally["appointments"] += len(upcoming)
    # The planner's statistics describe the tables as they are now, not as they were
    # before thousands of rows arrived (SQLite has none until asked).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return tally


def _load_cast(tally):
    """The invented ministries, people and contacts; the same rows on every run."""
    topics = {}
    for slug, (name, description) in words.TOPICS.items():
        # Existing topics (from the reference data) keep their own description.
        topics[slug], created = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description})
        tally["created" if created else "unchanged"] += 1
    ministries = []
    for index, definition in enumerate(words.MINISTRIES, start=1):
        organisation = upsert(Organisation, {"slug": definition["slug"]}, {
            "name": definition["name"], "short_name": definition["short_name"],
            "kind": Organisation.Kind.MINISTRY,
            "press_email": f"presse@{definition['short_name'].lower()}.example.org",
            "footer": words.DEMO_FOOTER,
        }, tally)
        ministry = Ministry(organisation, definition)
        for given, family, honorific, gender, start, end in definition["ministers"]:
            person = upsert(Person, {"slug": german_slug(f"{given} {family}")}, {
                "given_name": given, "family_name": family, "honorific": honorific}, tally)
            title = f"Staatsminister{'in' if gender == 'f' else ''} {definition['portfolio']}"
            upsert(Appointment, {"person": person, "organisation": organisation,
                                 "kind": Appointment.Kind.MINISTER,
                                 "start_date": local_date(start)},
                   {"title": title, "end_date": local_date(end)}, tally)
            ministry.offices.append(Office(person, title, gender == "f", local_date(start),
                                           local_date(end)))
        for number, (name, role) in enumerate(definition["contacts"], start=1):
            ministry.contacts.append(upsert(Contact, {"organisation": organisation, "name": name}, {
                "role": role, "phone": f"+49 351 000 {index}{number:03d}",
                "email": f"{german_slug(name).replace('-', '.')}@"
                         f"{definition['short_name'].lower()}.example.org",
            }, tally))
        ministries.append(ministry)
    partners = []
    for given, family, honorific, description in words.QUOTED_PEOPLE:
        partners.append(upsert(Person, {"slug": german_slug(f"{given} {family}")}, {
            "given_name": given, "family_name": family, "honorific": honorific,
            "description": description}, tally))
    return ministries, topics, partners


def _plan(rng, ministries, today, berlin):
    """Who publishes and when: (ministry, status, published_at)."""
    ministry = rng.choice(ministries)
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    published_at = None
    if status == Release.Status.SCHEDULED:
        published_at = _moment(rng, today + datetime.timedelta(days=rng.randint(1, 14)), berlin,
                               forward=True)
    elif status == Release.Status.PUBLISHED:
        published_at = _moment(rng, today - datetime.timedelta(days=rng.randint(1, 3652)),
                               berlin)
    return ministry, status, published_at


def _release(rng, plan, number, topics, partners, today):
    ministry, status, published_at = plan
    day = timezone.localdate(published_at) if published_at else today
    office = ministry.office_on(day)
    gender, phrase, topic_slug = rng.choice(ministry.definition["projects"])
    context = _context(rng, office, gender, phrase, day)

    title = _fill(rng.choice(words.HEADLINES), context)
    subtitle = _fill(rng.choice(words.SUBTITLES), context) if rng.random() < 0.5 else ""
    quoted = []
    # Each sentence at most once per release; how many of them sets the length.
    deck = [_fill(sentence, context) for sentence in
            rng.sample(words.SENTENCES, rng.randint(3, len(words.SENTENCES)))]
    lead = rng.randint(1, 2)
    paragraphs = [" ".join([_fill(rng.choice(words.LEADS), context), *deck[:lead]]),
                  _fill(rng.choice(words.QUOTE_FRAMES), context)]
    deck = deck[lead:]
    while deck:
        size = rng.randint(2, 3)
        paragraphs.append(" ".join(deck[:size]))
        deck = deck[size:]
    if rng.random() < 0.4:
        partner = rng.choice(partners)
        quoted.append((partner, partner.description))
        paragraphs.insert(rng.randint(2, len(paragraphs)), _fill(
            rng.choice(words.PARTNER_FRAMES),
            {**context, "partner": partner.full_name, "partner_role": partner.description,
             "quote": rng.choice(words.PARTNER_QUOTES)}))
    if rng.random() < 0.3:
        paragraphs.append(rng.choice(words.CLOSINGS))
    body = "".join(f"<p>{html.escape(text, quote=False)}</p>" for text in paragraphs)

    project_topics = {slug for _, _, slug in ministry.definition["projects"]} - {topic_slug}
    extra = rng.sample(sorted(project_topics), k=rng.randint(0, 2))
    release = Release(
        kind=Release.Kind.PRESS_RELEASE, organisation=ministry.organisation,
        title=title[:300], subtitle=subtitle[:300], slug=german_slug(title),
        teaser=_fill(rng.choice(words.TEASERS), context),
        body=body + words.MARKER, status=status, published_at=published_at,
        # A published one is complete (numbered); a scheduled one is numbered by
        # publish_due when its time has come.
        effects_done_at=published_at if status == Release.Status.PUBLISHED else None,
        number=number and number[0], number_year=number and number[1],
    )
    return {
        "release": release, "ministry": ministry, "office": office, "context": context,
        "topics": [topics[topic_slug], *(topics[slug] for slug in extra)],
        "contact": rng.choice(ministry.contacts), "quoted": quoted,
    }


def _context(rng, office, gender, phrase, day):
    nominative, accusative, dative = ARTICLES[gender]
    person = office.person
    office_name = "Staatsministerin" if office.is_female else "Staatsminister"
    year = day.year
    deadline = day + datetime.timedelta(days=rng.randint(30, 120))
    quote, quote2 = rng.sample(words.QUOTES, 2)
    prepositional = {}
    for preposition in _PREPOSITIONS:
        words_before = f"{preposition} {dative}"
        prepositional[f"{preposition}_dat"] = (
            f"{_CONTRACTIONS.get(words_before, words_before)} {phrase}")
    return {
        **prepositional,
        "office": office_name, "family": person.family_name,
        "full": f"{office_name} {person.full_name}",
        "title": phrase, "Nom": f"{nominative.capitalize()} {phrase}",
        "acc": f"{accusative} {phrase}", "dat": f"{dative} {phrase}",
        "place": rng.choice(words.PLACES), "region": rng.choice(words.REGIONS),
        "amount": _decimal(rng.choice([0.8, 1.2, 2.5, 3, 4.6, 7.5, 12, 18.4, 25, 40])),
        "amount2": _decimal(rng.randint(20, 900) / 2),
        "count": rng.choice([12, 18, 25, 40, 60, 85, 120, 240]),
        "jobs": rng.choice([40, 80, 150, 300, 650]),
        "residents": f"{rng.choice([5, 12, 20, 45, 80, 150]) * 1000:,}".replace(",", "."),
        "percent": rng.choice([10, 15, 20, 25]), "quota": rng.choice([50, 60, 75, 80, 90]),
        "months": rng.choice([6, 9, 12, 18, 24]),
        "season": rng.choice(words.SEASONS),
        "later_year": year + rng.randint(1, 3), "earlier_year": year - rng.randint(1, 6),
        "date_long": _date_long(day - datetime.timedelta(days=rng.randint(0, 2))),
        "deadline": f"{deadline.day}. {words.MONTHS[deadline.month - 1]} {deadline.year}",
        # Before a closing »«, the quote's own full stop is dropped: »…«, sagte sie.
        "quote": quote, "quote_cut": quote.rstrip("."), "quote2_cut": quote2.rstrip("."),
    }


def _fill(template, context):
    template = _DATIVE_AFTER_PREPOSITION.sub(r"{\1_dat}", template)
    return template.format_map(context)


def _decimal(value):
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text.replace(".", ",")


def _date_long(day):
    return f"{words.WEEKDAYS[day.weekday()]}, {day.day}. {words.MONTHS[day.month - 1]}"


def _moment(rng, day, berlin, forward=False):
    """A working-day time in Berlin; weekends move to the Friday before (or Monday after)."""
    if day.weekday() > 4:
        day += (datetime.timedelta(days=7 - day.weekday()) if forward
                else -datetime.timedelta(days=day.weekday() - 4))
    time = datetime.time(rng.randint(8, 17), rng.choice([0, 0, 15, 30, 45]))
    return datetime.datetime.combine(day, time, tzinfo=berlin)


def _numbers(plans, organisations):
    """(number, year) of each plan, None for the unpublished: per organisation and
    Berlin year, in order of publication, after the highest number already taken."""
    # Lock the organisations as services.assign_number does: no number is taken twice.
    list(Organisation.objects.select_for_update().filter(pk__in=[o.pk for o in organisations]))
    highest = defaultdict(int)
    taken = (Release.objects.filter(organisation__in=organisations, number__isnull=False)
             .values_list("organisation_id", "number_year").annotate(Max("number")))
    for organisation_id, year, number in taken:
        highest[organisation_id, year] = number
    numbers = [None] * len(plans)
    published = sorted((published_at, index) for index, (_, status, published_at)
                       in enumerate(plans) if status == Release.Status.PUBLISHED)
    for published_at, index in published:
        key = (plans[index][0].organisation.pk, timezone.localtime(published_at).year)
        highest[key] += 1
        numbers[index] = (highest[key], key[1])
    return numbers


def _release_events(rng, drafts, now, berlin):
    """Appointments before some published releases, linked to them."""
    events = []
    for draft in drafts:
        release = draft["release"]
        if release.published_at and rng.random() < 0.1:
            day = timezone.localdate(release.published_at) - datetime.timedelta(
                days=rng.randint(0, 1))
            events.append(_event(rng, draft["ministry"], draft["office"], draft["context"],
                                 draft["topics"][:1], day, berlin, release, now))
    return events


def _upcoming_events(rng, ministries, topics, count, now, today, berlin):
    """A few appointments in the coming weeks, without a release yet."""
    events = []
    for _ in range(min(30, max(2, count // 200))):
        ministry = rng.choice(ministries)
        office = ministry.office_on(today)
        gender, phrase, topic_slug = rng.choice(ministry.definition["projects"])
        day = today + datetime.timedelta(days=rng.randint(1, 60))
        events.append(_event(rng, ministry, office, _context(rng, office, gender, phrase, day),
                             [topics[topic_slug]], day, berlin, None, now))
    return events


def _event(rng, ministry, office, context, event_topics, day, berlin, release, now):
    starts_at = _moment(rng, day, berlin, forward=release is None)
    accreditation = rng.random() < 0.2
    title = _fill(rng.choice(words.EVENT_TITLES), context)
    event = Event(
        title=title[:300], slug=german_slug(title), starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=rng.choice([45, 60, 90, 120, 240])),
        venue=rng.choice(words.VENUES), city=context["place"], theme=context["title"],
        expected_participants=rng.choice([None, 20, 40, 70, 120, 300]),
        organisation=ministry.organisation, is_press_open=True,
        requires_accreditation=accreditation, is_photo_opportunity=rng.random() < 0.5,
        press_information=(
            f"Anmeldung bis zum Vortag, 12 Uhr, per E-Mail an "
            f"{ministry.organisation.press_email}." if accreditation else ""),
    )
    # Announced a week ahead (the upcoming ones now at the latest), so that the
    # demo's appointments are public in their own right.
    event.status = Event.Status.ANNOUNCED
    event.published_at = min(now, starts_at - ANNOUNCED_AHEAD)
    return {"event": event, "minister": office.person, "topics": event_topics,
            "release": release}


def _insert(drafts, events):
    releases = [draft["release"] for draft in drafts]
    Release.objects.bulk_create(releases, batch_size=BATCH_SIZE)
    Event.objects.bulk_create([item["event"] for item in events], batch_size=BATCH_SIZE)

    release_topics, release_contacts, release_people, release_events = [], [], [], []
    for draft in drafts:
        release = draft["release"]
        release_topics += [Release.topics.through(release_id=release.pk, topic_id=topic.pk)
                           for topic in draft["topics"]]
        release_contacts.append(Release.contacts.through(release_id=release.pk,
                                                         contact_id=draft["contact"].pk))
        release_people.append(ReleasePerson(release_id=release.pk,
                                            person_id=draft["office"].person.pk,
                                            is_quoted=True, order=0))
        release_people += [ReleasePerson(release_id=release.pk, person_id=person.pk, role=role,
                                         is_quoted=True, order=order)
                           for order, (person, role) in enumerate(draft["quoted"], start=1)]
    event_ministers, event_topics = [], []
    for item in events:
        event = item["event"]
        event_ministers.append(Event.ministers.through(event_id=event.pk,
                                                       person_id=item["minister"].pk))
        event_topics += [Event.topics.through(event_id=event.pk, topic_id=topic.pk)
                         for topic in item["topics"]]
        if item["release"] is not None:
            release_events.append(Release.events.through(release_id=item["release"].pk,
                                                         event_id=event.pk))
    for rows in (release_topics, release_contacts, release_people, release_events,
                 event_ministers, event_topics):
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=BATCH_SIZE)
    # bulk_create sends no post_save, which keeps the search index current; the words
    # of the published ones join the search suggestions.
    update_search_vector([release.pk for release in releases])
    count_public_words([release for release in releases if release.effects_done_at], 1)
