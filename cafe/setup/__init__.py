"""Setting up a café (moderators and administrators): the event, expected participants, rounds,
tables and status changes."""
