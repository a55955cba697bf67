"""Root pytest configuration: load the shared test world and its fixtures."""

pytest_plugins = ["watercooler.testing.fixtures"]
