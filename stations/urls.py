from django.urls import path

from stations import views

app_name = "stations"

urlpatterns = [
    path("stations/<slug:slug>/", views.station_page, name="page"),
    path("api/stations/<slug:slug>/queue", views.queue, name="queue"),
    path("api/stations/<slug:slug>/play", views.play, name="play"),
    path("api/stations/<slug:slug>/skip", views.skip, name="skip"),
    path("api/stations/<slug:slug>/stop", views.stop, name="stop"),
]
