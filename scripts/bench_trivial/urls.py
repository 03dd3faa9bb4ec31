from django.urls import path

from . import views

urlpatterns = [path("", views.trivial_page, name="trivial")]
