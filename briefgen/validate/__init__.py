"""Stage 2, validate: every cross-check, once, with located diagnostics."""
