"""Routes of the data-rights area; names live in the "privacy" namespace (included from privacy/urls.py)."""
from django.urls import path

from privacy.rights.views import cnil, mydata

urlpatterns = [
    path("my-data/", mydata.my_data, name="my_data"),
    path("my-data/download/", mydata.my_data_download, name="my_data_download"),
    path("my-data/employer-view/", mydata.my_employer_view, name="my_employer_view"),
    path("cnil/", cnil.cnil_kit, name="cnil_kit"),
]
