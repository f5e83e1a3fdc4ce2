"""The duty officers' console: server-rendered pages at /admin (Starlette + Jinja2)."""
