"""Forms of one's own account pages: sign-in by access code, accepting an invitation, API tokens.

Forms only parse and shape input; the rules (who may do what, what a valid password or token
name is) live in ``actions.py``, whose ``ValidationError`` a view copies back onto the form.
The profile editor's fields are in ``page_forms.py``, the administration forms in
``admin_forms.py``.
"""

from typing import Any

from django import forms

# --- Accounts ----------------------------------------------------------------------------------


class AccessCodeSignInForm(forms.Form):
    """Username and one-time access code, typed on a phone by someone without company email."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "autocorrect": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
    code = forms.CharField(
        label="Access code",
        max_length=40,
        help_text="The code from your manager or administrator, like ABCD-EFGH-JKLM.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
            }
        ),
    )


class InvitationPasswordForm(forms.Form):
    """The password an invited person chooses; strength is checked by the action."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text="At least 8 characters; not only numbers and not a common password.",
    )
    password_confirm = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, confirm = data.get("password"), data.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", "The two passwords are not the same.")
        return data


class ApiTokenCreateForm(forms.Form):
    """The name of a new personal API token."""

    name = forms.CharField(
        label="Token name",
        max_length=80,
        help_text="What will use it, e.g. “Build server” or “My scripts”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
