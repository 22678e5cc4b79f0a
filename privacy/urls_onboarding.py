"""Routes of this area; names live in the "privacy" namespace (included from privacy/urls.py)."""
urlpatterns: list = []
