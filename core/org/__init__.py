"""The organisation every package reports by: districts, service areas, staff roles, respondent
dimensions and development areas; the seed a new installation starts with, and their CSV files."""
