"""Watching the running bot: metrics, health, structured logs and error reports. Nothing here
carries an id or text a user typed."""
