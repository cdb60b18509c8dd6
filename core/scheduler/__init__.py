"""Where the scheduler lived before it moved to :mod:`core.jobs` (see ``runner``)."""
