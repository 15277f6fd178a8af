"""``manage.py run_stations``: run station clocks in a process of their own."""

import asyncio

from django.core.management.base import BaseCommand

from stations.supervisor import Supervisor


class Command(BaseCommand):
    help = (
        "Run the station clocks (leases make sure each station has exactly one clock, "
        "whatever else runs them). Use it with STATIONS_CLOCK=off on the web processes "
        "to keep clocks out of them."
    )

    def handle(self, *args: object, **options: object) -> None:
        asyncio.run(Supervisor().run())
