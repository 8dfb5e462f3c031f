"""Every page kind of the portal, as paths on the demo data (one example of each kind).

`page_kinds(django)` asks the live server's database once for the ids and slugs the paths need. Paths are
given without the language prefix: ``path(kind, lang)`` adds it.
"""

from __future__ import annotations

import json
from collections import defaultdict

LANGS = ["es", "en", "fr", "nl", "ht"]
# One country per reading language, each among the countries that publish in it (nl: Suriname).
COUNTRY_FOR = {"es": "do", "ht": "do", "en": "cr", "fr": "ht", "nl": "sr"}

_QUERY = r"""
import json
from django.urls import reverse
from django.utils import translation
from cases.models import Case, Consultation, Person
from hub.models import Article, Guide, Revision
from notifications.models import Report
from training.messages import enrolment_token
from training.models import Certificate, Enrolment, Session
from ventanillas.models import InformationWindow as Window

translation.activate("es")
out = {}
for code in ["do", "cr", "ht", "sr"]:
    # Dominican Republic: the guide with a Kreyol translation (the migrant's journey reads it).
    guide = Guide.objects.filter(country__code=code.upper()).filter(title_ht__gt="").order_by("pk").first()
    guide = guide or Guide.objects.filter(country__code=code.upper()).order_by("pk").first()
    article = Article.objects.filter(country__code=code.upper()).order_by("pk").first()
    out["guide_" + code] = guide.slug
    out["article_" + code] = article.slug
case = Case.objects.filter(window__country__code="CR").order_by("pk").first()
out["case"] = case.pk
out["person"] = Person.objects.filter(pk=case.person_id).first().pk
from cases.models import RegularizationProcess
out["process"] = RegularizationProcess.objects.filter(case__window__slug="san-jose").order_by("pk").first().pk
out["window"] = Window.objects.filter(country__code="CR").order_by("pk").first().pk
session = Session.objects.filter(enrolments__isnull=False).order_by("pk").first()
out["session"] = session.pk
out["public_session"] = Session.objects.public().order_by("pk").first().pk
out["attendance_day"] = None
enrolment = Enrolment.objects.order_by("pk").first()
out["enrolment_token"] = enrolment_token(enrolment)
cert = Certificate.objects.order_by("pk").first()
out["certificate"] = cert.code
out["certificate_pk"] = cert.pk
from django.contrib.auth import get_user_model
from hub.services import open_revision
guide = Guide.objects.filter(country__code="HT").filter(title_ht__gt="").order_by("pk").first()
revision = Revision.objects.filter(guide=guide, language="ht").order_by("pk").first()
revision = revision or open_revision(item=guide, language="ht", by=get_user_model().objects.get(username="editor-ht"))
out["revision"] = revision.pk
out["revision_guide"] = guide.slug
report = Report.objects.filter(country__code="CR").order_by("pk").first() if hasattr(Report, "country") else Report.objects.order_by("pk").first()
out["report"] = report.pk if report else None
print(json.dumps(out))
"""


def demo_ids(django) -> dict:
    return json.loads(django(_QUERY).splitlines()[-1])


def public_kinds(ids: dict, lang: str) -> dict[str, str]:
    """Public page kinds in a language: kind -> path (with the language prefix)."""
    c = COUNTRY_FOR[lang]
    paths = {
        "home": "/",
        "country": f"/{c}/",
        "guide": f"/{c}/guides/{ids['guide_' + c]}/",
        "article": f"/{c}/articles/{ids['article_' + c]}/",
        "faq": f"/{c}/faq/",
        "search": f"/{c}/search/",
        "search-results": f"/{c}/search/?q=trabajo",
        "windows": f"/{c}/windows/",
        "training": "/training/",
        "training-session": f"/training/sessions/{ids['public_session']}/",
        "enrolment": f"/training/e/{ids['enrolment_token']}/",
        "enrolment-sent": "/training/enrolment-sent/",
        "certificate-check": "/training/verify/",
        "certificate-valid": f"/training/verify/?code={ids['certificate']}",
        "status-check": "/status/",
        "login": "/accounts/login/",
        "password-reset": "/accounts/password_reset/",
    }
    return {kind: f"/{lang}{path}" for kind, path in paths.items()}


def staff_kinds(ids: dict, lang: str = "es") -> dict[str, tuple[str, str]]:
    """Staff page kinds: kind -> (user, path)."""
    s = ids["session"]
    paths = {
        "staff-home": ("staff-cr", "/staff/"),
        "case-list": ("staff-cr", "/staff/cases/"),
        "case": ("staff-cr", f"/staff/cases/{ids['case']}/"),
        "case-edit": ("staff-cr", f"/staff/cases/{ids['case']}/edit/"),
        "tasks": ("staff-cr", "/staff/cases/tasks/"),
        "consultations": ("staff-cr", "/staff/cases/consultations/"),
        "consultation-new": ("staff-cr", "/staff/cases/consultations/new/"),
        "person-search": ("staff-cr", "/staff/cases/people/search/?q=a"),
        "person-new": ("staff-cr", "/staff/cases/people/new/"),
        "person": ("staff-cr", f"/staff/cases/people/{ids['person']}/"),
        "person-edit": ("staff-cr", f"/staff/cases/people/{ids['person']}/edit/"),
        "audit-log": ("admin", f"/staff/cases/audit/case/{ids['case']}/"),
        "window-edit": ("staff-cr", f"/staff/windows/{ids['window']}/"),
        "status-access": ("staff-cr", f"/staff/status/processes/{ids['process']}/"),
        "dashboards": ("officer-cr", "/staff/dashboards/"),
        "dashboard-country": ("officer-cr", "/staff/dashboards/cr/"),
        "dashboard-region": ("regional", "/staff/dashboards/region/"),
        "reports": ("officer-cr", "/staff/notifications/reports/"),
        "trainer-sessions": ("trainer", "/training/staff/"),
        "trainer-session": ("trainer", f"/training/staff/sessions/{s}/"),
        "trainer-session-edit": ("trainer", f"/training/staff/sessions/{s}/edit/"),
        "trainer-courses": ("trainer", "/training/staff/courses/"),
        "trainer-course-new": ("trainer", "/training/staff/courses/new/"),
        "trainer-import": ("trainer", f"/training/staff/sessions/{s}/import/"),
        "people-trained": ("trainer", "/training/staff/people-trained/"),
        "editor-status": ("editor-ht", "/ht/editor/"),
        "editor-new": ("editor-ht", "/ht/editor/new/"),
    }
    paths["report"] = ("officer-cr", f"/staff/notifications/reports/{ids['report']}/")
    paths["editor-edit"] = ("editor-ht", f"/ht/editor/guides/{ids['revision_guide']}/ht/edit/")
    paths["editor-revision"] = ("editor-ht", f"/ht/editor/revisions/{ids['revision']}/")
    paths["editor-preview"] = ("editor-ht", f"/ht/editor/revisions/{ids['revision']}/preview/")
    paths["editor-history"] = ("editor-ht", f"/ht/editor/guides/{ids['revision_guide']}/history/")
    return {kind: (user, f"/{lang}{path}") for kind, (user, path) in paths.items()}


PUBLIC_KINDS = list(public_kinds(defaultdict(str), "es"))
STAFF_KINDS = list(staff_kinds(defaultdict(str)))
