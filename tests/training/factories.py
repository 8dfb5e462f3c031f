"""Courses, sessions and participants for the training tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories import country
from training.models import Course, Participant, Session, every_day


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Curso de migración {n}")
    title_es = factory.LazyAttribute(lambda c: c.title)
    description = "Derechos de las personas migrantes y rutas de regularización."
    country = factory.LazyFunction(lambda: country("CR"))
    language = "es"
    hours = Decimal("12")
    completion_threshold = 80
    sectors = ["government", "civil_society"]


class SessionFactory(factory.django.DjangoModelFactory):
    """A session of three days starting in ten days, open for enrolment now."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    country = factory.LazyAttribute(lambda s: s.course.country or country("CR"))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    ends_on = factory.LazyAttribute(lambda s: s.starts_on + dt.timedelta(days=2))
    # Every day of the period, so that tests do not depend on the weekday they run on.
    meeting_days = factory.LazyAttribute(lambda s: [d.isoformat() for d in every_day(s.starts_on, s.ends_on)])
    capacity = 10
    venue = "Salón municipal"

    @factory.post_generation
    def trainers(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.trainers.set(extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    email = factory.Sequence(lambda n: f"persona{n}@ministerio.example")
    name = factory.Sequence(lambda n: f"Persona {n}")
    sector = "government"
    sex = "female"
    country = factory.LazyFunction(lambda: country("CR"))
    language = "es"
