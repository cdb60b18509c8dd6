"""The township review: figures per team and area for a period, charts, exports.

No web code here: :mod:`core.views.review` and :mod:`core.api.review` render what these
modules compute.
"""
