"""sitemap.xml: every country home in its public languages, and each guide and article only in the
languages it is really translated into, with hreflang alternates among those languages."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ventanillas.models import Country

from .models import SEARCH_COLUMNS, Article, Content, Guide


class CountrySitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self) -> list[Country]:
        return list(Country.objects.order_by("code"))

    def location(self, item: Country) -> str:
        return reverse("hub:country", kwargs={"country": item.slug})

    def get_languages_for_item(self, item: Country) -> list[str]:
        return list(item.public_languages)


class ContentSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"
    model: type[Content] = Guide

    def items(self) -> list[Content]:
        rows = self.model.objects.published().select_related("country").defer(*SEARCH_COLUMNS)
        return list(rows.order_by("country__code", "slug"))

    def lastmod(self, item: Content):
        return item.updated_at

    def get_languages_for_item(self, item: Content) -> list[str]:
        return item.languages()


class GuideSitemap(ContentSitemap):
    model = Guide


class ArticleSitemap(ContentSitemap):
    model = Article


SITEMAPS = {"countries": CountrySitemap, "guides": GuideSitemap, "articles": ArticleSitemap}
