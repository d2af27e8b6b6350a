"""German, Polish, Czech and Sorbian names of places in the border and partner regions.

The Pressestelle and the Administration keep the list in the admin from here on. Names
that are also ordinary words or other places here are left out (Waldenburg is also a town in
Saxony; Most, Czech for Brüx, is also German for fruit must).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (language, name) of the same place; a note where the German name also names another place.
EQUIVALENT = [
    ([("de", "Kattowitz"), ("pl", "Katowice")], ""),
    ([("de", "Krakau"), ("pl", "Kraków"), ("cs", "Krakov")], ""),
    ([("de", "Oppeln"), ("pl", "Opole")], ""),
    ([("de", "Liegnitz"), ("pl", "Legnica"), ("cs", "Lehnice")], ""),
    ([("de", "Breslau"), ("pl", "Wrocław"), ("cs", "Vratislav")], ""),
    ([("de", "Hirschberg"), ("pl", "Jelenia Góra")], "Hirschberg im Riesengebirge"),
    ([("de", "Gleiwitz"), ("pl", "Gliwice")], ""),
    ([("de", "Posen"), ("pl", "Poznań")], ""),
    ([("de", "Danzig"), ("pl", "Gdańsk")], ""),
    ([("de", "Stettin"), ("pl", "Szczecin")], ""),
    ([("de", "Reichenberg"), ("cs", "Liberec")], ""),
    ([("de", "Aussig"), ("cs", "Ústí nad Labem")], ""),
    ([("de", "Komotau"), ("cs", "Chomutov")], ""),
    ([("de", "Karlsbad"), ("cs", "Karlovy Vary")], ""),
    ([("de", "Eger"), ("cs", "Cheb")], "Eger in Böhmen"),
    ([("de", "Teplitz"), ("de", "Teplitz-Schönau"), ("cs", "Teplice")], ""),
    ([("de", "Tetschen"), ("cs", "Děčín")], ""),
    ([("de", "Prag"), ("cs", "Praha"), ("pl", "Praga")], ""),
    ([("de", "Pilsen"), ("cs", "Plzeň")], ""),
    ([("de", "Brünn"), ("cs", "Brno")], ""),
    ([("de", "Ostrau"), ("cs", "Ostrava")], ""),
    ([("de", "Olmütz"), ("cs", "Olomouc")], ""),
    ([("de", "Dresden"), ("pl", "Drezno"), ("cs", "Drážďany")], ""),
    ([("de", "Leipzig"), ("pl", "Lipsk"), ("cs", "Lipsko")], ""),
    ([("de", "Bautzen"), ("hsb", "Budyšin"), ("pl", "Budziszyn")], ""),
    ([("de", "Zittau"), ("cs", "Žitava"), ("pl", "Żytawa")], ""),
    ([("de", "Schlesien"), ("pl", "Śląsk"), ("cs", "Slezsko")], ""),
    ([("de", "Niederschlesien"), ("pl", "Dolny Śląsk"), ("cs", "Dolní Slezsko")], ""),
    ([("de", "Oberschlesien"), ("pl", "Górny Śląsk"), ("cs", "Horní Slezsko")], ""),
    ([("de", "Kleinpolen"), ("pl", "Małopolska")], ""),
    ([("de", "Böhmen"), ("cs", "Čechy")], ""),
    ([("de", "Lausitz"), ("pl", "Łużyce"), ("cs", "Lužice"), ("hsb", "Łužica")], ""),
    ([("de", "Erzgebirge"), ("cs", "Krušné hory")], ""),
    ([("de", "Riesengebirge"), ("pl", "Karkonosze"), ("cs", "Krkonoše")], ""),
    ([("de", "Isergebirge"), ("pl", "Góry Izerskie"), ("cs", "Jizerské hory")], ""),
    ([("de", "Sudeten"), ("pl", "Sudety")], ""),
]

# Different places that belong together, such as twin towns on both banks of the Neisse.
RELATED = [
    ([("de", "Görlitz"), ("pl", "Zgorzelec")], "Europastadt Görlitz/Zgorzelec"),
    ([("de", "Guben"), ("pl", "Gubin")], "Doppelstadt an der Neiße"),
    ([("de", "Bad Muskau"), ("pl", "Łęknica")], "Doppelstadt an der Neiße"),
    ([("de", "Zittau"), ("cs", "Hrádek nad Nisou"), ("pl", "Bogatynia")],
     "Städteverbund Kleines Dreieck"),
]

KEEPERS = ["Pressestelle", "Administration"]


def seed(apps, schema_editor):
    from releases.search import place_key

    PlaceGroup = apps.get_model("releases", "PlaceGroup")
    PlaceName = apps.get_model("releases", "PlaceName")
    for kind, groups in (("equivalent", EQUIVALENT), ("related", RELATED)):
        for names, note in groups:
            group = PlaceGroup.objects.create(kind=kind, note=note)
            PlaceName.objects.bulk_create(
                PlaceName(group=group, language=language, name=name, key=place_key(name))
                for language, name in names)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("releases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="releases",
        codename__in=[f"{action}_{model}" for model in ("placegroup", "placename")
                      for action in ("view", "add", "change", "delete")])
    for group in Group.objects.filter(name__in=KEEPERS):
        group.permissions.add(*permissions)


def unseed(apps, schema_editor):
    apps.get_model("releases", "PlaceGroup").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0010_place_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
