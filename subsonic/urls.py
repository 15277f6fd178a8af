from django.urls import path

from subsonic.views import dispatch

app_name = "subsonic"

urlpatterns = [
    # Every path under /rest/ answers in the envelope, unknown methods included.
    path("<path:name>", dispatch.endpoint, name="endpoint"),
]
