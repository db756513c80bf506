"""Bundled scaling-law parameter sets (JSON files beside this module)."""
