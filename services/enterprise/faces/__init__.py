"""The enterprise face, by area; `services.enterprise` re-exports every name (the UI imports only that)."""
