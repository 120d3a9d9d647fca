"""The read-only JSON API under ``/api/v1`` and the page where its personal tokens are made and
revoked."""
