"""Stage 3, analyse: validated content -> ready-made views (and checks on them)."""
