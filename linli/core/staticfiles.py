"""Static files: leave out the npm files no page uses.

``STATICFILES_DIRS`` maps whole ``dist/`` folders of npm packages; most of what they hold
(unminified and ES-module builds, their source maps, echarts' extensions) is never linked
from a page, and hashing and compressing it made ``collectstatic`` take minutes.
"""

from __future__ import annotations

from django.contrib.staticfiles.finders import FileSystemFinder
from django.contrib.staticfiles.utils import matches_patterns

# fnmatch patterns on a file's or folder's name (paths inside a mapped folder carry no prefix).
UNUSED_NPM_FILES = [
    # echarts: pages use dist/echarts.min.js only
    "echarts.js",
    "echarts.js.map",
    "echarts.common*",
    "echarts.simple*",
    "echarts.esm*",
    "extension",
    # leaflet: leaflet.js and leaflet.css (+ images)
    "leaflet-src*",
    # leaflet.markercluster: leaflet.markercluster.js and its two css files
    "leaflet.markercluster-src*",
    "WhereAreTheJavascriptFiles.txt",
    # htmx: htmx.min.js
    "htmx.esm*",
    "htmx.cjs*",
    "htmx.amd*",
    "*.d.ts",
    # swagger-ui-dist: the bundle, the standalone preset and the css (+ the maps they name)
    "swagger-ui-es-bundle*",
    "swagger-ui.js",
    "swagger-ui.js.map",
    "swagger-initializer.js",
    "absolute-path.js",
    "oauth2-redirect.*",
    "index.html",
    "index.js",
    "index.css",
    "log.*.txt",
    "package.json",
]


class TrimmedFileSystemFinder(FileSystemFinder):
    """``STATICFILES_DIRS`` without ``UNUSED_NPM_FILES``, for collectstatic and lookups alike."""

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *UNUSED_NPM_FILES])

    def find_location(self, root, path, prefix=None):
        parts = path.replace("\\", "/").split("/")
        if any(matches_patterns(part, UNUSED_NPM_FILES) for part in parts):
            return None
        return super().find_location(root, path, prefix)
