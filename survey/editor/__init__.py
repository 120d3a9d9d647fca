"""The questionnaire editor (administrators): instruments, their sections and questions."""
