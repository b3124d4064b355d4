"""Reading past candidates from a spreadsheet or an ATS's CSV export: the file, its header, and each row."""
