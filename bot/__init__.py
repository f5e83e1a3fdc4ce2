"""Channels and runtime: terminal, web, messengers; the ASGI app; the ``hotline`` CLI."""
