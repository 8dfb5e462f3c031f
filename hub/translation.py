from modeltranslation.translator import TranslationOptions, register

from .models import Alert, Article, FaqEntry, Guide


@register(Guide)
class GuideTranslation(TranslationOptions):
    fields = ("title", "summary", "body")


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "body")


@register(FaqEntry)
class FaqTranslation(TranslationOptions):
    fields = ("question", "answer")


@register(Alert)
class AlertTranslation(TranslationOptions):
    fields = ("title", "body")
