"""Byeol as an OpenSubsonic server: ``/rest/<method>`` for every Subsonic player (docs/subsonic.md)."""
