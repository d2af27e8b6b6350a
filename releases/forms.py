"""Admin forms: an editor's input is checked here before anything is saved.

Django already validates a model's constraints in a ModelForm, so a violation
never reaches the database as an IntegrityError; it reports them above the
form, though. These forms put each message next to the field to correct.

The forms have no Meta: each ModelAdmin supplies the model and the fields of
its fieldsets.
"""

import copy
import datetime

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import conflicts, editing, revisions
from .fields import validate_year
from .models.events import Announcement, Delegation


class ConstraintErrorsOnFieldsMixin:
    """Report the model's named constraints on the field an editor has to correct.

    ``constraint_fields`` maps a constraint's name to that field. The constraint
    itself stays the one definition of the rule: it is evaluated, not repeated.
    A field with an error is left out of Django's own constraint check, so each
    message appears once.
    """

    constraint_fields = {}

    def clean(self):
        cleaned_data = super().clean()
        model = self._meta.model
        candidate = construct_instance(self, copy.copy(self.instance), self._meta.fields,
                                       self._meta.exclude)
        # Fields that are not in the form, or failed their own validation, are
        # left out, as Django does: a constraint on them is not checked here.
        exclude = {field.name for field in model._meta.fields
                   if field.name not in cleaned_data}
        for constraint in model._meta.constraints:
            field = self.constraint_fields.get(constraint.name)
            if field is None or field not in cleaned_data:
                continue
            try:
                constraint.validate(model, candidate, exclude=exclude)
            except ValidationError as error:
                self.add_error(field, error)
        return self.cleaned_data


# Recommended lengths in characters: about what search engines show of a title, and what
# feeds and link previews show of a teaser. Longer is allowed; the form counts and warns
# (static/js/admin-form.js).
RECOMMENDED_LENGTHS = {"title": 70, "teaser": 300}


class ReleaseForm(forms.ModelForm):
    """The release's content. Status and times change through the workflow's buttons.

    ``expected_version`` carries the version the editor loaded. Saving on top of a
    newer one is refused: the form comes back with the editor's text in it and,
    in ``conflict``, what the other save changed; the field then holds the newer
    version, so saving again replaces it knowingly.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Who edits (the admin sets it): a release locked by someone else is not saved.
    editor = None
    # After a refused save: what the other save changed (releases/conflicts.py).
    other_change = None
    # After "take both": the merge that was saved.
    merged = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version
        if "change_note" in self.fields:
            self.fields["change_note"].widget.attrs["rows"] = 3
        self._recommend_lengths()

    def _recommend_lengths(self):
        """Say the recommended length in the help text; the script counts against it."""
        hints = {"title": _("Search engines show about %(limit)d characters of a title."),
                 "teaser": _("Feeds and link previews show about %(limit)d characters.")}
        for name, limit in RECOMMENDED_LENGTHS.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.help_text = " ".join(filter(None, [str(field.help_text),
                                                     str(hints[name] % {"limit": limit})]))
            field.widget.attrs.update({
                "data-recommended-length": limit,
                # {count} and {limit} are filled in by the script.
                "data-counter-text": gettext("{count} / {limit} characters"),
                "data-counter-over-text": gettext(
                    "{count} / {limit} characters: longer than recommended"),
            })

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        locked = editing.lock_refusal(self.instance, self.editor)
        if locked:
            raise ValidationError(
                _("%(lock)s Your changes have not been saved; they are still in the form."),
                params={"lock": locked}, code="locked")
        base = conflicts.base_version(self)
        if cleaned_data.get("expected_version") != self.instance.version:
            self.other_change = conflicts.other_change(self.instance, cleaned_data, base)
            stored = revisions.values_of_release(self.instance)
            self.conflict = revisions.differences(
                stored, revisions.values_of_form(cleaned_data, stored))
            data = self.data.copy()
            data[self.add_prefix("expected_version")] = str(self.instance.version)
            self.data = data
            raise ValidationError(
                _("Someone else saved this release while you were editing it. Your changes "
                  "have not been saved; they are still in the form. Below you see how your "
                  "text differs from the version now stored. Saving again replaces that "
                  "version with yours."), code="conflict")
        if conflicts.TAKE_BOTH in self.data:
            self._take_both(base)
        return cleaned_data

    def _take_both(self, base):
        """Both changes: the other person's where only they changed a field, mine elsewhere.
        Fields both changed are left for the editor to decide: the form comes back."""
        self.merged = conflicts.take_both(self, base)
        if self.merged is None or not self.merged.conflicts:
            return
        self.other_change = conflicts.other_change(self.instance, self.cleaned_data, base)
        self.conflict = revisions.differences(
            revisions.values_of_release(self.instance),
            revisions.values_of_form(self.cleaned_data, revisions.values_of_release(
                self.instance)))
        raise ValidationError(
            _("The other change is taken into the form where only they changed something. "
              "You both changed: %(fields)s. Your text is in the form; decide what stays, "
              "then save."),
            params={"fields": ", ".join(self.other_change.conflicts)}, code="conflict")


class ContactForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"contact_unique_name_per_organisation": "name"}


class AnnouncementFormMixin:
    """Status, publication time and embargo of an appointment or trip (models.Announcement).

    Announcing with an empty publication time means now, as the field's help says.
    The fields are only in the form for those who may announce (the admin shows
    them read-only to everybody else).
    """

    def clean(self):
        data = self.cleaned_data
        if (data.get("status") == Announcement.Status.ANNOUNCED and "published_at" in self.fields
                and data.get("published_at") is None and "published_at" not in self.errors):
            data["published_at"] = timezone.now()
        return super().clean()


class DayOrMomentField(forms.SplitDateTimeField):
    """A date and a time that may be left out: then the start of the day."""

    def __init__(self, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.fields[1].required = False

    def compress(self, data_list):
        if data_list and data_list[0] and data_list[1] is None:
            data_list = [data_list[0], datetime.time.min]
        return super().compress(data_list)


class EventForm(AnnouncementFormMixin, ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    """An appointment: with "time known" off, its day alone (the time, if typed, is
    dropped: the start is stored as the beginning of the day); with it on, a time.

    ``loaded_version`` carries the time of the save the editor loaded: saving on top of a
    later one is refused, the form coming back with the editor's text in it; the field
    then holds the later save, so saving again replaces it knowingly."""

    constraint_fields = {"event_ends_after_start": "ends_at",
                         "event_announced_needs_time": "published_at"}
    moments = ("starts_at", "ends_at")
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
        for name in self.moments:
            if name in self.fields:
                field = self.fields[name]
                self.fields[name] = DayOrMomentField(
                    label=field.label, help_text=field.help_text, required=field.required,
                    widget=field.widget, validators=field.validators)

    def clean(self):
        data = super().clean()
        stored = self.instance.pk and self.instance.updated_at.isoformat()
        if stored and data.get("loaded_version") not in ("", stored):
            values = self.data.copy()
            values[self.add_prefix("loaded_version")] = stored
            self.data = values
            raise ValidationError(
                _("Someone else saved this appointment while you were editing it. Your "
                  "changes have not been saved; they are still in the form. Saving again "
                  "replaces the other version."), code="conflict")
        for name in self.moments:
            moment = data.get(name)
            if moment is None or "has_time" not in self.fields:
                continue
            if not data.get("has_time"):
                data[name] = timezone.make_aware(datetime.datetime.combine(
                    timezone.localtime(moment).date(), datetime.time.min))
            elif not str(self.data.get(f"{self.add_prefix(name)}_1", "")).strip():
                self.add_error(name, _("Enter the time, or switch off “time known”."))
        return data


class AppointmentForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"appointment_ends_after_start": "end_date"}


class DelegationForm(AnnouncementFormMixin, ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"delegation_ends_after_start": "end_date",
                         "delegation_announced_needs_time": "published_at"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields:
            self.fields["organisation"].required = False
            self.fields["organisation"].help_text = _(
                "Empty: the organisation of the office the leader holds when the trip begins.")

    def clean(self):
        cleaned_data = super().clean()
        if "organisation" in self.fields and not cleaned_data.get("organisation"):
            leader, start_date = cleaned_data.get("leader"), cleaned_data.get("start_date")
            organisation = Delegation.leaders_organisation(leader, start_date)
            if organisation is None:
                self.add_error("organisation", _(
                    "Please choose the organisation: the leader holds no office when the "
                    "trip begins."))
            else:
                cleaned_data["organisation"] = organisation
        return cleaned_data


class DelegationStopForm(ConstraintErrorsOnFieldsMixin, forms.ModelForm):
    constraint_fields = {"stop_departs_after_arrival": "departure_date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "country" in self.fields:
            self.fields["country"].help_text = _(
                "Empty: the trip's country, when it goes to one country only.")


# The workflow's buttons: what an operation asks for besides the version.

class WorkflowForm(forms.Form):
    """An operation's form: the version the editor saw, checked by the service."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class RejectForm(WorkflowForm):
    note = forms.CharField(label=_("What should be changed?"), widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_("The author sees this note in the workflow box."))


class PublishForm(WorkflowForm):
    override_reason = forms.CharField(
        label=_("Reason for publishing without a second person's approval"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only needed when the four-eyes principle cannot be kept; kept in the "
                    "audit log."))


class ScheduleForm(PublishForm):
    field_order = ["version", "at", "override_reason"]

    at = forms.SplitDateTimeField(
        label=_("Publish at"), widget=AdminSplitDateTime, validators=[validate_year],
        help_text=_("German time (Europe/Berlin). The release becomes public exactly then."))


class WithdrawForm(WorkflowForm):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the page instead of the release, e.g. „Diese Medieninformation "
                    "wurde durch eine neuere ersetzt.“"))
    is_legal = forms.BooleanField(
        label=_("Removed for legal reasons"), required=False,
        help_text=_("The page then answers 410 Gone and shows neither the title nor the "
                    "reason."))


class PreviewLinkForm(WorkflowForm):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=30,
                              initial=7)
