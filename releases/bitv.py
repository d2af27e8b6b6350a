"""BITV 2.0 § 4: what the site is and how to use it, in Leichte Sprache and in German
Sign Language.

Both pages are flatpages, created with the legal pages (releases/legal.py) and
edited in the admin like them. The page "Gebärdensprache" shows the latest
SignLanguageVideo above its text, which is the video's transcript; while no
video has been uploaded it shows the text alone and says that the video follows.

The text in Leichte Sprache follows its rules: short sentences, one statement
each, hard words explained, long compounds split with a hyphen, no passive, no
abbreviations, headings as questions. The menu's words ("Medieninformationen",
"Termine") are kept as visitors see them on the site.
"""

EASY_LANGUAGE_URL = "/leichte-sprache/"
SIGN_LANGUAGE_URL = "/gebaerdensprache/"

EASY_LANGUAGE = """
<h2>Was finden Sie auf dieser Internet-Seite?</h2>
<p>Auf dieser Internet-Seite finden Sie Nachrichten von der Regierung.</p>
<p>Die Regierung leitet das Bundes-Land.</p>
<p>Die Nachrichten kommen von den Ministerien.</p>
<p>Ein Ministerium ist ein Teil von der Regierung.</p>
<p>Jedes Ministerium kümmert sich um bestimmte Aufgaben.</p>
<p>Zum Beispiel um Schulen.</p>

<h2>Was ist eine Medien-Information?</h2>
<p>Die Nachrichten auf dieser Seite heißen Medien-Informationen.</p>
<p>Ein anderes Wort dafür ist Presse-Mitteilung.</p>
<p>Eine Medien-Information ist ein Text für Zeitungen, Radio und Fernsehen.</p>
<p>Alle Menschen dürfen die Medien-Informationen lesen.</p>

<h2>Was gibt es noch auf dieser Internet-Seite?</h2>
<ul>
<li><p><strong>Termine</strong></p>
<p>Hier steht: Wann und wo hat eine Ministerin oder ein Minister einen Termin?</p>
<p>Ein Termin ist zum Beispiel ein Besuch in einer Stadt.</p></li>
<li><p><strong>Themen</strong></p>
<p>Hier finden Sie Medien-Informationen zu einem Thema.</p>
<p>Zum Beispiel zum Thema Schule.</p></li>
<li><p><strong>Delegations-Reisen</strong></p>
<p>Eine Delegation ist eine Gruppe von Menschen.</p>
<p>Die Gruppe reist für die Regierung in ein anderes Land.</p>
<p>Hier steht: Wohin reist die Gruppe? Wen trifft die Gruppe dort?</p></li>
<li><p><strong>Presse-Kontakte</strong></p>
<p>Hier stehen Namen, Telefon-Nummern und E-Mail-Adressen.</p>
<p>Diese Menschen beantworten Fragen von Journalisten.</p>
<p>Journalisten schreiben für die Zeitung.</p>
<p>Oder sie machen Sendungen für Radio und Fernsehen.</p></li>
<li><p><strong>Archiv</strong></p>
<p>Das Archiv ist eine Sammlung von alten Medien-Informationen.</p>
<p>Sie suchen dort ein Jahr und einen Monat aus.</p>
<p>Dann sehen Sie die Medien-Informationen aus diesem Monat.</p></li>
</ul>

<h2>Wie finden Sie sich auf der Internet-Seite zurecht?</h2>
<p>Oben auf jeder Seite ist ein Menü.</p>
<p>Das Menü ist eine Liste mit Links.</p>
<p>Auf einem Handy ist das Menü zugeklappt.</p>
<p>Dann klicken Sie auf das Wort: Menü.</p>
<p>Jetzt sehen Sie die Links.</p>
<p>Ein Link ist ein Wort zum Anklicken.</p>
<p>Dann kommen Sie auf eine andere Seite.</p>
<p>Im Menü stehen Links zu den Bereichen von der Internet-Seite.</p>
<p>Zum Beispiel: Medien-Informationen, Termine und Themen.</p>
<p>Klicken Sie auf einen Bereich.</p>
<p>Dann kommen Sie zu diesem Bereich.</p>
<p>Ganz oben links steht der Name von der Internet-Seite.</p>
<p>Klicken Sie auf den Namen.</p>
<p>Dann kommen Sie zurück zur Start-Seite.</p>

<h2>Wie können Sie etwas suchen?</h2>
<p>Oben auf jeder Seite ist ein Such-Feld.</p>
<p>Schreiben Sie ein Wort in das Such-Feld.</p>
<p>Zum Beispiel: Schule.</p>
<p>Klicken Sie dann auf den Knopf: Suchen.</p>
<p>Dann sehen Sie alle Medien-Informationen mit diesem Wort.</p>

<h2>Was steht ganz unten auf jeder Seite?</h2>
<p>Ganz unten auf jeder Seite stehen noch mehr Links.</p>
<ul>
<li><p><strong>Impressum</strong></p>
<p>Hier steht: Wer hat diese Internet-Seite gemacht?</p>
<p>Und wie erreichen Sie diese Menschen?</p></li>
<li><p><strong>Datenschutz</strong></p>
<p>Hier steht: Was machen wir mit Ihren Daten?</p>
<p>Daten sind Angaben über Sie.</p>
<p>Zum Beispiel Ihr Name.</p></li>
<li><p><strong>Barrierefreiheit</strong></p>
<p>Barrierefrei bedeutet: Alle Menschen können die Internet-Seite gut benutzen.</p>
<p>Auch Menschen mit Behinderung.</p>
<p>Hier steht: Wo gibt es auf der Internet-Seite noch Probleme?</p></li>
<li><p><strong>Leichte Sprache</strong></p>
<p>Das ist diese Seite.</p></li>
<li><p><strong>Gebärden-Sprache</strong></p>
<p>Gebärden-Sprache ist eine Sprache mit den Händen.</p>
<p>Viele gehörlose Menschen sprechen Gebärden-Sprache.</p>
<p>Gehörlos bedeutet: Man kann nicht hören.</p>
<p>Auf dieser Seite erklärt ein Video die Internet-Seite in Gebärden-Sprache.</p></li>
</ul>
<p>Die Links zu Leichter Sprache und Gebärden-Sprache finden Sie auch auf der Start-Seite.</p>

<h2>Wie können Sie uns schreiben?</h2>
<p>Haben Sie eine Frage zu dieser Internet-Seite?</p>
<p>Dann schreiben Sie uns eine E-Mail.</p>
<p>Unsere E-Mail-Adresse ist: <a href="mailto:{email}">{email}</a></p>
"""

# The transcript of the sign-language video: what the video says, in written German.
SIGN_LANGUAGE = """
<p>Willkommen! In diesem Video erklären wir in Deutscher Gebärdensprache, was Sie auf
dieser Website finden und wie Sie sich auf ihr zurechtfinden.</p>
<h2>Was finden Sie auf dieser Website?</h2>
<p>Die Ministerien der Landesregierung veröffentlichen hier ihre Medieninformationen, auch
Pressemitteilungen genannt: Nachrichten für Zeitungen, Radio und Fernsehen, die alle lesen
dürfen. Außerdem finden Sie hier:</p>
<ul>
<li>die Termine der Ministerinnen und Minister,</li>
<li>Themen, nach denen die Medieninformationen geordnet sind,</li>
<li>Delegationsreisen: Reisen einer Gruppe im Auftrag der Regierung ins Ausland,</li>
<li>Pressekontakte: Ansprechpersonen für Journalistinnen und Journalisten,</li>
<li>das Archiv mit allen älteren Medieninformationen, nach Jahr und Monat.</li>
</ul>
<h2>Wie finden Sie sich zurecht?</h2>
<p>Oben auf jeder Seite steht das Menü mit diesen Bereichen; auf dem Handy öffnet es sich mit
„Menü“. Darüber ist das Suchfeld:
Schreiben Sie ein Wort hinein und wählen Sie „Suchen“. Der Name der Website oben links führt
immer zurück zur Startseite.</p>
<p>Unten auf jeder Seite stehen das Impressum, die Datenschutzerklärung, die Erklärung zur
Barrierefreiheit und die Seiten in Leichter Sprache und in Gebärdensprache. Auf der
Startseite finden Sie diese beiden Seiten auch ganz oben.</p>
<h2>Wie erreichen Sie uns?</h2>
<p>Schreiben Sie uns eine E-Mail an <a href="mailto:{email}">{email}</a>. Wir freuen uns
auch über Hinweise, wie wir die Website besser zugänglich machen können.</p>
"""

BITV_PAGES = [
    (EASY_LANGUAGE_URL, "Leichte Sprache", EASY_LANGUAGE),
    (SIGN_LANGUAGE_URL, "Gebärdensprache", SIGN_LANGUAGE),
]
