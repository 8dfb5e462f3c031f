"""The programme's figures in DHIS2: periods in DHIS2's format, only published figures in the data value set,
a dry run before each import, and DHIS2's import summary kept and shown to administrators."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from cases.models import AuditEntry
from dashboards import published
from interop import dhis2, services, tasks
from interop.models import DataElementMapping, Dhis2Import, OrgUnit

from .conftest import CASES, CONSULTATIONS, CR_UNIT, FEMALE, MEDIAN, PA_UNIT, PEOPLE, VENEZUELAN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

MARCH = dhis2.parse_period("202503")


def test_periods_are_named_as_dhis2_names_them():
    assert dhis2.parse_period("202603").start == date(2026, 3, 1) and dhis2.parse_period("202603").kind == "month"
    quarter = dhis2.parse_period("2026Q2")
    assert (quarter.start, quarter.end) == (date(2026, 4, 1), date(2026, 7, 1))
    year = dhis2.parse_period("2026")
    assert (year.start, year.end) == (date(2026, 1, 1), date(2027, 1, 1))
    assert [dhis2.period_code(p) for p in (MARCH, quarter, year)] == ["202503", "2026Q2", "2026"]
    assert [dhis2.adx_period(p) for p in (MARCH, quarter, year)] == ["2025-03-01/P1M", "2026-04-01/P3M",
                                                                      "2026-01-01/P1Y"]  # fmt: skip


@pytest.mark.parametrize("code", ["2026-03", "202613", "2026Q5", "26", "1999", "9999", "2026W10", ""])
def test_a_period_dhis2_does_not_name_is_refused_in_words(code):
    with pytest.raises(ValueError, match="202603") as refused:
        dhis2.parse_period(code)
    with translation.override("es"), pytest.raises(ValueError, match="trimestre"):
        dhis2.parse_period(code)
    assert "2026Q1" in str(refused.value)


def test_the_data_value_set_holds_the_published_figures_and_nothing_hidden(mapping, cr, pa):
    body = dhis2.data_value_set(MARCH, dhis2.values(MARCH))
    sent = {(v["orgUnit"], v["dataElement"], v.get("categoryOptionCombo", "")): v for v in body["dataValues"]}
    assert body["period"] == "202503" and all(v["period"] == "202503" for v in body["dataValues"])
    # Seven consultations in Costa Rica in March: DHIS2 gets the dashboard's rounded figure, never 7.
    shown = published.totals(["consultations", "cases_opened"], [cr.pk], MARCH.start, MARCH.end)
    assert sent[(CR_UNIT, CONSULTATIONS, "")]["value"] == str(shown["consultations"]) != "7"
    assert sent[(CR_UNIT, CASES, "")]["value"] == str(shown["cases_opened"]) != "7"
    # Four women: below 5, published as 0; four Venezuelan women assisted: 0 too.
    assert sent[(CR_UNIT, CONSULTATIONS, FEMALE)]["value"] == "0"
    assert sent[(CR_UNIT, PEOPLE, VENEZUELAN)]["value"] == "0"
    assert sent[(PA_UNIT, CONSULTATIONS, "")]["value"] == "0"  # three in Panama
    # No application was decided in March: the median is hidden on the dashboard and absent here.
    assert not any(v["dataElement"] == MEDIAN for v in body["dataValues"])
    assert len(body["dataValues"]) == 10  # 5 figures × 2 countries, the hidden median left out
    # A mapping the indicators no longer back (saved before a breakdown was dropped) sends nothing.
    DataElementMapping.objects.create(indicator="consultations", dimension="pathway", value="1",
                                      data_element="DEstale0001")  # fmt: skip
    assert len(dhis2.values(MARCH)) == 10
    assert "dataSet" not in body  # DHIS2_DATA_SET unset: DHIS2 finds the data set of each data element


def test_a_push_runs_a_dry_run_then_the_import_and_keeps_both_summaries(mapping, server, admin_user):
    kept = services.push("202503", user=admin_user)
    assert server.problems == []
    assert [r["query"]["dryRun"] for r in server.requests] == ["true", "false"]
    assert server.requests[0]["body"] == server.requests[1]["body"]
    assert server.requests[0]["body"]["dataSet"] == "DSventana01"
    dry, real = kept
    assert (dry.dry_run, dry.status, dry.imported, dry.values_sent) == (True, "SUCCESS", 10, 10)
    assert (real.dry_run, real.status, real.imported, real.updated) == (False, "SUCCESS", 10, 0)
    assert len(server.stored) == 10 and real.started_by == admin_user
    # Sent again, DHIS2 updates the same cells: nothing is counted twice.
    again = services.push("202503")[-1]
    assert (again.imported, again.updated) == (0, 10) and len(server.stored) == 10
    audited = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_type="interop.dhis2")
    assert audited.count() == 4
    assert audited.filter(user=admin_user).order_by("pk").first().details == {
        "period": "202503",
        "values": 10,
        "dry_run": True,
    }


def test_a_dry_run_with_conflicts_stops_before_anything_is_imported(mapping, server, admin_user):
    DataElementMapping.objects.create(indicator="trained", data_element="DEunknown01")
    kept = services.push("202503")
    assert len(server.requests) == 1 and server.requests[0]["query"]["dryRun"] == "true" and server.stored == {}
    (dry,) = kept
    assert dry.status == Dhis2Import.Status.WARNING and dry.ignored == 2
    assert {c["object"] for c in dry.conflicts} == {"DEunknown01"}
    with pytest.raises(CommandError, match="dry run was not clean"):
        call_command("dhis2", "202503", "--push", stdout=io.StringIO())
    assert server.stored == {}

    from tests.conftest import _client_for

    client = _client_for(admin_user)
    listing = client.get("/admin/interop/dhis2import/").content.decode()
    assert "Aviso: algunos valores rechazados" in listing  # the administrators' language
    page = client.get(f"/admin/interop/dhis2import/{dry.pk}/change/").content.decode()
    assert "DEunknown01" in page and "Data element not found or not accessible" in page
    assert client.post(f"/admin/interop/dhis2import/{dry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Dhis2Import.objects.filter(pk=dry.pk).exists()  # what left for DHIS2 stays on record


def test_a_refused_token_or_a_server_that_does_not_answer_is_kept_and_imports_nothing(mapping, server, settings):
    server.refuse_with = 401
    (refused,) = services.push("202503")
    assert refused.status == Dhis2Import.Status.ERROR and "Unauthorized" in refused.description
    settings.DHIS2_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    (silent,) = services.push("202503")
    assert silent.status == Dhis2Import.Status.UNREACHABLE and server.stored == {}
    assert settings.DHIS2_TOKEN not in str(list(Dhis2Import.objects.values()))


def test_an_import_summary_of_dhis2_before_2_38_is_read_too():
    bare = {"responseType": "ImportSummary", "status": "SUCCESS", "importCount": {"imported": 3}}
    assert services.import_summary(bare) is bare
    assert services.import_summary({"httpStatus": "OK", "response": bare}) is bare


def test_without_a_server_nothing_is_sent(mapping, settings):
    settings.DHIS2_URL = ""
    assert tasks.push_dhis2() == {"skipped": "DHIS2 is not configured"}
    with pytest.raises(CommandError, match="not configured"):
        call_command("dhis2", "202503", "--push", stdout=io.StringIO())
    assert not Dhis2Import.objects.exists()


def test_the_schedule_sends_the_periods_that_just_ended(mapping, server, time_machine):
    assert services.due_periods(date(2026, 3, 2)) == ["202602"]
    assert services.due_periods(date(2026, 4, 2)) == ["202603", "2026Q1"]
    assert services.due_periods(date(2026, 1, 2)) == ["202512", "2025Q4", "2025"]
    time_machine.move_to("2025-04-02 07:00Z")
    assert tasks.push_dhis2() == {"202503": "SUCCESS / SUCCESS", "2025Q1": "SUCCESS / SUCCESS"}
    assert {r["body"]["period"] for r in server.requests} == {"202503", "2025Q1"}
    assert server.problems == []  # quarters named 2025Q1, as DHIS2 names them


def test_the_command_prints_the_data_value_set(mapping, settings):
    out = io.StringIO()
    call_command("dhis2", "202503", stdout=out)
    assert '"period": "202503"' in out.getvalue() and CR_UNIT in out.getvalue()
    with pytest.raises(CommandError, match="2026Q1"):
        call_command("dhis2", "2025-03", stdout=io.StringIO())


def test_the_mapping_refuses_what_the_dashboards_do_not_publish(cr):
    def check(**fields):
        with pytest.raises(ValidationError) as refused:
            DataElementMapping(data_element="DEconsult01", **fields).full_clean()
        return refused.value.message_dict

    assert "dimension" in check(indicator="consultations", dimension="pathway", value="1")
    assert "value" in check(indicator="consultations", dimension="sex", value="")
    assert "value" in check(indicator="consultations", dimension="sex", value="femenino")
    assert "value" in check(indicator="consultations", dimension="", value="female")
    with pytest.raises(ValidationError) as refused:
        DataElementMapping(indicator="consultations", data_element="de-1").full_clean()
    assert "11 letras y cifras" in str(refused.value)  # in the language of the page
    with pytest.raises(ValidationError):
        OrgUnit(country=cr, org_unit="1234567890A").full_clean()
    DataElementMapping(indicator="consultations", dimension="sex", value="female", data_element="DEconsult01",
                       category_option_combo="COCfemale01").full_clean()  # fmt: skip


def test_an_administrator_sends_a_period_from_the_admin(mapping, server, admin_user):
    from tests.conftest import _client_for

    client = _client_for(admin_user)
    listing = client.get("/admin/interop/dhis2import/").content.decode()
    assert "/admin/interop/dhis2import/send/" in listing
    typed = client.post("/admin/interop/dhis2import/send/", {"period": "2025-03"})
    assert typed.status_code == 200 and server.requests == []
    page = typed.content.decode()
    assert "no es un periodo de DHIS2" in page and 'value="2025-03"' in page  # what was typed is kept
    sent = client.post(
        "/admin/interop/dhis2import/send/",
        {"period": "202503", "payload_format": "json", "dry_run_only": "on"},
        follow=True,
    )
    assert "202503" in sent.content.decode()
    assert [r["query"]["dryRun"] for r in server.requests] == ["true"] and server.stored == {}
    (summary,) = Dhis2Import.objects.all()
    assert summary.dry_run and summary.started_by == admin_user and summary.status == "SUCCESS"


def test_the_admin_says_when_dhis2_is_not_configured(mapping, admin_user, settings):
    from tests.conftest import _client_for

    settings.DHIS2_URL = ""
    client = _client_for(admin_user)
    assert "DHIS2 no está configurado" in client.get("/admin/interop/dhis2import/send/").content.decode()
    page = client.post(
        "/admin/interop/dhis2import/send/", {"period": "202503", "payload_format": "json"}, follow=True
    ).content.decode()
    assert "DHIS2 no está configurado" in page and not Dhis2Import.objects.exists()


def test_the_demo_mapping_is_valid_and_loads_once(cr, pa):
    from interop import demo

    demo.load()
    demo.load()
    assert OrgUnit.objects.count() == 2 and DataElementMapping.objects.count() == 6
    for mapping in DataElementMapping.objects.all():
        mapping.full_clean()


def test_a_push_in_adx_sends_the_same_values_with_the_adx_content_type(mapping, server, admin_user):
    kept = services.push("202503", user=admin_user, fmt="adx")
    assert server.problems == []  # valid ADX, UIDs read as UIDs, every value's shape as for JSON
    assert [(r["query"]["dryRun"], r["content_type"]) for r in server.requests] == [
        ("true", "application/adx+xml"), ("false", "application/adx+xml"),
    ]  # fmt: skip
    assert all(r["query"]["idScheme"] == "UID" for r in server.requests)
    json_body = dhis2.data_value_set(MARCH, dhis2.values(MARCH))

    def cells(values):
        return sorted((v["orgUnit"], v["dataElement"], v.get("categoryOptionCombo", ""), v["period"], v["value"])
                      for v in values)  # fmt: skip

    assert cells(server.requests[1]["body"]["dataValues"]) == cells(json_body["dataValues"])
    assert {v["dataSet"] for v in server.requests[1]["body"]["dataValues"]} == {"DSventana01"}
    assert [(s.payload_format, s.dry_run, s.status, s.imported) for s in kept] == [
        ("adx", True, "SUCCESS", 10), ("adx", False, "SUCCESS", 10),
    ]  # fmt: skip
    assert len(server.stored) == 10
    audited = AuditEntry.objects.filter(object_type="interop.dhis2").order_by("pk").first()
    assert audited.details == {"period": "202503", "values": 10, "dry_run": True, "format": "adx"}
    # JSON afterwards updates the very cells ADX filled: the same identifiers either way.
    assert (services.push("202503")[-1].updated, len(server.stored)) == (10, 10)


def test_the_command_and_the_schedule_push_adx_when_asked(mapping, server, settings, time_machine):
    out = io.StringIO()
    call_command("dhis2", "202503", "--push", "--format", "adx", stdout=out)
    assert "import (adx): SUCCESS" in out.getvalue()
    assert {r["content_type"] for r in server.requests} == {"application/adx+xml"}
    settings.DHIS2_FORMAT = "adx"
    time_machine.move_to("2025-04-02 07:00Z")
    assert tasks.push_dhis2() == {"202503": "SUCCESS / SUCCESS", "2025Q1": "SUCCESS / SUCCESS"}
    assert len(server.requests) == 6 and server.problems == []
    assert Dhis2Import.objects.filter(payload_format="adx").count() == 6


def test_adx_without_the_data_set_is_not_sent(mapping, server, settings):
    settings.DHIS2_DATA_SET = ""
    with pytest.raises(services.NotConfigured, match="DHIS2_DATA_SET"):
        services.push("202503", fmt="adx")
    with pytest.raises(CommandError, match="DHIS2_DATA_SET"):
        call_command("dhis2", "202503", "--push", "--format", "adx", stdout=io.StringIO())
    assert server.requests == [] and not Dhis2Import.objects.exists()


def test_an_administrator_sends_a_period_in_adx_from_the_admin(mapping, server, admin_user):
    from tests.conftest import _client_for

    client = _client_for(admin_user)
    assert 'value="adx"' in client.get("/admin/interop/dhis2import/send/").content.decode()
    client.post("/admin/interop/dhis2import/send/", {"period": "202503", "payload_format": "adx"}, follow=True)
    assert [r["content_type"] for r in server.requests] == ["application/adx+xml"] * 2
    assert set(Dhis2Import.objects.values_list("payload_format", flat=True)) == {"adx"}
