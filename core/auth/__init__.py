"""Who signs in and how: accounts, roles, passwords, sessions and API tokens, sign-in throttling,
and the sign-in pages."""
