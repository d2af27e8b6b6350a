"""Public pages of the journalist services. No accounts: signed links identify people.

Pages reached through a personal link are never cached and never indexed. Only
the form pages set the CSRF cookie; the one-click unsubscribe endpoint (RFC 8058)
takes a POST without token or login, as mail providers send it.
"""

from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView

from releases.clientaddress import client_ip
from releases.models import Event
from releases.shortcuts import get_public_or_404

from . import accreditation, outbox, subscriptions, tokens
from .forms import (
    AccreditationRequestForm,
    JournalistRegistrationForm,
    ManageForm,
    SubscribeForm,
    choices_from_link,
)
from .models import Subscription

# Valid submissions (each sends a mail) per address and period.
RATE_LIMIT = 5
RATE_PERIOD = 600


def private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def rate_limited(request, scope):
    """True when this client sent more than RATE_LIMIT forms of ``scope`` lately.

    Counted in the cache; while the cache is away nothing is counted and the form is
    accepted (it fails open): the honeypot still applies, and a repeated request for
    one address sends no second mail.
    """
    key = f"journalists:rate:{scope}:{client_ip(request)}"
    cache.add(key, 0, RATE_PERIOD)
    try:
        return cache.incr(key) > RATE_LIMIT
    except ValueError:  # expired between add and incr, or the cache is away
        cache.set(key, 1, RATE_PERIOD)
        return False


def invalid_link(request):
    return private(render(request, "journalists/link_invalid.html", status=404))


class PublicFormView(FormView):
    """A public form: honeypot, rate limit, a clear message when the mail cannot go."""

    scope = None
    success_url_name = None

    def get(self, request, *args, **kwargs):
        return private(super().get(request, *args, **kwargs))

    def form_invalid(self, form):
        return private(self.render_to_response(self.get_context_data(form=form), status=400))

    def form_valid(self, form):
        if form.is_spam():
            return redirect(self.success_url_name)
        if rate_limited(self.request, self.scope):
            form.add_error(None, _("Too many requests from your connection. Please try "
                                   "again in a few minutes."))
            return private(self.render_to_response(self.get_context_data(form=form),
                                                   status=429))
        done = self.act(form)
        if form.errors:  # refused by the operation, e.g. a second request for one address
            return self.form_invalid(form)
        if not done:
            form.add_error(None, _("We could not send the e-mail just now. Please try again "
                                   "later."))
            return private(self.render_to_response(self.get_context_data(form=form),
                                                   status=503))
        return redirect(self.success_url_name)


class SubscribeView(PublicFormView):
    template_name = "journalists/subscribe.html"
    form_class = SubscribeForm
    scope = "subscribe"
    success_url_name = "journalists:subscribe-sent"

    def get_initial(self):
        # Also when the form is sent: it goes to the address it came from, so what the
        # link offered beyond the usual choices (a person) stays a valid choice.
        return choices_from_link(self.request.GET)

    def act(self, form):
        return subscriptions.subscribe(form.cleaned_data["email"], form.choices())


class SentView(TemplateView):
    """After a form: look into your inbox."""

    def get(self, request, *args, **kwargs):
        return private(super().get(request, *args, **kwargs))


class SubscriptionLinkView(View):
    """A page reached through a signed link of a subscription."""

    purpose = tokens.MANAGE

    def dispatch(self, request, token, *args, **kwargs):
        self.token = token
        self.subscription = tokens.subscription_from(self.purpose, token,
                                                     Subscription.objects.all())
        if self.subscription is None:
            return invalid_link(request)
        return private(super().dispatch(request, *args, **kwargs))


class ConfirmView(SubscriptionLinkView):
    """Double opt-in. A button, not the GET itself, confirms: mail scanners follow links."""

    purpose = tokens.CONFIRM

    def get(self, request):
        return render(request, "journalists/subscription_confirm.html",
                      {"subscription": self.subscription})

    def post(self, request):
        subscriptions.confirm(self.subscription)
        return redirect(reverse("journalists:manage", args=[
            tokens.subscription_token(tokens.MANAGE, self.subscription)]) + "?bestaetigt=1")


class ManageView(SubscriptionLinkView):
    def form(self, data=None):
        subscription = self.subscription
        initial = {
            "topics": list(subscription.topics.all()),
            "organisations": list(subscription.organisations.all()),
            "ministers": list(subscription.ministers.all()),
            "kinds": subscription.kinds,
            "frequency": subscription.frequency,
            "paused_until": subscription.paused_until,
        }
        return ManageForm(data, initial=initial)

    def page(self, form, status=200):
        return render(request=self.request, template_name="journalists/subscription_manage.html",
                      context={"form": form, "subscription": self.subscription,
                               "token": self.token,
                               "resume_at": outbox.resume_at(self.subscription)
                               if self.subscription.paused_until else None,
                               "confirmed": "bestaetigt" in self.request.GET,
                               "saved": "gespeichert" in self.request.GET},
                      status=status)

    def get(self, request):
        return self.page(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        subscriptions.change(self.subscription, form.choices())
        return redirect(request.path + "?gespeichert=1")


class ExportView(SubscriptionLinkView):
    def get(self, request):
        response = JsonResponse(subscriptions.export(self.subscription),
                                json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="benachrichtigungen.json"'
        return response


class DeleteView(SubscriptionLinkView):
    def get(self, request):
        return render(request, "journalists/subscription_delete.html",
                      {"subscription": self.subscription, "token": self.token})

    def post(self, request):
        subscriptions.delete(self.subscription)
        return render(request, "journalists/subscription_deleted.html")


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """GET shows a button; POST unsubscribes, from that button or straight from the mail
    program (RFC 8058 one-click: no CSRF token, no login, no redirect)."""

    def dispatch(self, request, token, *args, **kwargs):
        values = tokens.read(tokens.UNSUBSCRIBE, token)
        if not isinstance(values, dict):
            return invalid_link(request)
        self.subscription = Subscription.objects.filter(pk=values.get("s")).first()
        if self.subscription and self.subscription.token_version != values.get("v"):
            return invalid_link(request)
        return private(super().dispatch(request, *args, **kwargs))

    def get(self, request):
        if self.subscription is None:
            return render(request, "journalists/subscription_deleted.html")
        return render(request, "journalists/unsubscribe.html",
                      {"subscription": self.subscription})

    def post(self, request):
        if self.subscription is not None:
            subscriptions.delete(self.subscription)
        return render(request, "journalists/subscription_deleted.html")


class JournalistRegisterView(PublicFormView):
    template_name = "journalists/journalist_register.html"
    form_class = JournalistRegistrationForm
    scope = "register"
    success_url_name = "journalists:register-sent"

    def act(self, form):
        return accreditation.register_journalist(form.cleaned_data)


class VerifyJournalistView(View):
    """The link in the registration mail. A button, not the GET itself, verifies the
    address: mail scanners follow links."""

    def dispatch(self, request, token):
        self.journalist = accreditation.journalist_from_token(token)
        if self.journalist is None:
            return invalid_link(request)
        return private(super().dispatch(request))

    def get(self, request):
        if self.journalist.email_verified_at is not None:
            return self.verified()
        return render(request, "journalists/journalist_verify.html",
                      {"journalist": self.journalist})

    def post(self, request):
        accreditation.verify_journalist(self.journalist)
        return self.verified()

    def verified(self):
        return render(self.request, "journalists/journalist_verified.html",
                      {"journalist": self.journalist})


class EventAccreditationView(PublicFormView):
    """/termine/<pk>-<slug>/akkreditierung/: the request form, while requests are taken."""

    template_name = "journalists/accreditation_form.html"
    form_class = AccreditationRequestForm
    scope = "accreditation"

    def dispatch(self, request, pk, slug):
        # Only a public appointment takes requests: one in preparation is not found.
        self.event = get_public_or_404(Event.objects.select_related("organisation"), pk=pk)
        if not self.event.requires_accreditation:
            raise Http404
        if slug != self.event.slug:
            return redirect("journalists:accreditation", pk=pk, slug=self.event.slug,
                            permanent=True)
        self.closed = accreditation.closed_reason(self.event)
        if self.closed and request.method == "POST":
            return private(self.render_to_response(self.get_context_data(), status=400))
        return super().dispatch(request)

    def get_context_data(self, **kwargs):
        rules = accreditation.accreditation_rules(self.event)
        return super().get_context_data(event=self.event, closed=self.closed, rules=rules,
                                        **kwargs)

    def form_valid(self, form):
        self.success_url_name = reverse("journalists:accreditation-sent", kwargs={
            "pk": self.event.pk, "slug": self.event.slug})
        return super().form_valid(form)

    def act(self, form):
        try:
            self.request_row = accreditation.request_accreditation(self.event,
                                                                   form.cleaned_data)
        except accreditation.AccreditationClosed as closed:
            form.add_error(None, str(closed))
            return False
        except accreditation.AlreadyRequested:
            form.add_error("email", _("There is already a request for this address. The "
                                      "e-mail we sent you has a link to cancel it."))
            return False
        if self.request_row.status == self.request_row.Status.WAITLISTED:
            self.success_url_name += "?warteliste=1"
        return True


@require_safe
def accreditation_sent(request, pk, slug):
    event = get_public_or_404(Event.objects.all(), pk=pk, requires_accreditation=True)
    return private(render(request, "journalists/accreditation_sent.html", {
        "event": event, "waitlisted": "warteliste" in request.GET}))


class AccreditationCancelView(View):
    def dispatch(self, request, token):
        self.accreditation_request = accreditation.request_from_token(token)
        if self.accreditation_request is None:
            return invalid_link(request)
        return private(super().dispatch(request))

    def get(self, request):
        return render(request, "journalists/accreditation_cancel.html",
                      {"accreditation": self.accreditation_request})

    def post(self, request):
        accreditation.cancel_request(self.accreditation_request)
        return render(request, "journalists/accreditation_cancel.html",
                      {"accreditation": self.accreditation_request, "cancelled": True})
