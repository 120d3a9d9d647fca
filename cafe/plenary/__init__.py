"""The plenary: the moderator's summary, the harvest document and café figures."""
