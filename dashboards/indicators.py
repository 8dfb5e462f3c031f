"""The indicator registry: each figure the programme reports is defined once, here.

An indicator has a code (stable: the API, exports and targets use it), a translated name and definition,
the breakdown dimensions it offers, and how it is computed from the apps' records. Pages, exports, the
API and the monthly reports all read the same definitions and the same roll-ups (``dashboards.rollups``
writes them from the ``Source`` of each indicator; ``dashboards.figures`` reads them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import handovers

# Kinds of indicator: how a period's figure comes out of the roll-ups.
COUNT = "count"  # events: the sum of daily counts
UNIQUE = "unique"  # people: each counted once in the period, however often they came
PROCESSING = "processing"  # a statistic of the processing-time histogram
DERIVED = "derived"  # the sum of other indicators
RATIO = "ratio"  # one published indicator divided by another (``parts``: numerator, denominator)
TIME = "time"  # a statistic of a histogram of days kept in the daily roll-up (``histogram``)

# The histogram of days from a referral to its partner's first answer, by the day of the answer: rows of
# DailyFact with this indicator, dimension "days" and the number of days as the value.
REFERRAL_ANSWER_DAYS = "referral_answer_days"
# A median of fewer answered referrals is not shown (published as None, a dash).
MIN_REFERRAL_SAMPLE = 5


@dataclass(frozen=True)
class Dimension:
    code: str
    name: Promise
    # (value, label) pairs of the values known in advance; windows and pathways are looked up by id.
    choices: Callable[[], list[tuple[str, Any]]] | None = None


def _cases_choices(name: str) -> Callable[[], list[tuple[str, Any]]]:
    def choices() -> list[tuple[str, Any]]:
        from cases import models

        return list(getattr(models, name).choices)

    return choices


def _nationality_choices() -> list[tuple[str, Any]]:
    # Countries by name in the reader's language (django-countries), then the answers that name none.
    from cases.countries import nationality_rows

    return nationality_rows()


def _sex_choices() -> list[tuple[str, Any]]:
    # One taxonomy for people assisted and people trained, so that "not stated" is one row of a breakdown.
    from ventanillas.models import Sex

    return list(Sex.choices)


def _sector_choices() -> list[tuple[str, Any]]:
    from training.models import Sector

    return list(Sector.choices)


def _lookup_channel_choices() -> list[tuple[str, Any]]:
    from statuscheck.models import LookupChannel

    return list(LookupChannel.choices)


def _service_choices() -> list[tuple[str, Any]]:
    from ventanillas.models import Service

    return list(Service.choices)


DIMENSIONS: dict[str, Dimension] = {
    d.code: d
    for d in [
        Dimension("sex", _("Sex"), _sex_choices),
        Dimension("age_group", _("Age group"), _cases_choices("AgeGroup")),
        Dimension("nationality", _("Nationality"), _nationality_choices),
        Dimension("vulnerability", _("Vulnerability"), _cases_choices("Vulnerability")),
        Dimension("window", _("Window")),
        Dimension("pathway", _("Pathway")),
        Dimension("sector", _("Sector"), _sector_choices),
        Dimension("status", _("Referral status"), _cases_choices("ReferralStatus")),
        Dimension("service", _("Service"), _service_choices),
        Dimension("channel", _("Channel"), _lookup_channel_choices),
    ]
}


@dataclass(frozen=True)
class Source:
    """Where an indicator's events come from: a queryset of one country's records, the date that places
    each event on a day (a datetime is read in the country's time zone), the window, and the field behind
    each breakdown dimension (``window`` is the window column itself)."""

    queryset: Callable[[Any], QuerySet]
    date_field: str
    is_datetime: bool = False
    window_field: str | None = "window_id"
    fields: dict[str, str] = field(default_factory=dict)
    subject_field: str = ""  # for UNIQUE indicators: who is counted once


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    definition: Promise
    kind: str
    group: str
    dimensions: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    statistic: str = ""  # PROCESSING, TIME: "median" or "p90"
    parts: tuple[str, ...] = ()  # DERIVED: the indicators added up; RATIO: numerator and denominator
    histogram: str = ""  # TIME: the DailyFact indicator holding the histogram of days
    min_sample: int = 0  # TIME: fewer events than this and the figure is not shown

    @property
    def unit(self) -> str:
        if self.kind in (PROCESSING, TIME):
            return "days"
        return "ratio" if self.kind == RATIO else "count"


# --- the sources ------------------------------------------------------------------------------------------


def _consultations(country) -> QuerySet:
    from cases.models import Consultation

    return Consultation.objects.filter(window__country=country)


def _cases(country) -> QuerySet:
    from cases.models import Case

    return Case.objects.filter(window__country=country)


def _processes(country) -> QuerySet:
    from cases.models import RegularizationProcess

    return RegularizationProcess.objects.filter(case__window__country=country)


def _referrals(country) -> QuerySet:
    from cases.models import Referral

    return Referral.objects.filter(case__window__country=country)


def _answered_referrals(country) -> QuerySet:
    return _referrals(country).filter(answered_at__isnull=False)


def _answered_in_a_week(country) -> QuerySet:
    return _answered_referrals(country).filter(answered_at__lte=F("sent_at") + timedelta(days=7))


def _enrolments(country) -> QuerySet:
    from training.models import Enrolment

    return Enrolment.objects.filter(session__country=country)


def _sessions(country) -> QuerySet:
    from training.models import Session

    return Session.objects.filter(country=country)


PERSON_FIELDS = {
    "sex": "person__sex",
    "age_group": "person__age_group",
    "nationality": "person__nationality",
    "vulnerability": "person__vulnerabilities__code",
}
PROCESS_PERSON_FIELDS = {key: f"case__{path}" for key, path in PERSON_FIELDS.items()}
PERSON_DIMENSIONS = ("sex", "age_group", "nationality", "vulnerability", "window")
TRAINING_DIMENSIONS = ("sex", "sector")
TRAINING_FIELDS = {"sex": "participant__sex", "sector": "participant__sector"}
# An enrolment that took its seat: confirmed, and whatever came of it at the session.
ENROLLED_STATUSES = ("confirmed", "attended", "completed", "no_show")


def _stage(*stages: str) -> Callable[[Any], QuerySet]:
    def queryset(country) -> QuerySet:
        return _processes(country).filter(stage__in=stages)

    return queryset


def _submitted(country) -> QuerySet:
    return _processes(country).filter(submitted_at__isnull=False)


def _closed_cases(country) -> QuerySet:
    return _cases(country).filter(closed_at__isnull=False)


def _enrolled(country) -> QuerySet:
    return _enrolments(country).filter(status__in=ENROLLED_STATUSES)


def _completed(country) -> QuerySet:
    return _enrolments(country).filter(status="completed")


def _held(country) -> QuerySet:
    return _sessions(country).filter(finalised_at__isnull=False, cancelled_at__isnull=True)


def _status_lookups(country) -> QuerySet:
    from statuscheck.models import Lookup, LookupOutcome

    return Lookup.objects.filter(country=country, outcome=LookupOutcome.SHOWN)


def _process_source(queryset, date_field: str, **extra) -> Source:
    return Source(
        queryset,
        date_field,
        window_field="case__window_id",
        fields={**PROCESS_PERSON_FIELDS, "pathway": "pathway_id"},
        **extra,
    )


# "People assisted": a registered person is assisted on a day when a case of theirs is opened, a process
# of theirs starts, is submitted or decided, or they are referred to a partner.
PEOPLE_ASSISTED_SOURCES = (
    Source(_cases, "opened_at", True, fields=PERSON_FIELDS, subject_field="person_id"),
    Source(_processes, "started_at", window_field="case__window_id", fields=PROCESS_PERSON_FIELDS,
           subject_field="case__person_id"),
    Source(_submitted, "submitted_at", window_field="case__window_id", fields=PROCESS_PERSON_FIELDS,
           subject_field="case__person_id"),
    Source(lambda c: _processes(c).filter(decided_at__isnull=False), "decided_at", window_field="case__window_id",
           fields=PROCESS_PERSON_FIELDS, subject_field="case__person_id"),
    Source(_referrals, "sent_at", True, window_field="case__window_id", fields=PROCESS_PERSON_FIELDS,
           subject_field="case__person_id"),
)  # fmt: skip

DECIDED_STAGES = ("approved", "denied")

INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in [
        Indicator(
            "consultations",
            _("Consultations"),
            _("Consultations logged at the windows on days in the period, by the date of the consultation. "
              "Consultations are anonymous: a person who came twice counts twice."),
            COUNT,
            "windows",
            ("sex", "age_group", "nationality", "window"),
            (Source(_consultations, "date", fields={"sex": "sex", "age_group": "age_group",
                                                    "nationality": "nationality"}),),
        ),
        Indicator(
            "people_assisted",
            _("People assisted"),
            _("Registered people with a case opened, a regularization process started, submitted or decided, "
              "or a referral sent in the period; each person counts once however often they were helped."),
            UNIQUE,
            "windows",
            PERSON_DIMENSIONS,
            PEOPLE_ASSISTED_SOURCES,
        ),
        Indicator(
            "cases_opened",
            _("Cases opened"),
            _("Cases opened at the windows in the period (date of opening in the country's time zone)."),
            COUNT,
            "cases",
            PERSON_DIMENSIONS,
            (Source(_cases, "opened_at", True, fields=PERSON_FIELDS),),
        ),
        Indicator(
            "cases_closed",
            _("Cases closed"),
            _("Cases closed in the period and still closed today; a reopened case is no longer counted."),
            COUNT,
            "cases",
            PERSON_DIMENSIONS,
            (Source(_closed_cases, "closed_at", True, fields=PERSON_FIELDS),),
        ),
        Indicator(
            "processes_started",
            _("Regularization processes started"),
            _("Regularization processes started in the period, by their start date."),
            COUNT,
            "regularization",
            (*PERSON_DIMENSIONS, "pathway"),
            (_process_source(_processes, "started_at"),),
        ),
        Indicator(
            "processes_submitted",
            _("Applications submitted"),
            _("Regularization processes whose application was submitted to the authority in the period."),
            COUNT,
            "regularization",
            (*PERSON_DIMENSIONS, "pathway"),
            (_process_source(_submitted, "submitted_at"),),
        ),
        Indicator(
            "regularized",
            _("People regularized"),
            _("People whose regularization process the authority approved in the period, by the date of the "
              "decision; each person counts once, and a person handed over between countries once in the "
              "region."),
            UNIQUE,
            "regularization",
            (*PERSON_DIMENSIONS, "pathway"),
            (_process_source(_stage("approved"), "decided_at", subject_field="case__person_id"),),
        ),
        Indicator(
            "processes_denied",
            _("Applications denied"),
            _("Regularization processes denied in the period and not under appeal today."),
            COUNT,
            "regularization",
            (*PERSON_DIMENSIONS, "pathway"),
            (_process_source(_stage("denied"), "decided_at"),),
        ),
        Indicator(
            "processing_median",
            _("Median processing time (days)"),
            _("Half of the applications decided (approved or denied) in the period took at most this many days "
              "from submission to decision. Shown only when at least ten decisions back it."),
            PROCESSING,
            "regularization",
            ("window", "pathway"),
            statistic="median",
        ),
        Indicator(
            "processing_p90",
            _("Processing time, 90th percentile (days)"),
            _("Nine in ten applications decided in the period took at most this many days from submission to "
              "decision. Shown only when at least ten decisions back it."),
            PROCESSING,
            "regularization",
            ("window", "pathway"),
            statistic="p90",
        ),
        Indicator(
            "referrals",
            _("Referrals to partners"),
            _("Referrals sent to partner organisations in the period, by their status today."),
            COUNT,
            "cases",
            ("status", "service", "window"),
            (Source(_referrals, "sent_at", True, window_field="case__window_id",
                    fields={"status": "status", "service": "service"}),),
        ),
        Indicator(
            "people_referred",
            _("People referred to partners"),
            _("Registered people with a referral sent to a partner organisation in the period; each person "
              "counts once. Set against the people assisted, it is the referral rate."),
            UNIQUE,
            "cases",
            PERSON_DIMENSIONS,
            (Source(_referrals, "sent_at", True, window_field="case__window_id", fields=PROCESS_PERSON_FIELDS,
                    subject_field="case__person_id"),),
        ),
        Indicator(
            "referrals_answered",
            _("Referrals answered by partners"),
            _("Referrals a partner answered (accepted, declined or service given) in the period, by the day of "
              "its first answer."),
            COUNT,
            "cases",
            ("status", "service", "window"),
            (Source(_answered_referrals, "answered_at", True, window_field="case__window_id",
                    fields={"status": "status", "service": "service"}),),
        ),
        Indicator(
            "referrals_answered_in_a_week",
            _("Referrals answered within 7 days"),
            _("Referrals answered in the period whose partner answered within 7 days of the referral: set "
              "against all the referrals answered, it tells how fast partners answer."),
            COUNT,
            "cases",
            ("status", "service", "window"),
            (Source(_answered_in_a_week, "answered_at", True, window_field="case__window_id",
                    fields={"status": "status", "service": "service"}),),
        ),
        Indicator(
            "referral_rate",
            _("Referrals per case"),
            _("Referrals sent to partners in the period divided by the cases opened in the period. Both figures "
              "are the published ones (rounded to a multiple of 5), so the ratio tells nothing they do not; it is "
              "not shown when no case was opened."),
            RATIO,
            "cases",
            parts=("referrals", "cases_opened"),
        ),
        Indicator(
            "referral_answer_median",
            _("Median time to answer a referral (days)"),
            _("Half of the referrals partners answered in the period were answered within this many days of "
              "being sent. Shown only when at least five answered referrals back it."),
            TIME,
            "cases",
            statistic="median",
            histogram=REFERRAL_ANSWER_DAYS,
            min_sample=MIN_REFERRAL_SAMPLE,
        ),
        Indicator(
            "status_lookups",
            _("Status checks answered"),
            _("Times in the period a person saw the state of their own process with their reference and PIN, "
              "on the web or by SMS or WhatsApp: questions the windows did not have to answer. Failed tries "
              "are not counted."),
            COUNT,
            "windows",
            ("channel", "window"),
            (Source(_status_lookups, "at", True, window_field="access__process__case__window_id",
                    fields={"channel": "channel"}),),
        ),
        Indicator(
            "handovers_sent",
            _("Handovers sent to another country"),
            _("Files a window handed over to a window of another country in the period, by the day they were "
              "sent, whatever the answer."),
            COUNT,
            "cases",
            ("window",),
            (Source(handovers.sent, "sent_at", True, window_field="from_window_id"),),
        ),
        Indicator(
            "handovers_received",
            _("Handovers received from another country"),
            _("Files from a window of another country that a window accepted in the period, by the day of the "
              "acceptance. The person is counted once among the region's people assisted."),
            COUNT,
            "cases",
            ("window",),
            (Source(handovers.received, "accepted_at", True, window_field="to_window_id"),),
        ),
        Indicator(
            "enrolled",
            _("Training enrolments"),
            _("Seats taken in training sessions starting in the period (confirmed, then attended, completed "
              "or absent)."),
            COUNT,
            "training",
            TRAINING_DIMENSIONS,
            (Source(_enrolled, "session__starts_on", window_field=None, fields=TRAINING_FIELDS),),
        ),
        Indicator(
            "trained",
            _("People trained"),
            _("People who completed a training session ending in the period; a person who completed two "
              "courses counts once."),
            UNIQUE,
            "training",
            TRAINING_DIMENSIONS,
            (Source(_completed, "session__ends_on", window_field=None, fields=TRAINING_FIELDS,
                    subject_field="participant_id"),),
        ),
        Indicator(
            "sessions_held",
            _("Training sessions held"),
            _("Training sessions that ended in the period and whose results were closed."),
            COUNT,
            "training",
            (),
            (Source(_held, "ends_on", window_field=None),),
        ),
        Indicator(
            "beneficiaries",
            _("Beneficiaries reached"),
            _("Consultations plus people assisted plus people trained in the period. Anonymous consultations "
              "cannot be matched to people, so someone who came in more than one way may count more than once."),
            DERIVED,
            "programme",
            parts=("consultations", "people_assisted", "trained"),
        ),
    ]
}  # fmt: skip

GROUPS: dict[str, Promise] = {
    "programme": _("Programme"),
    "windows": _("Windows"),
    "cases": _("Cases and referrals"),
    "regularization": _("Regularization"),
    "training": _("Training"),
}

# The headline figures of a dashboard, in order.
HEADLINE = ("beneficiaries", "consultations", "people_assisted", "regularized", "trained")
# The indicators a time-series chart is drawn for.
SERIES = ("consultations", "cases_opened", "regularized", "trained")


def get(code: str) -> Indicator:
    return INDICATORS[code]


def counted() -> list[Indicator]:
    """The indicators the roll-ups store (the others are computed from them)."""
    return [i for i in INDICATORS.values() if i.kind in (COUNT, UNIQUE)]


def with_dimension(dimension: str) -> list[Indicator]:
    return [i for i in INDICATORS.values() if dimension in i.dimensions]


def decided_processes(country) -> QuerySet:
    """Processes decided (approved or denied) with both dates known: the processing-time population."""
    return _processes(country).filter(Q(stage__in=DECIDED_STAGES), submitted_at__isnull=False, decided_at__isnull=False)


def answered_referrals(country) -> QuerySet:
    """Referrals a partner answered: the population of the referral answer time."""
    return _answered_referrals(country)
