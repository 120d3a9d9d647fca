"""The survey app under /survey/ and Django's admin (where its CSV export lives)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("survey/", include("survey.urls")),
]
