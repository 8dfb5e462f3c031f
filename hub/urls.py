from django.urls import path

from . import views

app_name = "hub"

urlpatterns = [
    path("<country:country>/", views.country_home, name="country"),
    path("<country:country>/guides/<slug:slug>/", views.content_detail, {"kind": "guides"}, name="guide"),
    path("<country:country>/guides/<slug:slug>/pdf/", views.guide_download, name="guide-pdf"),
    path("<country:country>/articles/<slug:slug>/", views.content_detail, {"kind": "articles"}, name="article"),
    path("<country:country>/faq/", views.faq, name="faq"),
    path("<country:country>/search/", views.search_view, name="search"),
    path("<country:country>/feedback/", views.feedback, name="feedback"),
    path("<country:country>/editor/", views.editor_status, name="editor-status"),
    path("<country:country>/editor/new/", views.editor_new, name="editor-new"),
    path(
        "<country:country>/editor/<str:kind>/<slug:slug>/<str:language>/edit/",
        views.editor_edit,
        name="editor-edit",
    ),
    path("<country:country>/editor/<str:kind>/<slug:slug>/history/", views.editor_history, name="editor-history"),
    path("<country:country>/editor/revisions/<int:pk>/", views.editor_revision, name="editor-revision"),
    path("<country:country>/editor/revisions/<int:pk>/preview/", views.editor_preview, name="editor-preview"),
    path("<country:country>/editor/revisions/<int:pk>/<str:action>/", views.editor_action, name="editor-action"),
]
