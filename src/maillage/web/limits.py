"""Limits of the imports read from the settings, in the form the engine's parsers take."""

from __future__ import annotations

from django.conf import settings

from maillage.engine.sources.archives import ArchiveLimits


def archive_limits() -> ArchiveLimits:
    """How far a compressed input may expand (``IMPORT_MAX_UNCOMPRESSED_BYTES``,
    ``IMPORT_MAX_COMPRESSION_RATIO``)."""
    return ArchiveLimits(
        max_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
    )
