"""Reports: figures through the section registry, suppression, XLSX and PDF, and the staff pages."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from notifications import reports, services
from notifications.models import Message, Report
from notifications.reports import previous_month, previous_quarter, register_section, suppress
from tests.factories import Role, UserFactory, country, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_sections(monkeypatch):
    """Each test starts with no registered section (apps may register theirs at start-up)."""
    monkeypatch.setattr(reports, "_SECTIONS", {})


@pytest.fixture
def calls():
    seen = []

    def consultations(country, start, end):
        seen.append((country.code if country else None, start, end))
        return [("Consultations", 3), ("Cases opened", 12), ("Median days to a decision", 37.5), ("Referrals", 0)]

    register_section("consultations", consultations, title="Consultations and cases")
    return seen


def cells(report: Report) -> list[list]:
    with report.xlsx.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def monthly(code: str = "CR", start: date = date(2026, 10, 1)) -> Report:
    report, _created = services.request_report(
        kind=Report.Kind.MONTHLY, country=country(code), period_start=start, period_end=date(2026, 11, 1)
    )
    return report


@pytest.mark.parametrize(
    ("value", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (37.5, 37.5), (2.0, 2.0), (True, True), ("n/a", "n/a")]
)
def test_counts_from_one_to_four_are_suppressed(value, shown):
    assert suppress(value) == shown


def test_periods_are_the_last_complete_month_and_quarter():
    assert previous_month(date(2026, 1, 1)) == (date(2025, 12, 1), date(2026, 1, 1))
    assert previous_month(date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert previous_quarter(date(2026, 1, 1)) == (date(2025, 10, 1), date(2026, 1, 1))
    assert previous_quarter(date(2026, 5, 20)) == (date(2026, 1, 1), date(2026, 4, 1))


def test_a_report_without_sections_says_so_plainly():
    report = monthly("GD")  # English is Grenada's language
    assert services.build_report(report.pk) == "ready"
    report.refresh_from_db()
    text = " ".join(str(c) for row in cells(report) for c in row)
    assert "No figures are available yet" in text
    assert report.pdf.open("rb").read(5) == b"%PDF-"


def test_the_report_carries_the_registered_figures_suppressed_for_the_country_and_month(calls):
    report = monthly("GD")
    services.build_report(report.pk)
    report.refresh_from_db()
    rows = cells(report)
    assert ["Consultations and cases"] in rows
    assert ["Consultations", "<5"] in rows
    assert ["Cases opened", 12] in rows
    assert ["Median days to a decision", 37.5] in rows
    assert ["Referrals", 0] in rows
    assert calls == [("GD", date(2026, 10, 1), date(2026, 11, 1))]
    assert report.progress == 100 and report.built_at


def test_the_report_is_written_in_the_countrys_language(calls):
    report = monthly("CR")
    services.build_report(report.pk)
    report.refresh_from_db()
    title = cells(report)[0][0]
    assert title.startswith("Informe mensual del país")
    assert "Costa Rica" in title


def test_a_failing_section_marks_the_report_incomplete_and_nobody_is_told_it_is_ready(calls, officer_cr):
    def broken(country, start, end):
        raise RuntimeError("boom")

    register_section("broken", broken, title="Training")
    report = monthly("CR")
    assert services.build_report(report.pk) == "incomplete"
    report.refresh_from_db()
    rows = cells(report)
    assert ["Cases opened", 12] in rows
    with translation.override("es"):  # Costa Rica's report is in Spanish
        assert [gettext("These figures could not be computed; ask an administrator.")] in rows
    assert any("Training" in str(row[0]) and "incomplet" in str(row[0]).lower() for row in rows)
    assert not Message.objects.filter(kind="report_ready").exists()


def test_the_first_of_the_month_builds_every_countrys_report_once_and_mails_its_officers(officer_cr, pa):
    ids = services.schedule_monthly_reports(date(2026, 12, 1))
    assert len(ids) == 2  # Costa Rica and Panama exist in this test
    assert services.schedule_monthly_reports(date(2026, 12, 1)) == []
    for report_id in ids:
        services.build_report(report_id)
        services.build_report(report_id)  # a second run changes nothing and mails nobody again
    services.dispatch_due()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [officer_cr.email]
    report = Report.objects.get(country__code="CR")
    assert report.period_start == date(2026, 11, 1)
    assert "noviembre de 2026" in email.subject.lower()
    assert f"/staff/notifications/reports/{report.pk}/" in email.body


def test_the_quarterly_regional_report_goes_to_regional_officers():
    regional = UserFactory(username="regional")
    member(regional, Role.REGIONAL_OFFICER)
    (report_id,) = services.schedule_quarterly_report(date(2026, 4, 1))
    services.build_report(report_id)
    services.dispatch_due()
    report = Report.objects.get()
    assert report.country is None and report.period_start == date(2026, 1, 1) and report.period_end == date(2026, 4, 1)
    assert [m.to for m in mail.outbox] == [[regional.email]]


# -- the staff pages -----------------------------------------------------------------------------------------


def built(code: str = "CR") -> Report:
    report = monthly(code)
    services.build_report(report.pk)
    report.refresh_from_db()
    return report


def test_officers_see_their_countrys_reports_only(officer_cr_client, pa):
    mine, other = built("CR"), built("PA")
    page = officer_cr_client.get(reverse("notifications:report-list"))
    assert page.status_code == 200
    assert mine.get_absolute_url().encode() in page.content
    assert other.get_absolute_url().encode() not in page.content


def test_another_countrys_report_is_a_404(staff_pa_client, cr):
    report = built("CR")
    assert staff_pa_client.get(report.get_absolute_url()).status_code == 404
    assert staff_pa_client.get(reverse("notifications:report-xlsx", args=[report.pk])).status_code == 404


def test_a_user_without_figures_to_see_gets_a_403(client):
    trainer = UserFactory(username="trainer-x")
    member(trainer, Role.TRAINER)
    client.force_login(trainer)
    assert client.get(reverse("notifications:report-list")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("notifications:report-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_methods_are_refused(officer_cr_client, cr):
    report = built("CR")
    assert officer_cr_client.put(reverse("notifications:report-list")).status_code == 405
    assert officer_cr_client.post(report.get_absolute_url()).status_code == 405
    assert officer_cr_client.post(reverse("notifications:report-pdf", args=[report.pk])).status_code == 405


def test_a_ready_report_offers_both_downloads(officer_cr_client):
    report = built("CR")
    page = officer_cr_client.get(report.get_absolute_url())
    assert b'http-equiv="refresh"' not in page.content
    xlsx = officer_cr_client.get(reverse("notifications:report-xlsx", args=[report.pk]))
    assert xlsx.status_code == 200
    assert 'filename="report-cr-2026-10.xlsx"' in xlsx["Content-Disposition"]
    pdf = officer_cr_client.get(reverse("notifications:report-pdf", args=[report.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_a_report_being_built_shows_its_progress_and_refreshes(officer_cr_client):
    report = monthly("CR")
    report.progress = 40
    report.save()
    page = officer_cr_client.get(report.get_absolute_url())
    assert b'<meta http-equiv="refresh" content="3">' in page.content
    assert b'value="40"' in page.content
    assert officer_cr_client.get(reverse("notifications:report-xlsx", args=[report.pk])).status_code == 404


def test_building_a_report_on_demand(officer_cr_client, cr, calls, django_capture_on_commit_callbacks, monkeypatch):
    # The build goes to a worker after commit; here the "worker" runs it in-process.
    monkeypatch.setattr("notifications.tasks.build_report.delay", services.build_report)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_cr_client.post(
            reverse("notifications:report-list"), {"kind": "monthly", "country": cr.pk, "month": "2026-02"}
        )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.period_start, report.period_end) == (date(2026, 2, 1), date(2026, 3, 1))
    report.refresh_from_db()
    assert report.status == "ready"
    assert report.requested_by.username == "officer_cr"


def test_bad_input_is_kept_on_the_form(officer_cr_client, cr):
    response = officer_cr_client.post(
        reverse("notifications:report-list"), {"kind": "monthly", "country": "", "month": "2999-01"}
    )
    assert response.status_code == 200
    assert b'value="2999-01"' in response.content
    assert "Elija el país del informe." in response.content.decode()
    assert not Report.objects.exists()


def test_only_regional_officers_may_ask_for_the_regional_report(officer_cr_client, cr):
    page = officer_cr_client.get(reverse("notifications:report-list"))
    assert b'value="quarterly"' not in page.content
    response = officer_cr_client.post(reverse("notifications:report-list"), {"kind": "quarterly", "month": "2026-02"})
    assert response.status_code == 200 and not Report.objects.exists()


def test_the_regional_report_is_hidden_from_country_officers(officer_cr_client):
    (report_id,) = services.schedule_quarterly_report(date(2026, 4, 1))
    assert officer_cr_client.get(reverse("notifications:report-detail", args=[report_id])).status_code == 404


def test_a_report_asked_while_the_broker_is_down_is_built_when_it_comes_back(
    officer_cr_client, cr, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(report_id):
        raise OSError("Connection refused")

    monkeypatch.setattr("notifications.tasks.build_report.delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        officer_cr_client.post(
            reverse("notifications:report-list"), {"kind": "monthly", "country": cr.pk, "month": "2026-02"}
        )
    report = Report.objects.get()
    assert report.status == "building"  # not failed: it waits for the worker
    # The beat's next resume, once the broker is back, builds it (not before two minutes: a build
    # that is merely queued is left alone).
    from notifications.tasks import resume_reports

    assert services.reports_to_resume() == []
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    monkeypatch.setattr("notifications.tasks.build_report.delay", services.build_report)
    assert resume_reports.apply().get() == [report.pk]
    report.refresh_from_db()
    assert report.status == "ready"
    assert resume_reports.apply().get() == []


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12"])
def test_a_report_for_a_month_outside_the_programmes_years_is_refused_with_a_message(officer_cr_client, cr, month):
    response = officer_cr_client.post(
        reverse("notifications:report-list"), {"kind": "monthly", "country": cr.pk, "month": month}
    )
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_an_officer_builds_a_new_version_and_the_old_one_is_kept_with_its_date(
    officer_cr_client, calls, django_capture_on_commit_callbacks, monkeypatch
):
    old = built("CR")
    # The build runs here as a worker would run it, also when CI configures a broker with no worker.
    monkeypatch.setattr("notifications.tasks.build_report.delay", services.build_report)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_cr_client.post(reverse("notifications:report-rebuild", args=[old.pk]))
    new = Report.objects.get(country__code="CR", version=2)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.status == "ready" and old.status == "ready" and old.built_at <= new.built_at
    assert old.xlsx.name != new.xlsx.name  # both files are kept
    page = officer_cr_client.get(new.get_absolute_url()).content.decode()
    assert old.get_absolute_url() in page and "Versión 2" in page and "Versiones de este informe" in page
    # Asking for the same period again gives the latest version, not the stale one.
    assert services.request_report(kind=old.kind, country=old.country, period_start=old.period_start,
                                   period_end=old.period_end) == (new, False)  # fmt: skip
    xlsx = officer_cr_client.get(reverse("notifications:report-xlsx", args=[new.pk]))
    assert 'filename="report-cr-2026-10-v2.xlsx"' in xlsx["Content-Disposition"]


def test_rebuilding_is_a_post_for_readers_of_the_country(officer_cr_client, staff_pa_client, calls):
    report = built("CR")
    assert officer_cr_client.get(reverse("notifications:report-rebuild", args=[report.pk])).status_code == 405
    assert staff_pa_client.post(reverse("notifications:report-rebuild", args=[report.pk])).status_code == 404
    assert Report.objects.count() == 1


def test_a_table_section_and_a_withheld_figure_are_printed_with_a_dash_and_its_legend():
    def table(country, start, end):
        return [("Costa Rica", 10, None), ("Total", 15, 20.5)]

    register_section("table", table, title="Countries", columns=("Country", "Consultations", "Median days"),
                     notes=("Counts are rounded to a multiple of 5.",), regional_only=True)  # fmt: skip
    regional, _created = services.request_report(
        kind=Report.Kind.QUARTERLY, country=None, period_start=date(2026, 7, 1), period_end=date(2026, 10, 1)
    )
    services.build_report(regional.pk)
    regional.refresh_from_db()
    rows = cells(regional)
    assert ["Country", "Consultations", "Median days"] in rows
    assert ["Costa Rica", 10, "—"] in rows and ["Total", 15, 20.5] in rows
    assert ["Counts are rounded to a multiple of 5."] in rows
    country_report = built("GD")
    assert ["Countries"] not in cells(country_report)  # a regional table stays out of the country reports
