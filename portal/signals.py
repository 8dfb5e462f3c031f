"""What ends the public pages' cached copies (pagecache): each saved or deleted row names the pages
that show it. Services that change rows without saving them (a seat taken) call ``pagecache.changed``."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from cases.models import PathwayDocument, PathwayFact, PathwayStep, RegularizationPathway, RegularizationProcess
from hub.models import Alert, Article, FaqEntry, Guide
from pagecache import changed
from training.models import Course, Session
from ventanillas.models import Closure, Country, InformationWindow, OpeningHours


def _code(country_id: int | None) -> str:
    if country_id is None:
        return ""
    return Country.objects.filter(pk=country_id).values_list("code", flat=True).first() or ""


def _window_code(window_id: int | None) -> str:
    return InformationWindow.objects.filter(pk=window_id).values_list("country__code", flat=True).first() or ""


def country_changed(sender, instance: Country, **kwargs) -> None:
    changed("countries", "training", f"country:{instance.code}")


def content_changed(sender, instance, **kwargs) -> None:
    code = _code(instance.country_id)
    kind = "guides" if sender is Guide else "articles"
    changed(f"content:{code}", f"item:{kind}:{code}:{instance.slug}")


def faq_changed(sender, instance: FaqEntry, **kwargs) -> None:
    changed(f"faq:{_code(instance.country_id)}")


def alert_changed(sender, instance: Alert, **kwargs) -> None:
    changed(f"alerts:{_code(instance.country_id)}" if instance.country_id else "alerts:region")


def window_changed(sender, instance: InformationWindow, **kwargs) -> None:
    changed(f"windows:{_code(instance.country_id)}")


def hours_changed(sender, instance: OpeningHours, **kwargs) -> None:
    changed(f"windows:{_window_code(instance.window_id)}")


def closure_changed(sender, instance: Closure, **kwargs) -> None:
    changed(f"windows:{_code(instance.country_id)}")


def pathway_changed(sender, instance, **kwargs) -> None:
    country_id = instance.country_id if sender is RegularizationPathway else None
    if country_id is None:
        country_id = (
            RegularizationPathway.objects.filter(pk=instance.pathway_id).values_list("country_id", flat=True).first()
        )
    changed(f"pathways:{_code(country_id)}")


def process_changed(sender, instance: RegularizationProcess, **kwargs) -> None:
    # A decision (or its removal) may move the processing time a guide publishes: refresh the figure, and
    # end the pages only if it moved.
    from hub.pathways import refresh_processing_time

    refresh_processing_time(instance.pathway_id)


def training_changed(sender, instance, **kwargs) -> None:
    changed("training")


RECEIVERS = [
    (Country, country_changed),
    (Guide, content_changed),
    (Article, content_changed),
    (FaqEntry, faq_changed),
    (Alert, alert_changed),
    (InformationWindow, window_changed),
    (OpeningHours, hours_changed),
    (Closure, closure_changed),
    (RegularizationPathway, pathway_changed),
    (PathwayFact, pathway_changed),
    (PathwayStep, pathway_changed),
    (PathwayDocument, pathway_changed),
    (RegularizationProcess, process_changed),
    (Course, training_changed),
    (Session, training_changed),
]


def connect() -> None:
    for model, receiver in RECEIVERS:
        post_save.connect(receiver, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}")
