"""Sample notes: a tiny third-party plugin used by Kepu's tests.

It has a page, an API, a menu item, a table of notes with its own migration branch, one hook
of each kind, and hooks that raise on demand (``kepu_sample.hooks.FAILING``).
"""
