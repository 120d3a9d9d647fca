"""The action plan follow-up: sub-goals, their indicators and progress, HR figures and progress
notes."""
