"""Results of waves for steering groups: the disclosure patterns of a wave, the overview, unit,
café and imported pages, the print report and every table as CSV or XLSX."""
