"""The roster workbook: a county's areas, teams, members, farms and links in one spreadsheet.

``columns`` names the sheets and columns, ``workbook`` writes the empty template and the
export, ``reader`` reads a workbook or CSV files back into rows, ``snapshot`` loads what is
stored, ``plan`` compares the two (the dry run) and ``apply`` writes a plan in bulk.
"""
