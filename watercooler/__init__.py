"""Watercooler: a self-hosted enterprise social network for internal communication."""
