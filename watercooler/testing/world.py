"""The shared world every test uses: an owner, a teammate, an outsider, an administrator, a guest.

The owner and teammate work in Engineering in London (the teammate reports to the owner); the
outsider is in Sales in Berlin; the administrator is in IT; the guest is an external guest.
Every page and endpoint is checked against whoever must not see or change it.
"""

import time
from dataclasses import dataclass
from typing import Any, cast

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from watercooler.people.models import Department, Location, Role, Skill, User

PASSWORD = "correct-horse-battery-42"
# A code is checked against its own 30-second step only (no tolerance): a code made in a step's
# last seconds may reach the server in the next one on a busy machine.
TOTP_MARGIN_SECONDS = 8


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (allauth's own HOTP arithmetic), made early
    enough in its time step to still be current when the server checks it."""
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < TOTP_MARGIN_SECONDS:
        time.sleep(left)
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    # allauth's functions are unannotated; format_hotp_value makes the zero-padded str code.
    return cast(str, format_hotp_value(hotp_value(secret, counter)))


@dataclass
class World:
    owner: User
    teammate: User
    outsider: User
    admin: User
    guest: User
    engineering: Department
    sales: Department
    london: Location
    berlin: Location

    @property
    def everyone(self) -> list[User]:
        return [self.owner, self.teammate, self.outsider, self.admin, self.guest]


def make_person(username: str, **fields: Any) -> User:
    """Create an active person with the shared test password; ``skills`` may list names."""
    skills = fields.pop("skills", [])
    fields.setdefault("display_name", username.replace("_", " ").title())
    fields.setdefault("email", f"{username}@example.com")
    person = User(username=username, **fields)
    person.set_password(PASSWORD)
    person.save()
    if skills:
        person.skills.set([Skill.objects.get_or_create(name=name)[0] for name in skills])
    return person


def build_world() -> World:
    engineering = Department.objects.create(name="Engineering")
    sales = Department.objects.create(name="Sales")
    it = Department.objects.create(name="IT")
    london = Location.objects.create(
        name="London", country="United Kingdom", timezone="Europe/London"
    )
    berlin = Location.objects.create(name="Berlin", country="Germany", timezone="Europe/Berlin")
    admin = make_person(
        "ada_admin", display_name="Ada Admin", role=Role.ADMIN, department=it, location=london
    )
    owner = make_person(
        "olivia_owner",
        display_name="Olivia Owner",
        title="Engineering Manager",
        department=engineering,
        location=london,
        manager=admin,
        skills=["Python", "Kubernetes"],
    )
    teammate = make_person(
        "theo_teammate",
        display_name="Theo Teammate",
        title="Software Engineer",
        department=engineering,
        location=london,
        manager=owner,
        skills=["Python"],
    )
    outsider = make_person(
        "oscar_outsider",
        display_name="Oscar Outsider",
        title="Account Executive",
        department=sales,
        location=berlin,
        skills=["Negotiation"],
    )
    guest = make_person("gwen_guest", display_name="Gwen Guest", role=Role.GUEST)
    return World(owner, teammate, outsider, admin, guest, engineering, sales, london, berlin)
