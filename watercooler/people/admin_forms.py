"""Forms of the people-administration pages: they parse and render input, nothing more.

The rules (required fields, formats, taken usernames, reporting loops) live in ``actions`` and
come back as ``ValidationError``; ``add_action_errors`` puts those messages next to the inputs.
"""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from watercooler.people.models import Role


class CreatePersonForm(forms.Form):
    username = forms.CharField(
        required=False,
        strip=True,
        help_text="Letters, digits and @ . + - _ only. They sign in with it.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    display_name = forms.CharField(
        label="Display name", required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.CharField(
        required=False,
        help_text="Needed for an invitation. People without company email get an access code.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    title = forms.CharField(label="Job title", required=False)
    department = forms.CharField(required=False, help_text="A new name creates the department.")
    location = forms.ChoiceField(required=False, choices=[])
    manager = forms.CharField(
        label="Manager's username",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    invite = forms.BooleanField(
        label="Send an invitation email",
        required=False,
        initial=True,
        help_text="They get a link to choose their password.",
    )

    def __init__(self, *args: Any, locations: list[str], departments: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        location = self.fields["location"]
        assert isinstance(location, forms.ChoiceField)
        location.choices = [("", "— none —"), *((name, name) for name in locations)]
        self.departments = departments
        self.fields["department"].widget.attrs["list"] = "department-options"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, comma or semicolon separated, header row first. The file format is described below the form.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    deactivate_missing = forms.BooleanField(
        label="Deactivate people missing from this file",
        required=False,
        help_text=(
            "For a full export: everyone with an employee id who is not in the file is "
            "deactivated (never you, never a superuser)."
        ),
    )


class SiteSettingsForm(forms.Form):
    require_mfa = forms.BooleanField(
        label="Require two-factor authentication for everyone",
        required=False,
        help_text=(
            "People who have not set up an authenticator app are sent to do so before they can "
            "use anything else. Turn yours on first."
        ),
    )


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: by field where it has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        for message in messages:
            if target is None and name != NON_FIELD_ERRORS:
                message = f"{name.replace('_', ' ').capitalize()}: {message}"
            form.add_error(target, message)
