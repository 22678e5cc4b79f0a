"""A small, real OpenID Connect provider (django-oidc-provider) that the SSO tests start as a process.

Not part of the portal: a separate Django project with its own settings and SQLite file. Its people come
from a JSON file re-read at every login and token (tests change someone's groups by rewriting it).
"""
