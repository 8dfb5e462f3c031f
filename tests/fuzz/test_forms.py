"""Every form of every app, posted with generated bad input as each persona that may use it.

Hypothesis draws, for each field of the form the page shows, either a plausible value or a hostile one:
text with control characters (NUL among them), very long strings (up to past the csv module's 131,072
limit), dates from year 1 to 9999, numbers far beyond any column, wrong choices and record numbers like
"²". Each request must answer without a server error (the test client re-raises any exception), and a
refused form must leave every table as it was (nothing half-saved). ``FUZZ_EXAMPLES`` sets the cases per
form (default 20); the number generated per form is printed at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import GENERATED

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure in CI is a failure on a laptop
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

CONTROL = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127, *range(0x80, 0xA0)])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CONTROL, min_size=1, max_size=5).map(lambda s: f"Ana{s}Pérez"),
    st.sampled_from([
        "\x00", "²", "٣", "99999999999999999999", "-1", "0", "1e309", "NaN", "=HYPERLINK(\"http://x\")",
        "<script>alert(1)</script>", "' OR 1=1 --", "\ufffd", "🙂" * 50, " ", "",
    ]),
    st.integers(min_value=1, max_value=5).map(lambda n: "x" * (10 ** n + 1)),
    st.just("y" * 131_073),
)  # fmt: skip
HOSTILE_DATES = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "31/12/9999", "0000-00-00"]),
)
HOSTILE_DATETIMES = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M")
    ),
    st.sampled_from(["9999-12-31T23:59", "0001-01-01T00:00", "2026-13-01T25:61"]),
)
HOSTILE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["²", "1e400", "", "-0"]),
)


def _choices(field) -> list[str]:
    values = []
    for value, label in getattr(field, "choices", []):
        if isinstance(label, (list, tuple)):
            values += [str(v) for v, _l in label]
        else:
            values.append(str(getattr(value, "value", value)))
    return values


def strategy_for(field: forms.Field, initial) -> st.SearchStrategy:
    """A plausible value (the initial one, a valid choice) or a hostile one for this kind of field."""
    plausible = [st.just("" if initial is None else str(initial))]
    if isinstance(field, forms.FileField):
        rows = st.lists(st.tuples(HOSTILE_TEXT, HOSTILE_TEXT), max_size=3)
        return rows.map(
            lambda lines: SimpleUploadedFile(
                "lista.csv",
                (
                    "name,email,sector,sex,country\n" + "".join(f"{a},{b},government,female,CR\n" for a, b in lines)
                ).encode("utf-8", "surrogatepass"),
                content_type="text/csv",
            )
        )
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "off", "\x00"])
    if isinstance(field, (forms.ModelMultipleChoiceField, forms.MultipleChoiceField)):
        good = _choices(field)[:6]
        return st.lists(st.one_of(st.sampled_from(good or ["1"]), HOSTILE_TEXT), max_size=3)
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        good = [c for c in _choices(field)[:6] if c]
        if good:
            plausible.append(st.sampled_from(good))
        return st.one_of(*plausible, HOSTILE_TEXT, HOSTILE_NUMBERS)
    if isinstance(field, forms.DateTimeField):
        return st.one_of(*plausible, HOSTILE_DATETIMES, HOSTILE_TEXT)
    if isinstance(field, forms.DateField):
        return st.one_of(*plausible, HOSTILE_DATES, HOSTILE_TEXT)
    if isinstance(field, forms.TimeField):
        return st.one_of(st.just("09:00"), st.sampled_from(["25:00", "00:00", "23:59:59.999999"]), HOSTILE_TEXT)
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return st.one_of(*plausible, HOSTILE_NUMBERS)
    if isinstance(field, forms.UUIDField):
        return st.one_of(st.just(str(uuid.uuid4())), HOSTILE_TEXT)
    return st.one_of(*plausible, HOSTILE_TEXT)


def _counts() -> dict[str, int]:
    """Rows per table of the portal's own apps (the forms' limit counter apart, which counts on purpose)."""
    labels = ("ventanillas", "cases", "training", "hub", "notifications", "dashboards", "statuscheck")
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in labels and not m._meta.proxy and m._meta.label not in AUDIT_TABLES
    }


# Rows written by design on every attempt, refused or not: they are the audit, not a half-saved record.
AUDIT_TABLES = {"cases.AuditEntry", "statuscheck.Lookup"}


# (URL name, URL arguments from the world, personas that may use it, method)
def _targets():
    w = lambda key: lambda world: [world[key].pk]  # noqa: E731
    none = lambda world: []  # noqa: E731
    cr = lambda world: [world["cr"].code.lower()]  # noqa: E731
    return [
        ("cases:consultation-create", none, ["staff"], "post"),
        ("cases:person-search", none, ["staff"], "post"),
        ("cases:person-create", none, ["staff"], "post"),
        ("cases:person-edit", w("person"), ["staff"], "post"),
        ("cases:person-consent", w("person"), ["staff"], "post"),
        ("cases:household-add", w("person"), ["staff"], "post"),
        ("cases:person-merge", w("person"), ["staff"], "post"),
        ("cases:case-create", lambda world: [world["person"].pk], ["staff"], "post"),
        ("cases:case-edit", w("case"), ["staff"], "post"),
        ("cases:case-close", w("case"), ["staff"], "post"),
        ("cases:process-start", w("case"), ["staff"], "post"),
        ("cases:process-move", w("process"), ["staff"], "post"),
        ("cases:process-permit", w("process"), ["staff"], "post"),
        ("cases:appointment-create", w("process"), ["staff"], "post"),
        ("cases:appointment-edit", w("appointment"), ["staff"], "post"),
        ("cases:followup-create", w("case"), ["staff"], "post"),
        ("cases:referral-create", w("case"), ["staff"], "post"),
        ("cases:referral-update", w("referral"), ["staff"], "post"),
        ("cases:case-list", none, ["staff", "officer"], "get"),
        ("cases:consultation-list", none, ["staff", "officer"], "get"),
        ("training:staff-course-new", none, ["trainer"], "post"),
        ("training:staff-session-new", none, ["trainer"], "post"),
        ("training:staff-session-edit", w("session"), ["trainer"], "post"),
        ("training:staff-session-cancel", w("session"), ["trainer"], "post"),
        ("training:staff-import", w("session"), ["trainer"], "post"),
        ("training:staff-people-trained", none, ["trainer"], "get"),
        ("training:session", w("session"), ["anonymous"], "post"),
        ("training:catalogue", none, ["anonymous"], "get"),
        ("training:verify", none, ["anonymous"], "get"),
        ("hub:search", cr, ["anonymous"], "get"),
        ("hub:editor-new", cr, ["editor"], "post"),
        ("hub:editor-edit", lambda world: ["cr", "guides", "residencia", "fr"], ["editor"], "post"),
        ("dashboards:country", cr, ["officer", "staff"], "get"),
        ("dashboards:region", none, ["regional"], "get"),
        ("notifications:report-list", none, ["officer", "regional"], "post"),
        ("statuscheck:check", none, ["anonymous"], "post"),
    ]


# Forms whose view answers POST only: their fields, fuzzed as text, dates and numbers.
POSTED_ELSEWHERE = {
    "cases:person-consent": ["kinds", "notice_language"],
    "cases:person-merge": ["duplicate"],
    "cases:case-close": ["reason", "on"],
    "cases:process-move": ["to", "on", "note"],
    "cases:process-start": ["pathway", "on"],
    "cases:referral-update": ["status", "feedback"],
    "training:staff-session-cancel": ["reason"],
}

TARGETS = [(name, args, persona, method) for name, args, personas, method in _targets() for persona in personas]


@pytest.mark.parametrize(("name", "args", "persona", "method"), TARGETS, ids=[f"{t[0]}-{t[2]}" for t in TARGETS])
def test_no_input_breaks_a_form(fuzz_world, persona_client, name, args, persona, method):
    client = persona_client(persona)
    url = reverse(name, args=args(fuzz_world))
    page = client.get(url)
    if page.status_code == 405:  # a form posted from another page (the person's or the case's)
        fields = {n: st.one_of(HOSTILE_TEXT, HOSTILE_DATES, HOSTILE_NUMBERS) for n in POSTED_ELSEWHERE[name]}
    else:
        assert page.status_code == 200, (url, page.status_code)
        form = page.context.get("form") if page.context else None
        if form is None:
            form = page.context.get("filter").form if page.context.get("filter") else None
        assert form is not None, f"{url} shows no form"
        fields = {form.add_prefix(n): strategy_for(f, form.initial.get(n, f.initial)) for n, f in form.fields.items()}
        if method == "post" and "form_token" in form.fields:
            fields["form_token"] = st.just(str(form.initial.get("form_token") or uuid.uuid4()))

    @FUZZ
    @given(data=st.fixed_dictionaries(fields))
    def run(data):
        GENERATED[f"{name} ({persona})"] += 1
        if method == "get":
            response = client.get(url, {k: v for k, v in data.items() if not hasattr(v, "read")})
            assert response.status_code < 500
            return
        before = _counts()
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)
        response = client.post(url, data)
        assert response.status_code < 500
        if response.status_code != 302:  # refused: nothing of it may be left in the database
            assert _counts() == before

    run()
