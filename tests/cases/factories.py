"""Factories for the cases app's tests."""

from __future__ import annotations

import factory

from cases.models import FactKind, PathwayDocument, PathwayFact, PathwayStep, RegularizationPathway
from tests.factories import country


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegularizationPathway

    country = factory.LazyFunction(lambda: country("CR"))
    slug = factory.Sequence(lambda n: f"pathway-{n}")
    name = factory.Sequence(lambda n: f"Residencia temporal {n}")
    name_es = factory.SelfAttribute("name")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """``typical_processing_days`` (90 unless given; None for none) and ``issuing_authority`` become facts."""
        days = kwargs.pop("typical_processing_days", 90)
        authority = kwargs.pop("issuing_authority", "Dirección General de Migración y Extranjería")
        pathway = super()._create(model_class, *args, **kwargs)
        if authority:
            PathwayFact.objects.create(pathway=pathway, kind=FactKind.AUTHORITY, name=authority, name_language="es")
        if days is not None:
            PathwayFact.objects.create(pathway=pathway, kind=FactKind.TIME, days=days)
        return pathway


def pathway_with_documents(**kwargs) -> RegularizationPathway:
    """A pathway with two steps, two required documents and one optional."""
    pathway = PathwayFactory(**kwargs)
    PathwayStep.objects.create(
        pathway=pathway, order=1, title="Reunir los documentos", title_es="Reunir los documentos"
    )
    PathwayStep.objects.create(
        pathway=pathway, order=2, title="Presentar la solicitud", title_es="Presentar la solicitud"
    )
    for order, (name, required) in enumerate(
        [("Pasaporte vigente", True), ("Certificado de antecedentes", True), ("Fotografías", False)], start=1
    ):
        PathwayDocument.objects.create(pathway=pathway, order=order, name=name, name_es=name, required=required)
    return pathway


def make_person(window, by, *, consents=("processing",), vulnerabilities=(), **data):
    from cases import services

    data = {"given_names": "María José", "family_names": "Pérez Gómez", **data}
    person, _created = services.create_person(
        window=window, by=by, data=data, consents=consents, vulnerabilities=vulnerabilities
    )
    return person


def make_case(window, by, person=None, **kwargs):
    from cases import services

    person = person or make_person(window, by)
    case, _created = services.open_case(person=person, window=window, by=by, **kwargs)
    return case
