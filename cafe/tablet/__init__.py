"""The facilitator's tablet: tables, notes written offline-safe and synced idempotently, and the
lock that orders notes with closing the café."""
