"""A lyrics fixture full of edge cases, shared by the live and browser tests."""

import unicodedata

EDGE_TEXTS = [
    "별빛이 내리는 밤",
    "emoji 🎵✨ and 한글",
    ": starts with a colon",
    "data: x",
    "event: end",
    "",
    "a CR\rinside",
    "   leading spaces",
    "\ta tab",
    "id: 99",
    "x" * 100_000,
    "마지막 줄",
]


def edge_lines(step_ms: int = 100) -> list[dict]:
    return [
        {"index": i, "time_ms": i * step_ms, "text": unicodedata.normalize("NFC", text)}
        for i, text in enumerate(EDGE_TEXTS)
    ]


def expected_texts() -> list[str]:
    """What a client reads: the source after NFC (JSON carries even a CR intact)."""
    return [unicodedata.normalize("NFC", t) for t in EDGE_TEXTS]
