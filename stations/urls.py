from django.urls import path

from stations import views

app_name = "stations"

# The event streams (/stations/<slug>/events and /text) are lean endpoints: see project/routing.py.
urlpatterns = [
    path("stations/<slug:slug>/", views.station_page, name="page"),
    path("api/stations/<slug:slug>", views.state, name="state"),
    path("api/stations/<slug:slug>/queue", views.queue, name="queue"),
    path("api/stations/<slug:slug>/queue/remove", views.remove, name="remove"),
    path("api/stations/<slug:slug>/queue/move", views.move, name="move"),
    path("api/stations/<slug:slug>/loop", views.loop, name="loop"),
    path("api/stations/<slug:slug>/play", views.play, name="play"),
    path("api/stations/<slug:slug>/skip", views.skip, name="skip"),
    path("api/stations/<slug:slug>/stop", views.stop, name="stop"),
]
