"""Single sign-on with OpenID Connect (issue 19 #6), on mozilla-django-oidc.

provider: endpoints (settings or discovery); access: IdP groups → role, entities, administration;
backend: the authentication backend (match or create by e-mail, map groups at every login, audit);
views: the login redirect, the callback, the French error page and the logout that can end the IdP session.
Off unless OIDC_ENABLED (ocean_portal/sso_settings.py).
"""
