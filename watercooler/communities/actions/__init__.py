"""Everything that changes communities, memberships and directory rules.

Each public ``do_*`` function takes keyword arguments only, checks that the actor may do it
(``PermissionDenied``; ``Http404`` for what they may not even see), validates its input
(``ValidationError`` keyed by field name) and writes in one transaction. A change that clashes
with the current state (joining twice, adding a member again) raises ``Conflict`` (409).

Who may do what is ``communities.policy``; the actions ask it through ``checks``. The last
owner cannot leave, be removed or be demoted: ownership must be handed over first.

The actions live by concern: ``community`` (creating, settings, cover), ``membership`` and
``directory_rule``; ``checks`` holds what they share. Import them from here.
"""

from watercooler.communities.actions.checks import check_can_create
from watercooler.communities.actions.community import (
    COVER_SIZE,
    CommunityInput,
    check_community_input,
    check_handle,
    create_community,
    do_create_community,
    do_remove_cover,
    do_set_cover,
    do_update_community,
    make_cover_file,
)
from watercooler.communities.actions.directory_rule import (
    do_apply_rule,
    do_remove_rule,
    do_set_rule,
)
from watercooler.communities.actions.membership import (
    do_add_member,
    do_join,
    do_leave,
    do_remove_member,
    do_set_following,
    do_set_role,
    do_transfer_ownership,
)
from watercooler.communities.rules import apply_rule, apply_rules_for_people

__all__ = [
    "COVER_SIZE",
    "CommunityInput",
    "apply_rule",
    "apply_rules_for_people",
    "check_can_create",
    "check_community_input",
    "check_handle",
    "create_community",
    "do_add_member",
    "do_apply_rule",
    "do_create_community",
    "do_join",
    "do_leave",
    "do_remove_cover",
    "do_remove_member",
    "do_remove_rule",
    "do_set_cover",
    "do_set_following",
    "do_set_role",
    "do_set_rule",
    "do_transfer_ownership",
    "do_update_community",
    "make_cover_file",
]
