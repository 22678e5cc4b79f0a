"""The test IdP's settings: everything from the environment the test fixture sets (IDP_*)."""
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_KEY = "test-idp-only-not-a-secret"  # noqa: S105 (a throw-away test server on 127.0.0.1)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_idp.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [HERE / "templates"],
              "APP_DIRS": True, "OPTIONS": {"context_processors": ["django.template.context_processors.request"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["IDP_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
AUTHENTICATION_BACKENDS = ["tests.oidc_idp.people.PeopleBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"
USE_TZ = True
SITE_URL = os.environ["IDP_URL"]
OIDC_USERINFO = "tests.oidc_idp.people.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "tests.oidc_idp.people.GroupsClaims"
# The groups go in the ID token too (as Azure AD does); userinfo has them for the "groups" scope.
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.oidc_idp.people.id_token_groups"
OIDC_SKIP_CONSENT_EXPIRE = 0
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "WARNING"}}
