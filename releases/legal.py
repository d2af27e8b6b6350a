"""The legal pages every German public body's site needs, as flatpages.

Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit are
created with placeholder text that the press office must adapt (square
brackets mark what to fill in); with them the pages in Leichte Sprache and
Gebärdensprache that BITV 2.0 § 4 asks for (releases/bitv.py).
ensure_legal_pages() is idempotent and never overwrites a page that exists, so
edits made in the admin survive.
"""

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from .bitv import BITV_PAGES
from .links import site_domain
from .models import Organisation

IMPRINT_URL = "/impressum/"
PRIVACY_URL = "/datenschutz/"
ACCESSIBILITY_URL = "/barrierefreiheit/"

PLACEHOLDER_EMAIL = "[E-Mail-Adresse]"

IMPRINT = """
<p><strong>Bitte anpassen:</strong> Diese Seite enthält Platzhalter in eckigen Klammern.</p>
<h2>Herausgeber</h2>
<p>[Name der Behörde]<br>[Straße und Hausnummer]<br>[Postleitzahl Ort]</p>
<p>Telefon: [Telefonnummer]<br>E-Mail: {email}</p>
<h2>Vertretungsberechtigt</h2>
<p>[Name], [Amtsbezeichnung, z.&nbsp;B. Staatsminister]</p>
<h2>Verantwortlich für den Inhalt nach § 18 Abs. 2 Medienstaatsvertrag</h2>
<p>[Name], [Funktion, z.&nbsp;B. Pressesprecher], Anschrift wie oben</p>
<h2>Haftung für Links</h2>
<p>Für die Inhalte verlinkter Seiten anderer Anbieter sind ausschließlich deren Betreiber
verantwortlich.</p>
<h2>Urheberrecht</h2>
<p>Texte der Medieninformationen dürfen zur Berichterstattung verwendet werden. Für Fotos gelten
die jeweils angegebenen Bildnachweise und Lizenzen.</p>
"""

PRIVACY = """
<p><strong>Bitte anpassen:</strong> Diese Seite enthält Platzhalter in eckigen Klammern.</p>
<h2>Verantwortlicher</h2>
<p>[Name der Behörde], [Anschrift], E-Mail: {email}</p>
<h2>Datenschutzbeauftragte oder Datenschutzbeauftragter</h2>
<p>[Name oder Funktion], [Anschrift], E-Mail: [E-Mail-Adresse]</p>
<h2>Aufruf dieser Website</h2>
<p>Beim Aufruf einer Seite verarbeitet der Server die IP-Adresse, Datum und Uhrzeit, die
aufgerufene Adresse, die übertragene Datenmenge und die Kennung des Browsers, um die Seite
auszuliefern und die Sicherheit des Angebots zu gewährleisten. Rechtsgrundlage ist Art. 6
Abs. 1 Buchst. e DSGVO in Verbindung mit [Landesdatenschutzgesetz]. Protokolldaten werden nach
[Anzahl] Tagen gelöscht.</p>
<h2>Keine Cookies, keine Dienste Dritter</h2>
<p>Für Besucherinnen und Besucher setzt diese Website keine Cookies und lädt keine Inhalte,
Schriften oder Analysewerkzeuge von anderen Anbietern. Nur der Anmeldebereich der Redaktion
verwendet ein technisch notwendiges Sitzungs-Cookie.</p>
<h2>Kontakt per E-Mail oder Telefon</h2>
<p>Wenn Sie uns schreiben oder anrufen, verarbeiten wir Ihre Angaben, um Ihr Anliegen zu
bearbeiten (Art. 6 Abs. 1 Buchst. e DSGVO).</p>
<h2>Ihre Rechte</h2>
<p>Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung
(Art. 17), Einschränkung der Verarbeitung (Art. 18) und Widerspruch (Art. 21). Sie können sich
bei der Aufsichtsbehörde beschweren: [Name und Anschrift der Datenschutzaufsichtsbehörde].</p>
"""

ACCESSIBILITY = """
<p><strong>Bitte anpassen:</strong> Diese Seite enthält Platzhalter in eckigen Klammern.</p>
<p>[Name der Behörde] ist bemüht, ihre Website im Einklang mit der
Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und der Richtlinie (EU) 2016/2102
barrierefrei zugänglich zu machen. Diese Erklärung gilt für [Adresse der Website].</p>
<h2>Stand der Vereinbarkeit mit den Anforderungen</h2>
<p>Diese Website ist mit den Anforderungen der BITV 2.0 (WCAG 2.1, Stufe AA)
[vollständig / teilweise] vereinbar.</p>
<h2>Nicht barrierefreie Inhalte</h2>
<p>[Inhalte, die nicht barrierefrei sind, und die Gründe dafür, z.&nbsp;B. ältere PDF-Anhänge
von Medieninformationen. Zugängliche Alternativen erhalten Sie über den unten genannten
Kontakt.]</p>
<h2>Erstellung dieser Erklärung</h2>
<p>Diese Erklärung wurde am [TT.MM.JJJJ] erstellt und zuletzt am [TT.MM.JJJJ] überprüft.
Grundlage ist [eine Selbstbewertung / ein BITV-Test durch …].</p>
<h2>Feedback und Kontakt</h2>
<p>Sind Ihnen Mängel beim barrierefreien Zugang zu Inhalten dieser Website aufgefallen, oder
benötigen Sie Informationen in barrierefreier Form? Schreiben Sie uns:
<a href="mailto:{email}">{email}</a>. Wir antworten innerhalb von [Anzahl] Wochen.</p>
<h2>Schlichtungsverfahren</h2>
<p>Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie ein
Schlichtungsverfahren beantragen. Für Stellen des Bundes ist das die Schlichtungsstelle nach
§ 16 des Behindertengleichstellungsgesetzes (BGG) beim Beauftragten der Bundesregierung für die
Belange von Menschen mit Behinderungen, Mauerstraße 53, 10117 Berlin,
<a href="https://www.schlichtungsstelle-bgg.de">www.schlichtungsstelle-bgg.de</a>. Das
Verfahren ist kostenlos; Sie brauchen keinen Rechtsbeistand. [Für Stellen eines Landes die nach
Landesrecht zuständige Schlichtungs- oder Durchsetzungsstelle nennen.]</p>
"""

LEGAL_PAGES = [
    (IMPRINT_URL, "Impressum", IMPRINT),
    (PRIVACY_URL, "Datenschutzerklärung", PRIVACY),
    (ACCESSIBILITY_URL, "Erklärung zur Barrierefreiheit", ACCESSIBILITY),
]


def ensure_legal_pages(email=None):
    """Create the legal flatpages that are missing; return the ones created.

    ``email`` is the contact named on the pages (feedback on accessibility
    among them); by default the first organisation's press e-mail, else a
    placeholder. A page created with the placeholder (by the first migrate,
    before there was an organisation) and never edited gets the address once
    there is one.
    """
    if email is None:
        email = (
            Organisation.objects.exclude(press_email="").values_list("press_email", flat=True)
            .order_by("pk").first()
        ) or PLACEHOLDER_EMAIL
    site, _ = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain(), "name": site_domain()})
    if site.domain != site_domain():
        # The admin's "view on site" links go to this domain: it follows SITE_URL.
        site.domain = site_domain()
        site.save(update_fields=["domain"])
    created_pages = []
    for url, title, template in LEGAL_PAGES + BITV_PAGES:
        page, created = FlatPage.objects.get_or_create(
            url=url, defaults={"title": title, "content": template.format(email=email).strip()})
        page.sites.add(site)
        if email != PLACEHOLDER_EMAIL and page.content == template.format(
                email=PLACEHOLDER_EMAIL).strip():
            page.content = template.format(email=email).strip()
            page.save(update_fields=["content"])
        if created:
            created_pages.append(page)
    return created_pages
