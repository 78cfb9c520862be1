"""The content model: strict records, settings, brief types, schemas."""
