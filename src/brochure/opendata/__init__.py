"""Public career data (O*NET, BLS) read offline into career profiles."""
