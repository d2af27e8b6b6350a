"""The public forms: subscribe and manage alerts, register for embargoed material,
request accreditation for an appointment. Each has a honeypot field."""

from django import forms
from django.core.validators import slug_re
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releases.models import Organisation, Person, Release, Topic

# A link from a topic's, organisation's or person's page opens the subscription form with
# that choice made: ?topic=<slug>, ?organisation=<slug>, ?person=<slug> (the names the
# search page uses). Anyone named in a public release can be chosen this way: alerts
# match the people a release names, ministers or not.
LINK_CHOICES = {"topic": ("topics", Topic), "organisation": ("organisations", Organisation),
                "person": ("ministers", Person)}
MAX_LINK_VALUES = 10


def choices_from_link(query):
    """Initial choices for the subscription form from the query of a link: the public rows
    named by slug; an unknown or malformed value is left out."""
    initial = {}
    for parameter, (name, model) in LINK_CHOICES.items():
        slugs = [slug for slug in query.getlist(parameter)[:MAX_LINK_VALUES]
                 if slug_re.match(slug)]
        if slugs:
            pks = list(model.objects.public().filter(slug__in=slugs).values_list("pk", flat=True))
            if pks:
                initial[name] = pks
    return initial


class HoneypotMixin(forms.Form):
    """A field people do not see (hidden by CSS, out of the tab order) but bots fill in."""

    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def is_spam(self):
        return bool(self.data.get(self.add_prefix("website"), "").strip())


class ContentCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes labelled with names of content, which is German whatever the interface
    language (WCAG 3.1.2): their list carries lang="de"."""

    template_name = "journalists/widgets/content_checkboxes.html"
    content_language = "de"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["content_language"] = self.content_language
        return context


class ChoicesMixin(forms.Form):
    """What a subscription is about: at least one topic, organisation, minister or kind."""

    # The choices are made per request in __init__: the public topics, organisations
    # and current ministers (a topic made for an embargoed release is not offered).
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), required=False, queryset=Topic.objects.none(),
        widget=ContentCheckboxes)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Ministries and authorities"), required=False,
        queryset=Organisation.objects.none(), widget=ContentCheckboxes)
    ministers = forms.ModelMultipleChoiceField(
        label=_("Ministers"), required=False, queryset=Person.objects.none(),
        widget=ContentCheckboxes)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of release"), required=False, choices=Release.Kind.choices,
        widget=forms.CheckboxSelectMultiple)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=(), widget=forms.RadioSelect, initial="immediate")

    def __init__(self, *args, **kwargs):
        from .models import Subscription
        from .models.subscriptions import people_label

        super().__init__(*args, **kwargs)
        # What is public; what a subscriber chose before stays selectable for them (a
        # former minister, a topic whose only release was withdrawn), and what a link
        # chose (anyone a public release names, see choices_from_link).
        self.fields["topics"].queryset = self.public_or_chosen(
            "topics", Topic, Topic.objects.public())
        self.fields["organisations"].queryset = self.public_or_chosen(
            "organisations", Organisation, Organisation.objects.public())
        self.fields["ministers"].queryset = self.public_or_chosen(
            "ministers", Person, Person.objects.current_ministers())
        if self.initial.get("ministers"):
            self.fields["ministers"].label = people_label(self.fields["ministers"].queryset)
        self.fields["frequency"].choices = Subscription.Frequency.choices
        # A list with nothing to choose (no minister in office yet) is left out, not shown
        # as an empty box.
        for name in ("topics", "organisations", "ministers"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]

    def public_or_chosen(self, name, model, public):
        chosen = [getattr(row, "pk", row) for row in self.initial.get(name, [])]
        if not chosen:
            return public
        return model.objects.filter(Q(pk__in=public.values("pk")) | Q(pk__in=chosen))

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("topics", "organisations", "ministers",
                                                  "kinds")):
            raise forms.ValidationError(
                _("Please choose at least one topic, ministry, minister or kind of release."),
                code="nothing_chosen")
        return cleaned

    def choices(self):
        data = self.cleaned_data
        return {name: data.get(name, []) for name in ("topics", "organisations", "ministers",
                                                       "kinds", "frequency")}


class SubscribeForm(HoneypotMixin, ChoicesMixin):
    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        help_text=_("We send a link to this address. Nothing else is sent until you "
                    "confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    field_order = ["email", "topics", "organisations", "ministers", "kinds", "frequency"]


class ManageForm(ChoicesMixin):
    paused_until = forms.DateField(
        label=_("Pause until"), required=False,
        help_text=_("For holidays: no e-mails up to and including this day "
                    "(e.g. 31.08.2026); press releases published meanwhile come in one "
                    "e-mail on the day after. Leave empty to receive e-mails."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"])

    def clean_paused_until(self):
        value = self.cleaned_data.get("paused_until")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The pause must end today or later."))
        if value is not None and (value - timezone.localdate()).days > 366:
            raise forms.ValidationError(_("A pause can last at most a year."))
        return value

    def choices(self):
        return {**super().choices(), "paused_until": self.cleaned_data["paused_until"]}


class JournalistFields(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    medium = forms.CharField(label=_("Medium"), max_length=200,
                             help_text=_("Newspaper, broadcaster, agency or „freelance“."),
                             widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    # The one field that may stay empty says so (WCAG 3.3.2); the others are required.
    press_card_number = forms.CharField(label=_("Press card number (optional)"),
                                        max_length=50, required=False)


class JournalistRegistrationForm(HoneypotMixin, JournalistFields):
    field_order = ["name", "medium", "email", "press_card_number"]


class AccreditationRequestForm(HoneypotMixin, JournalistFields):
    field_order = ["name", "medium", "email", "press_card_number"]
