"""Sources from a user's own files: ``briefgen source add`` and ``briefgen source verify``.

``add.py`` reads and imports a file (extraction in ``briefgen.ingest``), ``record.py``
plans the new source's text and record, ``verify.py`` re-checks an import.
"""
