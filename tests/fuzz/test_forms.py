"""Every form of every app, posted with generated bad input as each persona that may use it.

Hypothesis draws, for each field of the form the page shows, either a plausible value or a hostile one:
text with control characters (NUL among them), lone surrogates (sent as the bytes a broken client sends),
directional controls in names, full-width formula signs, very long strings (up to past the csv module's
131,072 limit), dates from year 1 to 9999 and just before the floors (1900 for a birth, 2000 for events),
numbers far beyond any column, NaN, sNaN and the infinities, wrong choices, and record numbers written with
digits that are not ASCII ("²", "٣", a valid choice's own number in Arabic-Indic or full-width digits).
Each request must answer without a server error (the test client re-raises any exception), and a refused
form must leave every table as it was (nothing half-saved). ``FUZZ_EXAMPLES`` sets the cases per form
(default 20); the number generated per form is printed at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from urllib.parse import urlencode

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
# The right-to-left override, embeddings and isolates that turn a name around on screen and in a spreadsheet.
DIRECTIONAL = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Lone surrogates: no UTF-8 text holds them, but a broken client sends their bytes (posted with surrogatepass).
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CONTROL, min_size=1, max_size=5).map(lambda s: f"Ana{s}Pérez"),
    st.text(alphabet=DIRECTIONAL, min_size=1, max_size=3).map(lambda s: f"Ana {s}zeréP"),
    st.lists(SURROGATES, min_size=1, max_size=3).map(lambda s: f"Ana{''.join(s)}"),
    st.sampled_from([
        "\x00", "a\x00b", "\ud800", "x\udfffy", "²", "٣", "３", "߃", "𝟑", "99999999999999999999", "-1", "0",
        "1e309", "NaN", "=HYPERLINK(\"http://x\")", "＝1+1", "＋SUM(A1)", "－1", "＠cmd", "\u202eAna",
        "<script>alert(1)</script>", "' OR 1=1 --", "\ufffd", "🙂" * 50, " ", "",
    ]),
    st.integers(min_value=1, max_value=5).map(lambda n: "x" * (10 ** n + 1)),
    st.just("y" * 131_073),
)  # fmt: skip
HOSTILE_DATES = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.sampled_from([
        "0001-01-01", "9999-12-31", "2026-02-30", "31/12/9999", "0000-00-00", "1899-12-31", "1999-12-31",
        "２０２６-０１-０１", "٢٠٢٦-٠١-٠١",
    ]),
)  # fmt: skip
HOSTILE_DATETIMES = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M")
    ),
    st.sampled_from(["9999-12-31T23:59", "0001-01-01T00:00", "2026-13-01T25:61"]),
)
HOSTILE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from([
        "²", "1e400", "", "-0", "NaN", "nan", "sNaN", "-sNaN", "Infinity", "-Infinity", "inf", "٣", "３", "1\x00",
    ]),
)  # fmt: skip
# Digits that are not ASCII, for a number that identifies a record: "3" must not be read from "٣" or "３".
NON_ASCII_DIGITS = ["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "۰۱۲۳۴۵۶۷۸۹", "߀߁߂߃߄߅߆߇߈߉"]


def _in_other_digits(value: str) -> st.SearchStrategy:
    """``value`` (a record's number) written with each set of digits that are not ASCII."""
    return st.sampled_from([value.translate(str.maketrans("0123456789", digits)) for digits in NON_ASCII_DIGITS])


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
        numbers = [c for c in good if c.isascii() and c.isdigit()]
        others = [st.sampled_from(numbers).flatmap(_in_other_digits)] if numbers else []
        return st.one_of(*plausible, *others, HOSTILE_TEXT, HOSTILE_NUMBERS)
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


def _encoded(data: dict) -> str:
    """A form's body or query as a client sends it, a lone surrogate as its three bytes (which Django's test
    client, encoding strictly, cannot send)."""
    return urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")


def _as_received(value):
    """What the server reads of a value posted with a file (multipart): a lone surrogate's bytes are no UTF-8
    and arrive as U+FFFD."""
    if isinstance(value, list):
        return [_as_received(item) for item in value]
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if isinstance(value, str) else value


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
            response = client.get(f"{url}?{_encoded({k: v for k, v in data.items() if not hasattr(v, 'read')})}")
            assert response.status_code < 500
            return
        before = _counts()
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)
        if any(hasattr(value, "read") for value in data.values()):
            response = client.post(url, {k: v if hasattr(v, "read") else _as_received(v) for k, v in data.items()})
        else:
            response = client.post(url, _encoded(data), content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500
        if response.status_code != 302:  # refused: nothing of it may be left in the database
            assert _counts() == before

    run()
