from modeltranslation.translator import TranslationOptions, register

from .models import Course


@register(Course)
class CourseTranslation(TranslationOptions):
    fields = ("title", "description")
