"""Wire-compatible simulators of the three provider APIs (see `server.run_simulators`)."""
