"""``manage.py import_library <folder>``: add or update the tracks a music folder holds."""

from __future__ import annotations

import sys
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lyrics.library import FoundTrack, UnreadableFile, iter_read, scan
from lyrics.models import LibraryFolder
from lyrics.services import track_import
from lyrics.ttml import TtmlError

HELP = """\
Walk FOLDER and add or update one track per audio file (mp3, ogg, opus, flac,
m4a, wav…) and per lyric-only .ttml/.lrc/.txt file.

Lyrics come from a sidecar .ttml, .lrc or .txt of the same stem (preferred, in
that order) or from
the file itself (ID3 SYLT/USLT, Vorbis SYNCEDLYRICS/LYRICS/UNSYNCEDLYRICS,
MP4 ©lyr). Text in any common encoding (UTF-8/16, CP949, Shift_JIS, GBK, Big5)
is decoded once and stored as NFC UTF-8; word timings, voices, translations
and (generated) romanization are read once into the lyric layers. Titles,
artists and albums come from the tags, then the LRC [ti]/[ar]/[al] tags, then
"Artist - Title" file names. Only files inside FOLDER are read: a symbolic
link out of it is reported (--follow-links reads it).

Re-running updates tracks in place (matched by file path); source files are
never modified. Files that cannot be read are reported and skipped. The exit
status is non-zero only when nothing at all could be imported.

Examples:
  python manage.py import_library ~/Music
  python manage.py import_library demo/library --dry-run
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path, help="the music folder to walk")
        parser.add_argument("--dry-run", action="store_true", help="read and report, write nothing")
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
        parser.add_argument(
            "--follow-links",
            action="store_true",
            help="also read files that symbolic links point to outside FOLDER (off: they are reported)",
        )

    def handle(
        self,
        *args: object,
        folder: Path,
        dry_run: bool,
        no_progress: bool,
        follow_links: bool,
        **options: object,
    ) -> None:
        folder = folder.expanduser().resolve()
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        entries = scan(folder, follow_links=follow_links)
        if not entries:
            raise CommandError(f"no audio or lyric files under {folder}")

        if not dry_run:
            # Audio is served only from folders that were imported (or AUDIO_ROOTS).
            LibraryFolder.objects.get_or_create(path=str(folder))
        results = iter_read(entries)
        bar = None
        if not no_progress and sys.stderr.isatty() and options.get("verbosity", 1):
            from tqdm import tqdm

            bar = tqdm(total=len(entries), unit="file", desc="Importing", file=sys.stderr)
        counts: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        for entry, found in results:
            name = entry.path.relative_to(folder) if entry.path.is_relative_to(folder) else entry.path
            if isinstance(found, UnreadableFile):
                counts["failed"] += 1
                self._say(bar, self.style.ERROR(f"could not read {name}: {found}"))
            else:
                for warning in found.warnings:
                    self._say(bar, self.style.WARNING(f"{name}: {warning}"))
                self._store(found, name, dry_run=dry_run, bar=bar, counts=counts, sources=sources, **options)
            if bar is not None:
                bar.update()
        if bar is not None:
            bar.close()

        imported = sum(n for key, n in counts.items() if key != "failed")
        summary = ", ".join(f"{n} {key}" for key, n in sorted(counts.items()))
        by_source = ", ".join(f"{n} {key}" for key, n in sorted(sources.items()))
        self.stdout.write(
            f"{len(entries)} tracks found: {summary}" + (f"; lyrics: {by_source}" if by_source else "")
        )
        if imported == 0:
            raise CommandError("nothing could be imported")

    def _store(
        self,
        found: FoundTrack,
        name: object,
        *,
        dry_run: bool,
        bar: object,
        counts: Counter[str],
        sources: Counter[str],
        **options: object,
    ) -> None:
        try:
            outcome = "would import" if dry_run else track_import(found)
        except TtmlError as exc:
            counts["failed"] += 1
            self._say(bar, self.style.ERROR(f"could not read the lyrics of {name}: {exc}"))
            return
        counts[outcome] += 1
        sources[found.lyrics_source or "no lyrics"] += 1
        if int(options.get("verbosity", 1)) >= 2:  # type: ignore[call-overload]
            self._say(bar, f"{outcome}: {name} ({found.lyrics_source or 'no lyrics'})")

    def _say(self, bar: object, message: str) -> None:
        if bar is not None:
            bar.write(message, file=sys.stderr)  # type: ignore[attr-defined]
        else:
            self.stderr.write(message)
