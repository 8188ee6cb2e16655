"""The admin face, by area; `services.admin` re-exports every name (the UI imports only that)."""
