"""``flask survey import``: earlier or external results from a CSV file, checked in full before
anything is written."""
