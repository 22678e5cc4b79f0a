"""Forms of the onboarding pages: customers, manager / HR accounts, CSV import, password reset."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth.forms import PasswordResetForm, _unicode_ci_compare
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from privacy.models import Customer, Role, User
from privacy.onboarding.services.csv_import import MAX_BYTES

COMMON_TIME_ZONES = sorted(
    z
    for z in zoneinfo.available_timezones()
    if z.startswith(("Europe/", "America/", "Africa/", "Asia/", "Atlantic/", "Indian/", "Pacific/", "Australia/"))
)


class CustomerForm(forms.ModelForm):
    # The settings the form showed (privacy.services.concurrency): a newer save is never overwritten silently.
    base_version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    time_zone = forms.ChoiceField(
        label=_("time zone"), choices=[(z, z) for z in COMMON_TIME_ZONES], initial="Europe/Paris"
    )

    class Meta:
        model = Customer
        fields = [
            "ocean_customer_id",
            "name",
            "code_exploitant",
            "time_zone",
            "declaration_policy",
            "declaration_deadline_days",
            "to_private_policy",
            "to_private_reason",
            "to_pro_policy",
            "to_pro_reason",
            "strict_mode",
        ]
        help_texts = {
            "ocean_customer_id": _("The numeric customerId Ocean gave you (e.g. 1110000000)."),
            "code_exploitant": _("The operator code used to declare trips (e.g. 1110000001)."),
            "declaration_deadline_days": _("Drivers can declare a trip private or pro during this many days."),
        }
        widgets = {"ocean_customer_id": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the customerId identifies the Ocean account: fixed once added
            self.fields["ocean_customer_id"].disabled = True
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Empty: the customerId is used.")

    def clean_name(self):
        return self.cleaned_data.get("name", "").strip()

    def clean_code_exploitant(self):
        return self.cleaned_data["code_exploitant"].strip()


class StaffUserForm(forms.Form):
    role = forms.ChoiceField(
        label=_("role"),
        choices=[(Role.MANAGER, Role.MANAGER.label), (Role.HR, Role.HR.label)],
        widget=forms.RadioSelect,
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to log in, e.g. marie.martin"),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invitation to choose a password is sent here."))
    entity_ids = forms.TypedMultipleChoiceField(
        label=_("Entities in scope (managers)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every entity. HR users always see every entity."),
    )
    invite = forms.BooleanField(label=_("Send the invitation now"), required=False, initial=True)

    def __init__(self, *args, entities: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity_ids"].choices = sorted(entities.items(), key=lambda kv: kv[1])

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken; choose another one."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.HR and data.get("entity_ids"):
            self.add_error("entity_ids", _("HR users see every entity: untick the entities."))
        return data


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns matricule, email, role, entity (header line required); “;” or “,” separated; UTF-8."),
    )
    invite = forms.BooleanField(label=_("Send the invitations"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB; split it."))
        return upload


class PortalPasswordResetForm(PasswordResetForm):
    """Also reaches accounts that never chose a password: "forgot your password?" then doubles as
    "send my invitation again". Django skips them by default (for external-auth accounts; we have none)."""

    def get_users(self, email):
        users = User._default_manager.filter(email__iexact=email, is_active=True)
        return (u for u in users if _unicode_ci_compare(email, u.email))
