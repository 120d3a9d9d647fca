"""A minimal Django project serving the peer survey app (django-survey-and-report) for
bench/peer.py; copied into bench/out/peer-project and run from the peer's own venv."""
