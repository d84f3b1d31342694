"""Safar: pre-departure orientation for labour migrants, in the messenger they already use."""
