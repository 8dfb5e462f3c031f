from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

import pagecache
from pagecache import country_tags, public_page

from . import access
from .forms import WindowContactForm
from .hours import next_change
from .models import Country
from .selectors import nearest_first, places, window_directory


@require_safe
@public_page(lambda country: country_tags(country, "windows"))
def window_list(request: HttpRequest, country: str) -> HttpResponse:
    country_obj = get_object_or_404(Country, code=country.upper())
    local_now = timezone.localtime(timezone.now(), country_obj.zoneinfo)
    cards = window_directory(country_obj, local_now)
    choices = places(cards)
    near = request.GET.get("near", "")
    if near not in {place.city for place in choices}:
        near = ""  # an unknown or stale city keeps the usual order rather than failing
    # "Open now" on a cached copy: the copy ends the minute a window opens or closes.
    pagecache.valid_until(request, next_change(card.status for card in cards))
    # The local time it prints: the copy ends when the minute does (a render a minute at most; hits meanwhile
    # are served as before).
    pagecache.valid_until(request, local_now.replace(second=0, microsecond=0) + timedelta(minutes=1))
    return render(
        request,
        "ventanillas/window_list.html",
        {
            "country": country_obj,
            "cards": nearest_first(cards, near) if near else cards,
            "places": choices,
            "near": near,
            "local_now": local_now,
            "page_languages": country_obj.public_languages,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def window_edit(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_object_or_404(access.visible_windows(request.user), pk=pk)
    access.require_write(request.user, window)
    form = WindowContactForm(request.POST or None, instance=window)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The window's contact details were saved."))
        return redirect("ventanillas-staff:window-edit", pk=window.pk)
    return render(request, "ventanillas/window_edit.html", {"window": window, "form": form})
