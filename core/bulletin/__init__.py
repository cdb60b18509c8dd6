"""Inspection bulletins (督查通报): issuing a numbered bulletin for an area and a period, its
content (team figures, commendations, criticisms, rectification deadlines, inspections), and
its files (a workbook of its tables, and a standalone HTML document).

No web code here: :mod:`core.views.bulletins` renders what these modules build.
"""
