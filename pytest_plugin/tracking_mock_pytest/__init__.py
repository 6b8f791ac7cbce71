"""The ``tracking_server`` pytest plugin for tracking-mock."""
