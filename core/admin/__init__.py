"""The administrator's pages: the organisation structure, its CSV import and export, and user
accounts."""
