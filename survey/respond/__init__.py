"""Answering a survey (public, anonymous): the respondent pages and the one-page form, the
answering session, drafts, validation of answers and the brake on ballot stuffing."""
