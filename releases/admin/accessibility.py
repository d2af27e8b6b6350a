"""The sign-language video of the page "Gebärdensprache" (BITV 2.0 § 4)."""

from django.contrib import admin

from ..models import SignLanguageVideo


@admin.register(SignLanguageVideo)
class SignLanguageVideoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "video", "captions", "uploaded_at"]
    search_fields = ["video", "captions"]
    fields = ["video", "captions", "poster"]
    view_on_site = False
