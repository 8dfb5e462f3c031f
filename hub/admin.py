from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Alert, Article, FaqEntry, FeedbackComment, FeedbackCount, Guide, Revision


class ContentAdmin(TranslationAdmin):
    list_display = ["slug", "country", "topic", "source_language", "verified_on", "review_due", "is_sample"]
    list_filter = ["country", "topic", "is_sample"]
    search_fields = ["slug", "title_es", "title_en", "title_fr", "title_nl", "title_ht"]
    readonly_fields = ["source_hash", "source_changed_at", "translation_sources"]


@admin.register(Guide)
class GuideAdmin(ContentAdmin):
    list_display = [*ContentAdmin.list_display, "pathway"]


@admin.register(Article)
class ArticleAdmin(ContentAdmin):
    pass


@admin.register(FaqEntry)
class FaqEntryAdmin(TranslationAdmin):
    list_display = ["question", "country", "order"]
    list_filter = ["country"]


@admin.register(Alert)
class AlertAdmin(TranslationAdmin):
    list_display = ["title", "country", "severity", "starts_at", "ends_at"]
    list_filter = ["country", "severity"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "language", "status", "author", "created_at", "published_at"]
    list_filter = ["status", "language"]
    readonly_fields = ["source_hash", "source_date"]


@admin.register(FeedbackCount)
class FeedbackCountAdmin(admin.ModelAdmin):
    list_display = ["page", "country", "language", "useful", "not_useful"]
    list_filter = ["country", "language"]


@admin.register(FeedbackComment)
class FeedbackCommentAdmin(admin.ModelAdmin):
    list_display = ["page", "country", "language", "useful", "received_on"]
    list_filter = ["country", "language", "useful"]
