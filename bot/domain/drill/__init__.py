"""Drills (issue 23): a made-up case opened from a scenario, kept apart from real work, with scripted steps."""
