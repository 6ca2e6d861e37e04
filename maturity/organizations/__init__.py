"""Organisations that employ advisors and analysts: agencies, CITEs, business-development centres."""
