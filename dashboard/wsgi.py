"""WSGI entry for gunicorn: ``gunicorn -w 2 --threads 4 -b 127.0.0.1:8050 dashboard.wsgi:server``.

Settings come from the environment: ``MPGSIM_CACHE_DIR`` (shared by all workers),
``MPGSIM_SWEEP_DIR``, ``MPGSIM_RUN_SLOTS`` and ``MPGSIM_SECRET_KEY`` (must be equal in every
worker: Dash signs background-job handles with it).
"""

from dashboard.app import create_app

app = create_app()
# Finish Dash's lazy setup once per worker before real traffic: with threaded workers a
# concurrent first request can otherwise see an empty component registry (plotly/dash#3971).
app.server.test_client().get("/")
server = app.server
