"""The WSGI application (waitress in ``jingjin serve``/``jingjin demo``, each gunicorn worker).

After start-up the objects made so far — modules, settings, URL patterns, views — are moved into
the garbage collector's permanent generation (:func:`gc.freeze`): they live as long as the process,
and a full collection no longer walks them (on the benchmark plan it cut the longest collection
pauses of the pages from about 300 ms to under 110 ms; see ``docs/benchmarks.md``).

Before anything is loaded, the C allocator is told to keep freed memory for the next request
(:func:`jingjin.core.allocator.keep_freed_memory`): a page that works on large arrays no longer
takes its memory afresh from the system each time.

The compiled roll-up of the status engine is loaded before the freeze too
(:func:`jingjin.engines.status.rollup.prepare`: numba imported, the kernel read from its cache or
compiled into it), so that the first cockpit request after a write does not wait for it.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

from jingjin.core.allocator import keep_freed_memory

keep_freed_memory()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjin.settings")
application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402  (after the settings are configured)

get_resolver().url_patterns  # noqa: B018  (imports every view now, before the freeze)

from jingjin.engines.status.rollup import prepare  # noqa: E402

prepare()
gc.collect()
gc.freeze()
