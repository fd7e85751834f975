"""The top layer: the home page, the navigation across modules, demo orchestration.

It may import every app below it; nothing imports it (see docs/architecture.md).
"""
