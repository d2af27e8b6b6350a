"""Journalist services under German paths, beside the newsroom's own."""

from django.urls import path
from django.views.decorators.http import require_safe

from . import views
from .feeds import JournalistAtomFeed, JournalistFeed

app_name = "journalists"

urlpatterns = [
    path("benachrichtigungen/", views.SubscribeView.as_view(), name="subscribe"),
    path("benachrichtigungen/gesendet/",
         views.SentView.as_view(template_name="journalists/subscribe_sent.html"),
         name="subscribe-sent"),
    path("benachrichtigungen/bestaetigen/<str:token>/", views.ConfirmView.as_view(),
         name="confirm"),
    path("benachrichtigungen/verwalten/<str:token>/", views.ManageView.as_view(),
         name="manage"),
    path("benachrichtigungen/verwalten/<str:token>/daten.json", views.ExportView.as_view(),
         name="export"),
    path("benachrichtigungen/verwalten/<str:token>/loeschen/", views.DeleteView.as_view(),
         name="delete"),
    path("benachrichtigungen/abmelden/<str:token>/", views.UnsubscribeView.as_view(),
         name="unsubscribe"),
    path("journalisten/akkreditierung/", views.JournalistRegisterView.as_view(),
         name="register"),
    path("journalisten/akkreditierung/gesendet/",
         views.SentView.as_view(template_name="journalists/journalist_register_sent.html"),
         name="register-sent"),
    path("journalisten/bestaetigen/<str:token>/", views.VerifyJournalistView.as_view(),
         name="verify"),
    # A feed token is URL-safe base64, which the slug converter matches: anything else
    # (a NUL byte) is not found before the database is asked.
    path("journalisten/feed/<slug:token>/", require_safe(JournalistFeed()), name="feed"),
    path("journalisten/feed/<slug:token>/atom/", require_safe(JournalistAtomFeed()),
         name="feed-atom"),
    path("termine/<int:pk>-<slug:slug>/akkreditierung/", views.EventAccreditationView.as_view(),
         name="accreditation"),
    path("termine/<int:pk>-<slug:slug>/akkreditierung/gesendet/", views.accreditation_sent,
         name="accreditation-sent"),
    path("termine/akkreditierung/absagen/<str:token>/", views.AccreditationCancelView.as_view(),
         name="accreditation-cancel"),
]
