"""Stage 1, load: files -> typed records with file and line."""
