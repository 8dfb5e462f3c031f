"""Every change of an emergency: declare, correct, translate, end, and the service points' states.

Each change bumps the emergency's version, writes a CAP bulletin (``Bulletin``) with what the public now
reads, writes an audit row, and ends the cached copies of the country's pages (the banner is on all of
them). Declaring needs no second pair of eyes; the audit and the bulletins keep the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import pagecache
from privacy import audit
from ventanillas.models import Country

from .models import Arrival, Broadcast, Bulletin, Emergency, EmergencyText, LookingFor, PointState, ServicePoint

EDITABLE = ("kind", "severity", "regions", "starts_at", "expected_end_at", "hotlines")


class EmergencyError(Exception):
    """A change refused, with a message for the person who asked for it."""


def _pages_changed(country: Country) -> None:
    # "alerts:<code>" is a tag of every page of the country (pagecache.country_tags): the banner shows there.
    # The banner's own copy goes now and again at commit (a page rendered meanwhile may have kept the old one).
    from .selectors import forget_banner

    forget_banner(country.pk)
    transaction.on_commit(lambda: forget_banner(country.pk))
    pagecache.changed(f"alerts:{country.code}", f"emergency:{country.code}")


def snapshot(emergency: Emergency) -> dict[str, Any]:
    """What a bulletin publishes: the emergency's fields and each language's text, in plain values."""

    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "country": emergency.country.code,
        "country_name": emergency.country.name,
        "time_zone": emergency.country.time_zone,
        "kind": emergency.kind,
        "severity": emergency.severity,
        "regions": list(emergency.regions),
        "starts_at": moment(emergency.starts_at),
        "expected_end_at": moment(emergency.expected_end_at),
        "ended_at": moment(emergency.ended_at),
        "source_language": emergency.source_language,
        "hotlines": emergency.hotlines,
        "texts": {
            text.language: {"title": text.title, "instructions": text.instructions}
            for text in emergency.texts.order_by("language")
        },
    }


def _publish(emergency: Emergency, message_type: str, *, by, details: dict) -> Bulletin:
    bulletin = Bulletin.objects.create(
        emergency=emergency,
        number=emergency.version,
        message_type=message_type,
        sent_at=timezone.now().replace(microsecond=0),
        snapshot=snapshot(emergency),
    )
    audit.record(
        user=by,
        action="create" if message_type == Bulletin.MessageType.ALERT else "change",
        object_type="emergencies.emergency",
        object_id=emergency.pk,
        details={"version": emergency.version, "message_type": message_type, **details},
    )
    _pages_changed(emergency.country)
    return bulletin


def _check_regions(country: Country, regions: list[str]) -> None:
    from ventanillas.models import InformationWindow

    known = set(InformationWindow.objects.filter(country=country).values_list("region", flat=True))
    unknown = sorted(set(regions) - known)
    if unknown:
        raise EmergencyError(_("These regions have no window in %(country)s: %(regions)s.") % {
            "country": country.name, "regions": ", ".join(unknown)})  # fmt: skip


def _check_dates(starts_at: datetime, expected_end_at: datetime | None) -> None:
    if expected_end_at is not None and expected_end_at <= starts_at:
        raise EmergencyError(_("The expected end must come after the start."))


def declare(
    *,
    countries: Iterable[Country],
    by,
    kind: str,
    severity: str,
    language: str,
    title: str,
    instructions: str,
    regions: list[str] | None = None,
    starts_at: datetime | None = None,
    expected_end_at: datetime | None = None,
    hotlines: str = "",
) -> list[Emergency]:
    """Declare an emergency in each of ``countries`` (one for a country officer, several for a regional one),
    written in ``language``; the country's other public languages await translation.

    Preconditions: the caller checked that ``by`` may declare in these countries (``access.emergency_countries``).
    Side effects: one emergency, its text and its first CAP bulletin per country; audit rows; the
    countries' cached pages end.
    """
    countries = list(countries)
    regions = list(regions or [])
    starts_at = starts_at or timezone.now()
    _check_dates(starts_at, expected_end_at)
    if regions and len(countries) != 1:
        raise EmergencyError(_("Choose regions only when declaring for one country."))
    made = []
    with transaction.atomic():
        for country in countries:
            if language not in country.public_languages:
                raise EmergencyError(
                    _("%(language)s is not a public language of %(country)s.")
                    % {"language": language, "country": country.name}
                )
            if regions:
                _check_regions(country, regions)
            emergency = Emergency.objects.create(
                country=country,
                kind=kind,
                severity=severity,
                regions=regions,
                starts_at=starts_at,
                expected_end_at=expected_end_at,
                source_language=language,
                hotlines=hotlines,
                declared_by=by,
            )
            EmergencyText.objects.create(
                emergency=emergency, language=language, title=title, instructions=instructions, written_by=by
            )
            _publish(emergency, Bulletin.MessageType.ALERT, by=by, details={"language": language})
            made.append(emergency)
    return made


def correct(*, emergency: Emergency, by, **fields: Any) -> Emergency:
    """Change the emergency's kind, severity, regions, dates or hotlines at once; a new bulletin says so.

    Preconditions: the emergency is not over. Side effects: version + 1, an Update bulletin, an audit row
    naming the fields changed, the country's cached pages end.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        emergency = Emergency.objects.select_for_update().select_related("country").get(pk=emergency.pk)
        if emergency.is_over:
            raise EmergencyError(_("This emergency has ended; declare a new one."))
        changed = sorted(name for name, value in fields.items() if getattr(emergency, name) != value)
        if not changed:
            return emergency
        if fields.get("regions"):
            _check_regions(emergency.country, fields["regions"])
        _check_dates(
            fields.get("starts_at", emergency.starts_at), fields.get("expected_end_at", emergency.expected_end_at)
        )
        for name in changed:
            setattr(emergency, name, fields[name])
        emergency.version += 1
        emergency.save()
        _publish(emergency, Bulletin.MessageType.UPDATE, by=by, details={"changed": changed})
    return emergency


def write_text(*, emergency: Emergency, by, language: str, title: str, instructions: str) -> EmergencyText:
    """Write (or correct) the page's text in ``language``: a translation by an editor, or the officer's own.

    Preconditions: ``language`` is a public language of the country and the caller may write it.
    Side effects: version + 1, an Update bulletin with the new text, an audit row, the pages end.
    """
    with transaction.atomic():
        emergency = Emergency.objects.select_for_update().select_related("country").get(pk=emergency.pk)
        if emergency.is_over:
            raise EmergencyError(_("This emergency has ended; declare a new one."))
        if language not in emergency.country.public_languages:
            raise EmergencyError(
                _("%(language)s is not a public language of %(country)s.")
                % {"language": language, "country": emergency.country.name}
            )
        text, _created = EmergencyText.objects.update_or_create(
            emergency=emergency,
            language=language,
            defaults={"title": title, "instructions": instructions, "written_by": by},
        )
        emergency.version += 1
        emergency.save(update_fields=["version", "updated_at"])
        _publish(emergency, Bulletin.MessageType.UPDATE, by=by, details={"language": language})
    return text


def end(*, emergency: Emergency, by) -> Emergency:
    """End the emergency now: its page stays as a past emergency, the banner goes, a Cancel bulletin says so.

    Its purpose ends with it: every broadcast not yet sent is cancelled (held messages included), and a task
    (``end_consents``) withdraws the consent to emergency messages of the people it covered.
    """
    from notifications import services as outbox

    from . import tasks

    with transaction.atomic():
        emergency = Emergency.objects.select_for_update().select_related("country").get(pk=emergency.pk)
        if emergency.is_over:
            raise EmergencyError(_("This emergency has already ended."))
        emergency.ended_at = timezone.now()
        emergency.version += 1
        emergency.save()
        cancelled = 0
        for broadcast in emergency.broadcasts.exclude(status=Broadcast.Status.CANCELLED):
            Broadcast.objects.filter(pk=broadcast.pk).update(status=Broadcast.Status.CANCELLED)
            outbox.release_for(broadcast, per_second=settings.EMERGENCY_BROADCAST_RATES)
            cancelled += outbox.cancel_for(broadcast) or 0
        _publish(emergency, Bulletin.MessageType.CANCEL, by=by, details={"messages_cancelled": cancelled})
        transaction.on_commit(lambda: tasks.end_consents.delay(emergency.pk, getattr(by, "pk", None)))
    return emergency


def end_consents(emergency_id: int, by=None) -> int:
    """The consent to emergency messages ends with the emergency: withdraw it for each person of the windows
    the ended emergency covered (its regions, or the whole country), except those whose window another
    emergency of the country, not ended, still covers (that purpose still runs; they lose it when it ends).
    Returns how many consents were withdrawn; running it again withdraws nothing more."""
    from cases import services as case_services
    from cases.models import ConsentKind, Person
    from ventanillas.models import InformationWindow

    emergency = Emergency.objects.select_related("country").get(pk=emergency_id)
    if not emergency.is_over:
        return 0
    others = list(Emergency.objects.filter(country=emergency.country, ended_at__isnull=True))
    if any(not other.regions for other in others):
        return 0  # another emergency covers the whole country
    windows = InformationWindow.objects.filter(country=emergency.country)
    if emergency.regions:
        windows = windows.filter(region__in=emergency.regions)
    windows = windows.exclude(region__in=sorted({region for other in others for region in other.regions}))
    people = Person.objects.filter(
        window__in=windows, consents__kind=ConsentKind.EMERGENCY, consents__withdrawn_at__isnull=True
    ).distinct()
    withdrawn = 0
    for person in people.order_by("pk").iterator(chunk_size=500):
        try:
            case_services.withdraw_consent(person=person, kind=ConsentKind.EMERGENCY, by=by)
        except case_services.CaseError:
            continue  # withdrawn meanwhile
        withdrawn += 1
    audit.record(
        user=by, action="change", object_type="emergencies.emergency", object_id=emergency.pk,
        details={"consents_ended": withdrawn},
    )  # fmt: skip
    return withdrawn


def add_point(*, emergency: Emergency, by, data: dict[str, Any]) -> ServicePoint:
    """A new service point on the emergency's page. Side effects: an audit row, the pages end."""
    with transaction.atomic():
        point = ServicePoint.objects.create(emergency=emergency, **data)
        audit.record(
            user=by, action="create", object_type="emergencies.servicepoint", object_id=point.pk,
            details={"emergency": emergency.pk, "state": point.state},
        )  # fmt: skip
        pagecache.changed(f"emergency:{emergency.country.code}")
    return point


def set_point_state(*, point: ServicePoint, by, state: str, occupancy: int | None = None) -> ServicePoint:
    """Mark a service point open, full or closed (and how many people are there), as staff see it on site.

    Side effects: an audit row with the old and new state; the emergency's pages end, so readers see it
    at their next load.
    """
    if state not in PointState.values:
        raise EmergencyError(_("Choose open, full or closed."))
    with transaction.atomic():
        point = ServicePoint.objects.select_for_update().select_related("emergency__country").get(pk=point.pk)
        if point.emergency.is_over:
            raise EmergencyError(_("This emergency has ended; declare a new one."))
        before = point.state
        point.state = state
        if occupancy is not None:
            point.occupancy = occupancy
        point.state_changed_at = timezone.now()
        point.save(update_fields=["state", "occupancy", "state_changed_at"])
        audit.record(
            user=by, action="change", object_type="emergencies.servicepoint", object_id=point.pk,
            details={"emergency": point.emergency_id, "from": before, "to": state, "occupancy": point.occupancy},
        )  # fmt: skip
        pagecache.changed(f"emergency:{point.emergency.country.code}")
    return point


# -- broadcast ---------------------------------------------------------------------------------------------

BROADCAST_KIND = "emergency.broadcast"
BROADCAST_TEMPLATE = "emergencies/messages/broadcast"


def start_broadcast(*, emergency: Emergency, by) -> Broadcast:
    """Send the emergency's message, as it stands now, to everyone who asked for emergency messages in its
    country (and regions). The messages are queued by a worker (``queue_broadcast``) after commit.

    Preconditions: the emergency is not over. Side effects: a broadcast row, an audit row, a task.
    """
    from . import tasks

    with transaction.atomic():
        emergency = Emergency.objects.select_for_update().get(pk=emergency.pk)
        if emergency.is_over:
            raise EmergencyError(_("This emergency has ended; declare a new one."))
        broadcast = Broadcast.objects.create(emergency=emergency, version=emergency.version, started_by=by)
        audit.record(
            user=by, action="create", object_type="emergencies.broadcast", object_id=broadcast.pk,
            details={"emergency": emergency.pk, "version": emergency.version},
        )  # fmt: skip
        transaction.on_commit(lambda: tasks.queue_broadcast.delay(broadcast.pk))
    return broadcast


def queue_broadcast(broadcast_id: int) -> int:
    """Queue one message per person in the outbox, spaced at each channel's rate; returns how many.

    Each person gets the text in their language when there is one, else in the language it was written
    in. The message's key names the broadcast and the address, so a second run queues nobody twice. An
    emergency message leaves in the quiet hours too, unless ``EMERGENCY_QUIET_HOURS`` is on (the row then
    carries the country's time zone, and the outbox moves it to the end of the quiet hours).
    """
    from cases.models import Person
    from cases.selectors import emergency_recipients
    from notifications import services as outbox
    from notifications.keys import recipient_digest

    broadcast = Broadcast.objects.select_related("emergency__country").get(pk=broadcast_id)
    if broadcast.status != Broadcast.Status.QUEUEING:
        return 0
    emergency = broadcast.emergency
    texts = {text.language: text for text in emergency.texts.all()}
    rates = settings.EMERGENCY_BROADCAST_RATES
    zone = emergency.country.time_zone if settings.EMERGENCY_QUIET_HOURS else ""
    start = timezone.now()
    sent_on: dict[str, int] = {}
    person_label = Person._meta.label_lower  # the outbox's reference of the person written to
    links = {}
    for language in texts:
        with translation.override(language):
            links[language] = settings.PORTAL_URL + emergency.get_absolute_url()

    def rows():
        for recipient in emergency_recipients(country_id=emergency.country_id, regions=list(emergency.regions)):
            language = recipient.language if recipient.language in texts else emergency.source_language
            text = texts[language]
            index = sent_on.get(recipient.channel, 0)
            sent_on[recipient.channel] = index + 1
            due = start + timedelta(seconds=index / max(float(rates.get(recipient.channel, 1.0)), 0.001))
            yield {
                "kind": BROADCAST_KIND,
                "channel": recipient.channel,
                "recipient": recipient.address,
                "language": language,
                "template": BROADCAST_TEMPLATE,
                "context": {
                    "title": text.title,
                    "instructions": text.instructions,
                    "link": links[language],
                    "stoppable": recipient.channel != "email",
                },
                "due_at": due,
                "key": f"{BROADCAST_KIND}:{broadcast.pk}:{recipient.channel}:{recipient_digest(recipient.address)}",
                "time_zone": zone,
                "addressee": f"{person_label}:{recipient.person_id}",
            }

    # In batches of thousands of rows (on PostgreSQL one COPY and one INSERT each), not one transaction a
    # person; the time for a hundred thousand people: bench/README.md.
    count = outbox.enqueue_many(rows(), obj=broadcast)
    Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.QUEUEING).update(
        status=Broadcast.Status.SENDING, recipients=count
    )
    if Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.CANCELLED).exists():
        outbox.cancel_for(broadcast)  # cancelled (or its emergency ended) while it was being queued
    return count


def _broadcast_change(broadcast: Broadcast, by, allowed: set[str], to: str) -> Broadcast:
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.status not in allowed:
            raise EmergencyError(_("This broadcast cannot do that now: it is %(status)s.") % {
                "status": broadcast.get_status_display().lower()})  # fmt: skip
        before = broadcast.status
        broadcast.status = to
        broadcast.save(update_fields=["status"])
        audit.record(
            user=by, action="change", object_type="emergencies.broadcast", object_id=broadcast.pk,
            details={"from": before, "to": to},
        )  # fmt: skip
    return broadcast


def pause_broadcast(*, broadcast: Broadcast, by) -> Broadcast:
    """Hold the messages not yet sent; those being sent finish."""
    from notifications import services as outbox

    broadcast = _broadcast_change(broadcast, by, {Broadcast.Status.SENDING}, Broadcast.Status.PAUSED)
    outbox.hold_for(broadcast)
    return broadcast


def resume_broadcast(*, broadcast: Broadcast, by) -> Broadcast:
    """Send the held messages again, at each channel's rate from now."""
    from notifications import services as outbox

    broadcast = _broadcast_change(broadcast, by, {Broadcast.Status.PAUSED}, Broadcast.Status.SENDING)
    outbox.release_for(broadcast, per_second=settings.EMERGENCY_BROADCAST_RATES)
    return broadcast


def cancel_broadcast(*, broadcast: Broadcast, by) -> Broadcast:
    """Cancel every message not yet sent (held ones included)."""
    from notifications import services as outbox

    allowed = {Broadcast.Status.SENDING, Broadcast.Status.PAUSED, Broadcast.Status.QUEUEING}
    broadcast = _broadcast_change(broadcast, by, allowed, Broadcast.Status.CANCELLED)
    outbox.release_for(broadcast, per_second=settings.EMERGENCY_BROADCAST_RATES)
    outbox.cancel_for(broadcast)
    return broadcast


# -- surge registration and families looking for each other -------------------------------------------------


def register_arrival(*, point: ServicePoint, by, data: dict[str, Any]) -> Arrival:
    """Register a household arriving at ``point``: a short record, counted apart from consultations.

    Preconditions: the form checked that a name or phone comes with the person's consent. Side effects: one
    row (the name encrypted, its keyed tokens beside it), an audit row (codes and counts only).
    """
    from cases.name_index import name_tokens

    if point.emergency.is_over:
        raise EmergencyError(_("This emergency has ended; declare a new one."))
    name = (data.get("contact_name") or "").strip()
    with transaction.atomic():
        arrival = Arrival.objects.create(
            point=point, registered_by=by, name_tokens=name_tokens(name, "") if name else [], **data
        )
        audit.record(
            user=by, action="create", object_type="emergencies.arrival", object_id=arrival.pk,
            details={"point": point.pk, "household": arrival.household_size, "contact": bool(name or arrival.contact_phone)},
        )  # fmt: skip
    return arrival


def arrival_hashes(arrival: Arrival) -> dict[str, list[int]]:
    """The keyed tokens of an arrival's name under the current key (``privacy.rotation`` re-hashes with it)."""
    from cases.name_index import name_tokens

    return {"name_tokens": name_tokens(arrival.contact_name or "", "") if arrival.contact_name else []}


def register_looking_for(*, emergency: Emergency, by, data: dict[str, Any]) -> LookingFor:
    """Record that someone looks for a relative; ``matches`` then compares the name with the registrations."""
    with transaction.atomic():
        search = LookingFor.objects.create(emergency=emergency, registered_by=by, **data)
        audit.record(
            user=by, action="create", object_type="emergencies.lookingfor", object_id=search.pk,
            details={"emergency": emergency.pk},
        )  # fmt: skip
    return search


def _holding(rows, wanted: list[list[int]]) -> list[int]:
    """The primary keys of the arrivals whose name tokens hold one of each list of ``wanted`` (PostgreSQL: the
    GIN index of ``name_tokens``; elsewhere Python compares them)."""
    if connection.vendor == "postgresql":
        # Fixed SQL; the tokens travel as parameters.
        holding = rows.extra(  # noqa: S610  # nosec B610
            where=["emergencies_arrival.name_tokens && %s::bigint[]"] * len(wanted), params=wanted
        )
        return list(holding.values_list("pk", flat=True))
    sets = [set(tokens) for tokens in wanted]
    return [
        pk
        for pk, stored in rows.values_list("pk", "name_tokens")
        if all(not wanted_set.isdisjoint(stored) for wanted_set in sets)
    ]


def named_arrivals(emergency: Emergency, name: str) -> list[Arrival]:
    """Registrations of the emergency, with consent to be found, whose name holds every word of ``name``
    (exactly or nearly, as the person search compares), best first. Candidates come from the keyed tokens;
    only theirs are decrypted. The caller audits the reading."""
    from cases.name_index import search_tokens
    from cases.rules import name_key
    from cases.selectors import compare_names

    words = name_key(name).split()
    wanted = [search_tokens(word) for word in words]
    if not words or not all(wanted):
        return []
    rows = Arrival.objects.filter(point__emergency=emergency, contact_consent=True)
    candidates = Arrival.objects.filter(pk__in=_holding(rows, wanted)).select_related("point")
    scored = []
    seen: dict = {}
    for arrival in candidates:
        exact, similar = compare_names(words, name_key(arrival.contact_name or ""), seen)
        if exact + similar == len(words):
            scored.append((-exact, -arrival.registered_at.timestamp(), arrival))
    return [arrival for *_key, arrival in sorted(scored, key=lambda row: row[:2])]


def matches(search: LookingFor, *, by) -> list[Arrival]:
    """The registrations that may be the relative sought (``named_arrivals``). Reading them discloses names:
    audited."""
    found = named_arrivals(search.emergency, search.sought_name or "")
    audit.record(
        user=by, action="search", object_type="emergencies.lookingfor", object_id=search.pk,
        details={"matches": len(found)},
    )  # fmt: skip
    return found


def find_registrations(*, emergency: Emergency, name: str, by) -> list[Arrival]:
    """A clerk at a window looks for the registration of the person in front of them, by name. Audited (the
    count only: the name typed is not kept)."""
    found = named_arrivals(emergency, name)
    audit.record(
        user=by, action="search", object_type="emergencies.arrival", object_id="",
        details={"emergency": emergency.pk, "matches": len(found)},
    )  # fmt: skip
    return found


def link_arrival(*, arrival: Arrival, person, by) -> Arrival:
    """Keep which person record a registered household became at a window (found, or created from the
    registration). Preconditions: the caller may write to ``person``. Side effects: the link, an audit row
    (ids only). A registration already linked to another person is refused: unlink is not offered."""
    with transaction.atomic():
        arrival = Arrival.objects.select_for_update().get(pk=arrival.pk)
        if arrival.person_id == person.pk:
            return arrival
        if arrival.person_id is not None:
            raise EmergencyError(_("This registration is already linked to another person record."))
        arrival.person = person
        arrival.linked_at = timezone.now()
        arrival.save(update_fields=["person", "linked_at"])
        audit.record(
            user=by, action="change", object_type="emergencies.arrival", object_id=arrival.pk,
            details={"person": person.pk, "point": arrival.point_id},
        )  # fmt: skip
    return arrival


def forget_ended_contacts(*, now: datetime | None = None) -> int:
    """The daily retention step of crisis mode: once an emergency has been over for its country's retention
    period (``Country.retention_days``), its registrations and searches lose their names and phones; the
    counts (household size, needs, origin, point, day) stay for the figures. Returns how many rows it blanked;
    running it again blanks nothing more."""
    now = now or timezone.now()
    count = 0
    ended = Emergency.objects.filter(ended_at__isnull=False).select_related("country")
    for emergency in ended:
        if emergency.ended_at + timedelta(days=emergency.country.retention_days) > now:
            continue
        arrivals = Arrival.objects.filter(point__emergency=emergency).filter(
            Q(contact_name__isnull=False) | Q(contact_phone__isnull=False)
        )
        count += arrivals.update(contact_name=None, contact_phone=None, name_tokens=[], contact_consent=False)
        searches = LookingFor.objects.filter(emergency=emergency).exclude(sought_name="", seeker_phone__isnull=True)
        count += searches.update(sought_name="", seeker_phone=None, seeker_consent=False)
    return count
