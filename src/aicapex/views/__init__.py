"""Presentation helpers shared by the CLI, the report and the dashboard, without plotly:
display labels (labels), the data as-of line (asof), spreadsheet export (xlsx), the company
page (company) and run-to-run differences (diff). Modules are imported on use."""
