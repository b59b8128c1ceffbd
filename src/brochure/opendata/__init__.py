"""Readers of open career data: O*NET text files and BLS spreadsheets."""
