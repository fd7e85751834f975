"""The product's URLs plus the floor: the cheapest Django view, through the same middleware and server."""

from django.http import HttpResponse
from django.urls import path

from quartiers.urls import urlpatterns as product_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/plancher/", floor, name="bench_floor"), *product_urlpatterns]
