"""Running the engine for strangers: the resource-limited sandbox and the command line."""
