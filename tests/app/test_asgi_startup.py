"""What ``project.asgi`` settles at start-up, before the first request (figures: benchmarks/README.md)."""

import json
import subprocess

from tests.support.servers import PYTHON, ROOT, Project

PROBE = """
import gc, json, sys
import project.asgi
print(json.dumps({"thresholds": gc.get_threshold(), "frozen": gc.get_freeze_count(),
                  "urlconf_loaded": "project.urls" in sys.modules}))
"""


def _started(tmp_path) -> dict:
    project = Project(var_dir=tmp_path / "var")
    project.var_dir.mkdir()
    out = subprocess.run(
        [PYTHON, "-c", PROBE], cwd=ROOT, env=project.environ(), capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_full_collections_are_rare_so_open_streams_do_not_stall(tmp_path):
    """A full pass walks every open stream's objects (up to 283 ms at 3,000 streams): Python's
    default of one per 10 younger passes made the lyric-stream jitter p99 390 ms instead of 160."""
    started = _started(tmp_path)
    assert started["thresholds"][2] >= 1000
    assert started["frozen"] > 10_000, "what start-up loaded is kept out of every pass"


def test_the_url_tables_are_built_before_the_first_stream(tmp_path):
    """Built lazily, the first stream built them in a thread holding the GIL and every stream waited."""
    assert _started(tmp_path)["urlconf_loaded"]
