"""The demo's story: three threads of company life told through the real actions, with files.

After the bulk conversation (feed, communities, events), this step tells what a visitor should
find in five minutes, each thread written as a unit (a post and the replies that answer it):

* the **Trailhead 3.0 launch**, a new line of packs: the teaser poster, the store wall plan and
  launch guide, launch day, the first week's sales chart, field feedback about a buckle, and
  the fix;
* a **safety campaign in the stores**: a must-read announcement to store staff, safety walks
  posted from stores with photos and a checklist, questions answered;
* the **offsite**: the agenda and a map before, photos and the whiteboard afterwards;

and gives every community a cover image.

Everything here goes through the actions, nothing is written in bulk: a few dozen posts and
replies, about two hundred reactions, attachments, accepted answers, announcements, an event
with its RSVPs, a join request and the covers, each at the moment the story says
(``ctx.at``), with what they leave for the commit run at once. So the rules are the product's,
and the notifications, counters, topics and receipts are the real ones: the ``member`` account
finds mentions, replies, reactions, an accepted answer, an announcement and a place off a
waitlist among its notifications. It costs about 3 seconds of CPU at 300 people, most of it in
the actions. Pictures and documents are drawn locally (``demo/images.py``).

The story runs last and acts on the database as the other builders left it, which holds the
whole six months at once: a reaction dated before a thread's last reply still sets the post's
``last_activity_at`` to its own moment, as the action does.

Long on purpose: a story of threads, people and files reads best in one place.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from watercooler.announcements.actions import do_create_announcement
from watercooler.communities.actions import do_join, do_set_cover
from watercooler.communities.models import Community, Membership, MembershipStatus
from watercooler.demo import feed_text as text
from watercooler.demo import images as draw
from watercooler.demo.context import DemoContext
from watercooler.events.actions import create_event, do_rsvp
from watercooler.events.models import Event
from watercooler.feed.actions import create_post, do_add_attachment, do_create_reply, do_react
from watercooler.feed.models import Post, PostKind, Reply
from watercooler.people.models import Role, User
from watercooler.questions.actions import do_accept_answer

GREEN, ORANGE, BLUE, RED, PURPLE, YELLOW = draw.PALETTE

# Community handle -> (colour, alt text of its cover).
COVERS: dict[str, tuple[draw.Color, str]] = {
    "customer-care": (BLUE, "Blue hills under a pale sky at sunrise."),
    "store-managers": (ORANGE, "Orange hills at dusk with a low sun."),
    "retail-emea": (GREEN, "Green rolling hills under a soft morning sky."),
    "retail-americas": (RED, "Red canyon ridges under a warm sky."),
    "berlin-office": (PURPLE, "Violet hills at twilight."),
    "london-hq": (BLUE, "Layers of blue-grey hills under a cloudy sky."),
    "ask-it": (BLUE, "Calm blue ridges, one behind the other."),
    "data-guild": (PURPLE, "Purple hills under a pale sky, in layers."),
    "trail-runners": (GREEN, "Green mountain ridges with the sun rising behind them."),
    "photography": (ORANGE, "Golden-hour hills with a large low sun."),
    "sustainability-champions": (GREEN, "Forested green hills under a clear sky."),
    "parents": (YELLOW, "Sunny yellow-green hills with a big sun."),
    "project-summit": (BLUE, "A mountain summit above layers of blue ridges."),
    "leadership-offsite": (RED, "Warm red ridges by a lake at sunset."),
}


@dataclass(frozen=True)
class File:
    """A file to attach: its name, bytes and (for images) alt text."""

    name: str
    content: bytes
    alt: str = ""


def _handle(post: Post) -> str | None:
    return post.community.handle if post.community is not None else None


class _Story:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.now = ctx.now
        self.communities: dict[str, Community] = ctx.extra.get("communities.communities", {})
        departments = {d.pk: name for name, d in ctx.departments.items()}
        self.department = {u.pk: departments.get(u.department_id or 0, "") for u in ctx.people}
        self.city = {
            u.pk: next((n for n, loc in ctx.locations.items() if loc.pk == u.location_id), "")
            for u in ctx.people
        }
        self.fixed = {u.pk for u in ctx.accounts.values()}
        self.active = [u for u in ctx.people if u.is_active and u.role != Role.GUEST]
        self.members: dict[str, set[int]] = {}
        self.used: set[int] = set()

    # --- People and the actions ----------------------------------------------------------------

    def person(
        self,
        department: str | None = None,
        *,
        community: str | None = None,
        title: str = "",
        city: str = "",
        fresh: bool = True,
    ) -> User | None:
        """Someone fitting the description, not yet in the story if possible (stable order)."""
        allowed = self.member_ids(community) if community else None
        candidates = [
            u
            for u in self.active
            if u.pk not in self.fixed
            and (department is None or self.department[u.pk] == department)
            and (allowed is None or u.pk in allowed)
            and title in u.title
            and (not city or self.city[u.pk] == city)
        ]
        unused = [u for u in candidates if u.pk not in self.used]
        pool = unused if (fresh and unused) else candidates
        if not pool:
            return None
        chosen = self.rng.choice(pool)
        self.used.add(chosen.pk)
        return chosen

    def head(self, department: str) -> User | None:
        ceo = self.ctx.accounts.get("ceo")
        for user in self.active:
            if (
                self.department[user.pk] == department
                and ceo is not None
                and self.ctx.managers.get(user.pk) == ceo.pk
            ):
                return user
        return self.person(department)

    def member_ids(self, handle: str | None) -> set[int]:
        if handle is None or handle not in self.communities:
            return set()
        if handle not in self.members:
            self.members[handle] = set(
                Membership.objects.filter(
                    community=self.communities[handle], status=MembershipStatus.ACTIVE
                )
                .order_by("user_id")
                .values_list("user_id", flat=True)
            )
        return self.members[handle]

    def is_member(self, user: User, handle: str | None) -> bool:
        return handle is None or user.pk in self.member_ids(handle)

    def post(
        self,
        author: User,
        when: dt.datetime,
        body: str,
        *,
        community: str | None = None,
        question: bool = False,
        files: Sequence[File] = (),
    ) -> Post | None:
        if community is not None and (
            community not in self.communities or not self.is_member(author, community)
        ):
            community = None
        if not self.ctx.photos:
            files = ()  # a demo without pictures (``--no-photos``) writes no files at all
        with self.ctx.at(when):
            post = create_post(
                author,
                body=body,
                kind=PostKind.QUESTION if question else PostKind.POST,
                community_handle=community,
            )
            for file in files:
                upload = SimpleUploadedFile(file.name, file.content)
                do_add_attachment(actor=author, post=post, upload=upload, alt_text=file.alt)
        return post

    def replies(
        self, post: Post | None, lines: Sequence[tuple[User | None, str]], *, gap: float = 40
    ) -> list[Reply]:
        """Replies in order, each some minutes after the last; a line whose author cannot see
        the post's community is left out (so nobody answers what they cannot read)."""
        written: list[Reply] = []
        if post is None:
            return written
        handle = _handle(post)
        when = post.created_at
        for author, body in lines:
            if author is None or not self.is_member(author, handle):
                continue
            when = when + dt.timedelta(minutes=gap * self.rng.uniform(0.4, 1.8))
            with self.ctx.at(when):
                written.append(do_create_reply(author=author, post=post, body=body))
        return written

    def react(self, post: Post | None, kind: str, count: int, *, also: Sequence[User] = ()) -> None:
        """``count`` people who can see ``post`` react with ``kind`` (and ``also`` these).

        Each goes through the action, so counters and the author's folded notification are the
        real ones."""
        if post is None:
            return
        # The counts are for the default 300 people; a smaller company reacts less.
        count = max(2, round(count * min(1.0, len(self.active) / 300)))
        handle = _handle(post)
        pool = [u for u in self.active if u.pk != post.author_id and self.is_member(u, handle)]
        # Most reactions come from the author's own department, as in the rest of the demo.
        own = [u for u in pool if self.department[u.pk] == self.department[post.author_id]]
        near = self.rng.sample(own, min(len(own), round(count * 0.9)))
        rest = self.rng.sample(pool, min(len(pool), count - len(near)))
        people = list({u.pk: u for u in [*also, *near, *rest]}.values())
        people = [u for u in people if u.pk != post.author_id and self.is_member(u, handle)]
        moments = [post.created_at + dt.timedelta(minutes=20 + 9 * i) for i in range(len(people))]
        for user, moment in zip(people, moments, strict=True):
            with self.ctx.at(moment):
                do_react(user=user, post=post, kind=kind)

    def accept(self, post: Post | None, reply: Reply | None) -> None:
        if post is None or reply is None or reply.author_id == post.author_id:
            return
        with self.ctx.at(reply.created_at + dt.timedelta(minutes=35)):
            do_accept_answer(actor=post.author, post=post, reply=reply)

    def pdf(self, title: str, sections: Sequence[tuple[str, str]], *, footer: str) -> bytes:
        return draw.pdf(title, sections, footer=footer, created=self.now - dt.timedelta(days=1))

    def day(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)

    # --- Covers ----------------------------------------------------------------------------------

    def covers(self) -> int:
        done = 0
        if not self.ctx.photos:
            return done
        for handle, community in self.communities.items():
            colour, alt = COVERS.get(handle, (GREEN, "Green hills under a pale sky."))
            owner = Membership.objects.filter(community=community, role="owner").first()
            if owner is None:
                continue
            upload = SimpleUploadedFile("cover.jpg", draw.cover(f"{handle}", colour))
            with self.ctx.at(community.created_at + dt.timedelta(hours=2)):
                do_set_cover(actor=owner.user, community=community, upload=upload, alt_text=alt)
            done += 1
        return done

    # --- The launch ------------------------------------------------------------------------------

    def launch(self, monday: dt.date) -> None:
        product = text.LAUNCH_PRODUCT
        member = self.ctx.accounts.get("member")
        ceo = self.ctx.accounts.get("ceo")
        marketing = self.head("Marketing")
        product_head = self.head("Product")
        merchandiser = self.person("Retail Stores", community="retail-emea", title="Visual")
        support = self.head("Customer Support")
        advisor = self.person("Customer Support", community="customer-care")
        ops = self.person("Operations")
        store_manager = self.person("Retail Stores", community="retail-emea", title="Manager")
        store_staff = self.person("Retail Stores", community="retail-emea")
        store_staff_2 = self.person("Retail Stores", community="retail-emea")
        if marketing is None or product_head is None or member is None:
            return
        store = "Covent Garden"

        teaser = self.post(
            marketing,
            self.day(monday - dt.timedelta(days=12), 9, 5),
            f"Something new is coming to the trail on {monday:%-d %B}. Posters go to every store "
            "this Thursday: please keep them in the stockroom until launch morning. #launch",
            files=[
                File(
                    "trailhead-teaser-poster.jpg",
                    draw.poster(
                        "Coming soon",
                        "Lighter. Drier. Ready for the long way round.",
                        f"In stores {monday:%-d %B}",
                        base=ORANGE,
                        seed="teaser",
                    ),
                    "Teaser poster: orange hills under a starry sky, headline 'Coming soon', "
                    f"'In stores {monday:%-d %B}' at the bottom.",
                )
            ],
        )
        self.replies(
            teaser,
            [
                (ceo, "This is the one I have been waiting for. Thank you for keeping it secret!"),
                (
                    store_manager,
                    "Can we get one poster early for the staff room? The team keep asking "
                    "what is in the boxes.",
                ),
                (marketing, "Yes: the staff-room copy is in the same tube, marked 'open me'."),
            ],
        )
        self.react(teaser, "love", 14)

        guide_sections = [
            (
                "What is launching",
                f"{product} is our new line of packs: the 22 L daypack and the 40 L trekking "
                "pack, both with the new weatherproof zip and a hip belt that adjusts on the move.",
            ),
            (
                "Before launch morning",
                "- Build bay 4 as in the wall plan, daypacks at eye level.\n"
                "- Fill one 40 L pack with 8 kg so customers can try the hip belt.\n"
                "- Put the teaser posters up by the tills before opening.",
            ),
            (
                "What customers will ask",
                "- Is it waterproof? The fabric and zip are; the seams are taped.\n"
                "- Does the 40 L fit as cabin luggage? Yes, with the hip belt tucked in.\n"
                "- Price: 22 L is 89, 40 L is 149 (local prices in the till).",
            ),
            ("Questions", "Ask in Retail EMEA or Retail Americas: Product answers every day."),
        ]
        wall = self.post(
            merchandiser or store_manager or product_head,
            self.day(monday - dt.timedelta(days=5), 10, 30),
            f"Wall plan and launch guide for {product} are here. Bay 4 moves: daypacks at eye "
            "level, the 40 L below, rain covers and bottles beside them. Build it on Sunday "
            "evening if you can. #launch #visualmerch",
            community="retail-emea",
            files=[
                File(
                    "trailhead-bay-4-wall-plan.jpg",
                    draw.planogram(
                        f"Bay 4: {product} wall",
                        [
                            ["Daypack 22 L, slate", "Daypack 22 L, forest", "Daypack 22 L, sunset"],
                            ["Trekking 40 L, slate", "Trekking 40 L, forest", "Rain covers"],
                            ["Glacier bottles", "Lumen head torches", "Maps", "Gift cards"],
                        ],
                        seed="bay4",
                    ),
                    f"Shelf plan for bay 4: top shelf three {product} daypacks in slate, forest "
                    "and sunset; middle shelf the 40 L packs and rain covers; bottom shelf "
                    "bottles, head torches, maps and gift cards.",
                ),
                File(
                    "trailhead-3-launch-guide-for-stores.pdf",
                    self.pdf(
                        f"{product}: launch guide for stores",
                        guide_sections,
                        footer="Fernwick Outdoor Co. - for store teams",
                    ),
                ),
            ],
        )
        answers = self.replies(
            wall,
            [
                (store_manager, "Where do the rain covers go if our bay 4 is only two shelves?"),
                (
                    merchandiser or store_manager or product_head,
                    "Hang them on the end hook of the middle shelf, and move the bottles to "
                    "the till point.",
                ),
                (
                    store_staff,
                    "Built ours tonight. The sunset daypack looks even better in real life.",
                ),
            ],
        )
        self.react(wall, "insightful", 9)
        if answers:
            self.react_reply(answers[-1], 4)

        launch_post = self.post(
            product_head,
            self.day(monday, 8, 0),
            f"{product} is in every store and online from this morning. Two years of work, "
            f"forty field testers and one very stubborn zip. Thank you all, and special thanks "
            f"to @{member.username} for running the field test diaries. #launch",
            files=[
                File(
                    "trailhead-3-launch-poster.jpg",
                    draw.poster(
                        product,
                        "Lighter. Drier. Ready for the long way round.",
                        "In stores and online now",
                        base=GREEN,
                        seed="launch",
                    ),
                    f"Launch poster: '{product}' in large white letters over green hills, "
                    "'In stores and online now' at the bottom.",
                )
            ],
        )
        replies = self.replies(
            launch_post,
            [
                (ceo, "Proud of this team. Go and see the wall in a store if you can today."),
                (
                    store_staff_2,
                    f"First customer at {store} bought two daypacks at 9:02, one for her daughter.",
                ),
                (member, "The field testers will love seeing this. Diaries are in the drive."),
                (support, "Support is ready: the FAQ and replies for sizing questions are live."),
            ],
        )
        self.react(launch_post, "celebrate", 30, also=[member])
        if replies:
            self.react_reply(replies[1], 6)

        sales = self.post(
            ops or product_head,
            self.day(monday + dt.timedelta(days=7), 9, 40),
            f"First week of {product}: 7,420 packs sold, 61% in stores. The 22 L sunset colour "
            "is sold out in London and Berlin; more arrives Thursday. Chart and the figures by "
            "day attached. #launch",
            files=[
                File(
                    "trailhead-first-week-sales.jpg",
                    draw.bar_chart(
                        f"{product}: packs sold in launch week",
                        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                        [1480, 920, 810, 860, 1030, 1540, 780],
                        note="Stores and online, all regions",
                    ),
                    "Bar chart of packs sold per day in launch week: 1,480 on Monday, about 800 "
                    "to 1,000 midweek, 1,540 on Saturday, 780 on Sunday.",
                ),
                File(
                    "trailhead-first-week-sales.csv",
                    draw.csv_text(
                        ["day", "stores", "online", "total"],
                        [
                            ("Monday", 930, 550, 1480),
                            ("Tuesday", 540, 380, 920),
                            ("Wednesday", 470, 340, 810),
                            ("Thursday", 520, 340, 860),
                            ("Friday", 640, 390, 1030),
                            ("Saturday", 1060, 480, 1540),
                            ("Sunday", 370, 410, 780),
                        ],
                    ),
                ),
            ],
        )
        self.replies(
            sales,
            [
                (
                    marketing,
                    "Saturday is the poster effect: footfall was up 18% on the week before.",
                ),
                (ops, "Thursday's delivery has 600 sunset daypacks, split by last week's sales."),
            ],
        )
        self.react(sales, "celebrate", 18)

        feedback = self.post(
            support or advisor or product_head,
            self.day(monday + dt.timedelta(days=10), 14, 10),
            f"Field feedback on {product}: 14 customers in ten days say the hip-belt buckle on "
            "the 40 L slips when it is wet. Photos are in the tickets. Is this a known issue, "
            "and what should we tell them? #launch #customerfeedback",
            community="customer-care",
            question=True,
            files=[
                File(
                    "trailhead-buckle-contacts-by-day.jpg",
                    draw.bar_chart(
                        "Contacts about the 40 L hip-belt buckle",
                        ["Day 1-2", "Day 3-4", "Day 5-6", "Day 7-8", "Day 9-10"],
                        [1, 2, 3, 3, 5],
                        note="Chat, e-mail and phone; all regions",
                    ),
                    "Bar chart of customer contacts about the buckle: 1, 2, 3, 3 and 5 in "
                    "each two-day period since launch.",
                ),
                File(
                    "trailhead-buckle-contacts.csv",
                    draw.csv_text(
                        ["day", "channel", "region", "after_rain"],
                        [
                            (d, c, r, w)
                            for d, c, r, w in zip(
                                [2, 3, 4, 5, 5, 6, 7, 7, 8, 8, 9, 9, 10, 10],
                                ["chat", "email", "phone", "chat"] * 4,
                                ["EMEA", "Americas", "EMEA", "APAC", "EMEA", "Americas", "EMEA"]
                                * 2,
                                ["yes", "yes", "no", "yes", "yes", "yes", "yes"] * 2,
                                strict=False,
                            )
                        ],
                    ),
                ),
            ],
        )
        answers = self.replies(
            feedback,
            [
                (advisor, "Two more today, both after rain. Both customers still love the pack."),
                (
                    product_head,
                    "Known since Tuesday and reproduced in the lab: the buckle's teeth are too "
                    "shallow for the wet webbing. Tell customers a free replacement buckle is on "
                    "its way; stores will fit it in two minutes.",
                ),
            ],
        )
        if len(answers) == 2:
            self.accept(feedback, answers[1])

        retail_head = self.head("Retail Stores")
        fix = self.post(
            retail_head
            if retail_head and self.is_member(retail_head, "retail-emea")
            else store_manager or product_head,
            self.day(monday + dt.timedelta(days=21), 9, 0),
            f"The {product} buckle fix from Product is here. Boulder Buckles sent the revised buckle with "
            "deeper teeth; every store has a box of 50. Swap it for free, no receipt needed. "
            "How-to attached (two minutes, no tools). #launch #storeops",
            community="retail-emea",
            files=[
                File(
                    "trailhead-buckle-swap-how-to.pdf",
                    self.pdf(
                        f"{product} 40 L: swapping the hip-belt buckle",
                        [
                            ("You need", "The revised buckle (marked R2 inside) and the pack."),
                            (
                                "Steps",
                                "- Loosen the hip belt fully.\n"
                                "- Slide the old buckle off the webbing.\n"
                                "- Thread the R2 buckle, teeth facing the body.\n"
                                "- Pull the webbing through and test with the 8 kg pack.",
                            ),
                            ("Record it", "Scan the pack's label in the store app under Repairs."),
                        ],
                        footer="Fernwick Outdoor Co. - Product",
                    ),
                ),
                File(
                    "trailhead-buckle-swap-whiteboard.jpg",
                    draw.whiteboard(
                        "Buckle swap: four steps",
                        ["Loosen the belt", "Old buckle off", "R2 buckle on", "Test with 8 kg"],
                        seed="buckle",
                        notes=["Teeth face the body!", "Log it under Repairs"],
                    ),
                    "Whiteboard with four boxes joined by arrows: loosen the belt, old buckle "
                    "off, R2 buckle on, test with 8 kg; sticky notes say 'Teeth face the body!' "
                    "and 'Log it under Repairs'.",
                ),
            ],
        )
        self.replies(
            fix,
            [
                (store_manager, "Swapped six this morning. Customers were pleased we called them."),
                (store_staff, "Tip: wet the webbing first and the new buckle slides on easily."),
            ],
        )
        self.react(fix, "like", 12)

    def react_reply(self, reply: Reply, count: int) -> None:
        """Likes on a reply, through the action (the reply's author is notified)."""
        handle = _handle(reply.post)
        pool = [u for u in self.active if u.pk != reply.author_id and self.is_member(u, handle)]
        own = [u for u in pool if self.department[u.pk] == self.department[reply.author_id]]
        people = self.rng.sample(own or pool, min(count, len(own or pool)))
        if not people:
            return
        moments = [reply.created_at + dt.timedelta(minutes=15 + 7 * i) for i in range(len(people))]
        for user, moment in zip(people, moments, strict=True):
            with self.ctx.at(moment):
                do_react(user=user, post=reply.post, reply=reply, kind="like")

    # --- The safety campaign ---------------------------------------------------------------------

    def safety(self, start: dt.date) -> None:
        retail_head = self.head("Retail Stores")
        if retail_head is None:
            return
        with self.ctx.at(self.day(start, 8, 0)):
            do_create_announcement(
                actor=self.ctx.accounts.get("comms") or retail_head,
                title="Safe stockrooms: our four-week safety campaign",
                body=(
                    "Over the next four weeks every store walks its stockroom with the safety "
                    "checklist, fixes what it finds and posts a photo of the result in its "
                    "region's community.\n\n"
                    "- Week 1: walk the stockroom with the checklist.\n"
                    "- Week 2: clear fire exits and stairs, label heavy boxes.\n"
                    "- Week 3: check every ladder and step stool.\n"
                    "- Week 4: share what you changed.\n\n"
                    "Please acknowledge that you have read this. Questions go to your store "
                    "manager or to the store managers' community."
                ),
                departments=["Retail Stores"],
                must_read=True,
            )

        walk_author = self.person("Retail Stores", community="retail-emea", title="Manager")
        walk = self.post(
            walk_author or retail_head,
            self.day(start + dt.timedelta(days=3), 16, 20),
            "Safety walk done at our store. We found boxes on the stockroom stairs, a wobbly "
            "ladder and a fire exit half blocked by the recycling. All three fixed today. "
            "Our whiteboard from the walk is attached. #safety #storeops",
            community="retail-emea",
            files=[
                File(
                    "stockroom-safety-walk-whiteboard.jpg",
                    draw.whiteboard(
                        "Safety walk: what we found",
                        ["Boxes on the stairs", "Wobbly ladder", "Fire exit half blocked"],
                        seed="walk",
                        notes=["Step stool in every stockroom", "Label boxes over 15 kg"],
                    ),
                    "Whiteboard from a stockroom safety walk: three findings (boxes on the "
                    "stairs, a wobbly ladder, a half-blocked fire exit) and sticky notes "
                    "'Step stool in every stockroom' and 'Label boxes over 15 kg'.",
                )
            ],
        )
        self.replies(
            walk,
            [
                (
                    self.person("Retail Stores", community="retail-emea"),
                    "Same recycling problem here. We moved the cages to the loading bay.",
                ),
                (retail_head, "Great find on the ladder. Send it back: a new one ships free."),
            ],
        )
        self.react(walk, "support", 10)

        manager = self.person("Retail Stores", community="store-managers", title="Manager")
        checklist = self.post(
            retail_head
            if self.is_member(retail_head, "store-managers")
            else manager or retail_head,
            self.day(start + dt.timedelta(days=1), 9, 15),
            "The stockroom safety checklist for the campaign, one page per week. Print it, "
            "walk it with your shift leads, keep it in the store file. #safety",
            community="store-managers",
            files=[
                File(
                    "stockroom-safety-checklist.pdf",
                    self.pdf(
                        "Stockroom safety checklist",
                        [
                            (
                                "Exits and stairs",
                                "- Fire exits clear for a metre on both sides.\n"
                                "- Nothing stored on stairs or landings.",
                            ),
                            (
                                "Lifting and storage",
                                "- Boxes over 15 kg labelled and on the lowest shelf.\n"
                                "- Nothing above shoulder height without a step stool.",
                            ),
                            (
                                "Ladders and step stools",
                                "- Weekly check: feet, rungs, locks. Tag it with the date.\n"
                                "- A damaged ladder goes back to Operations the same day.",
                            ),
                            ("Sign-off", "Store manager and shift lead, with the date."),
                        ],
                        footer="Fernwick Outdoor Co. - Store safety",
                    ),
                ),
                File(
                    "stockroom-after-the-safety-walk.jpg",
                    draw.planogram(
                        "Stockroom after the walk",
                        [
                            ["Light boxes", "Rain covers", "Bottles"],
                            ["Tents", "Sleeping bags", "Daypacks"],
                            ["Heavy: stoves (15 kg+)", "Heavy: kayak kits (15 kg+)"],
                        ],
                        seed="stockroom",
                    ),
                    "Sketch of stockroom shelving after the safety walk: light boxes on top, "
                    "tents and sleeping bags in the middle, heavy boxes marked 15 kg+ on the "
                    "bottom shelf.",
                ),
            ],
        )
        self.react(checklist, "insightful", 8)
        question = self.post(
            manager or retail_head,
            self.day(start + dt.timedelta(days=8), 11, 0),
            "Do step stools count as ladders for the weekly check, or only the big ladders? "
            "#safety",
            community="store-managers",
            question=True,
        )
        expert = (
            retail_head
            if self.is_member(retail_head, "store-managers")
            else self.person("Retail Stores", community="store-managers", title="Area")
        )
        answers = self.replies(
            question,
            [
                (
                    expert,
                    "Both count. A step stool is checked the same way: feet, treads, and that it "
                    "locks open. Tag it with the date like the ladders.",
                ),
                (manager, "Thanks, we had three untagged ones. Done now."),
            ],
        )
        if answers:
            self.accept(question, answers[0])

        chart = self.post(
            retail_head,
            self.day(start + dt.timedelta(days=14), 17, 30),
            "Halfway through the safety campaign: 19 of 21 stores have walked their stockroom "
            "and 57 fixes are logged. Thank you. Two stores to go this week. #safety",
            community="store-managers",
            files=[
                File(
                    "safety-campaign-fixes-by-week.jpg",
                    draw.bar_chart(
                        "Safety campaign: fixes logged per week",
                        ["Week 1", "Week 2", "Week 3", "Week 4"],
                        [23, 34, 0, 0],
                        note="All stores; weeks 3 and 4 still to come",
                    ),
                    "Bar chart of safety fixes logged: 23 in week 1, 34 in week 2, weeks 3 and "
                    "4 not started yet.",
                ),
            ],
        )
        self.react(chart, "celebrate", 10)

    # --- The offsite -----------------------------------------------------------------------------

    def offsite(self, day: dt.date) -> None:
        comms = self.ctx.accounts.get("comms")
        member = self.ctx.accounts.get("member")
        ceo = self.ctx.accounts.get("ceo")
        if comms is None or member is None:
            return
        agenda = self.post(
            comms,
            self.day(day - dt.timedelta(days=9), 10, 0),
            f"Offsite on {day:%A %-d %B} at Lakeside Lodge: the agenda and a map of the site are "
            "attached. Coaches leave the London office at 7:30; bring boots for the afternoon "
            "walk. #offsite",
            files=[
                File(
                    "offsite-agenda.pdf",
                    self.pdf(
                        "Company offsite: agenda",
                        [
                            (
                                "Day one",
                                "- 9:30 Welcome and the year so far.\n"
                                "- 10:30 Customer panel with store managers.\n"
                                "- 13:30 Walk to the boathouse (boots!).\n"
                                "- 16:00 Team workshops: the three-year plan.\n"
                                "- 19:30 Dinner at the main hall.",
                            ),
                            (
                                "Day two",
                                "- 9:00 What we heard: workshop read-outs.\n"
                                "- 11:00 Priorities for next year.\n"
                                "- 14:00 Coaches back to the London office.",
                            ),
                            ("Practical", "Rooms are shared in pairs; dietary needs to Camille."),
                        ],
                        footer="Fernwick Outdoor Co. - Offsite",
                    ),
                ),
                File(
                    "offsite-site-map.jpg",
                    draw.site_map(
                        "Lakeside Lodge: site map",
                        [
                            ("Coach park", 0.05, 0.05),
                            ("Main hall", 0.25, 0.35),
                            ("Workshop barn", 0.45, 0.15),
                            ("Boathouse", 0.62, 0.45),
                            ("Fire pit", 0.5, 0.9),
                        ],
                        seed="lodge",
                    ),
                    "Site map of Lakeside Lodge: a path from the coach park to the main hall, "
                    "the workshop barn, the boathouse by the lake and the fire pit.",
                ),
            ],
        )
        asker = self.person("Sales")
        answers = self.replies(
            agenda,
            [
                (asker, "Is there a coach from Berlin too, or do we fly in the night before?"),
                (comms, "Berlin flies in the night before; the hotel is booked for you."),
                (self.person("Engineering"), "Can we join the workshops remotely for day two?"),
                (comms, "Yes, the read-outs are streamed; the link will be in the event."),
            ],
        )
        self.react(agenda, "like", 20)

        photos = self.post(
            member,
            self.day(day + dt.timedelta(days=2), 18, 30),
            "A few photos from the offsite: the walk to the boathouse, the lake at sunset and "
            "the view from the workshop barn. What a place. #offsite",
            files=[
                File(
                    f"offsite-photo-{index + 1}.jpg",
                    draw.landscape_photo(f"offsite-{index}", colour, caption=caption),
                    alt,
                )
                for index, (colour, caption, alt) in enumerate(
                    [
                        (
                            BLUE,
                            "The walk to the boathouse",
                            "Blue hills over a lake in the evening, a path towards the water.",
                        ),
                        (
                            ORANGE,
                            "Sunset over the lake",
                            "The sun low over orange hills, reflected in a calm lake.",
                        ),
                        (
                            GREEN,
                            "From the workshop barn",
                            "Green hills in layers seen from above, a lake below.",
                        ),
                    ]
                )
            ],
        )
        self.replies(
            photos,
            [
                (ceo, "The sunset one should be our next campaign photo."),
                (self.person("Marketing"), "Agreed! Sam, can we use them in the newsletter?"),
                (member, "Of course, they are all yours."),
                (asker, "The walk to the boathouse was the best hour of the two days."),
            ],
        )
        self.react(photos, "love", 24)

        board = self.post(
            ceo or comms,
            self.day(day + dt.timedelta(days=3), 8, 45),
            "What we heard at the offsite, straight from the whiteboard: fewer priorities, "
            "done better. The three for next year are below; the full read-out is at the town "
            "hall. #offsite #townhall",
            files=[
                File(
                    "offsite-whiteboard-priorities.jpg",
                    draw.whiteboard(
                        "Next year: three priorities",
                        [
                            "Every store a repair point",
                            "Click-and-collect in 2 hours",
                            "Launch Trailhead 3.0",
                        ],
                        seed="offsite-board",
                        notes=["Fewer priorities, done better", "Customers first: ask the stores"],
                    ),
                    "Whiteboard from the offsite with three priorities joined by arrows: every "
                    "store a repair point, click-and-collect in two hours, launch Trailhead 3.0.",
                )
            ],
        )
        self.replies(
            board,
            [
                (
                    self.head("Operations"),
                    "Repair points: Operations will share a plan by the end of the month.",
                ),
                (
                    self.person("Retail Stores"),
                    "Two-hour click-and-collect will make Saturdays so much easier.",
                ),
            ],
        )
        self.react(board, "insightful", 25)
        del answers

    # --- Help desk and clubs ---------------------------------------------------------------------

    def clubs(self) -> None:
        """A how-to in Ask IT and a route in Trail runners, each with a picture and a document."""
        admin = self.ctx.accounts.get("admin")
        if admin is not None and self.is_member(admin, "ask-it"):
            guide = self.post(
                admin,
                self.now - dt.timedelta(days=12, hours=4),
                "How to set up the new docks: one cable from the laptop, screens into the dock, "
                "then update the dock's firmware from the software centre. Picture of the "
                "wiring and a one-page guide attached. #laptops",
                community="ask-it",
                files=[
                    File(
                        "dock-setup-wiring.jpg",
                        draw.whiteboard(
                            "Dock set-up",
                            ["Laptop: one USB-C cable", "Dock", "Screens: HDMI or DisplayPort"],
                            seed="dock",
                            notes=["Update the dock's firmware first", "Charger goes in the dock"],
                        ),
                        "Sketch of a dock set-up: the laptop joined to the dock by one USB-C "
                        "cable, screens plugged into the dock; notes say update the firmware "
                        "first and plug the charger into the dock.",
                    ),
                    File(
                        "dock-setup-guide.pdf",
                        self.pdf(
                            "Setting up your dock",
                            [
                                (
                                    "Steps",
                                    "- Plug the charger into the dock, not the laptop.\n"
                                    "- Join laptop and dock with the USB-C cable.\n"
                                    "- Plug your screens into the dock.\n"
                                    "- Software centre: install 'Dock firmware', restart.",
                                ),
                                ("Still stuck?", "Ask in Ask IT or call the service desk."),
                            ],
                            footer="Fernwick Outdoor Co. - IT",
                        ),
                    ),
                ],
            )
            self.replies(
                guide,
                [
                    (
                        self.person(community="ask-it"),
                        "Worked first time, thank you. Two screens at last.",
                    ),
                ],
            )
            self.react(guide, "insightful", 9)
        runner = self.person(community="trail-runners")
        if runner is not None:
            route = self.post(
                runner,
                self.now - dt.timedelta(days=8, hours=6),
                "Sunday's long run: 18 km round the reservoir, easy pace, meeting at the car park "
                "at 8:00. Map and the route card attached. Who is in?",
                community="trail-runners",
                files=[
                    File(
                        "sunday-long-run-map.jpg",
                        draw.site_map(
                            "Sunday long run: 18 km",
                            [
                                ("Car park (start)", 0.04, 0.1),
                                ("Woods, 5 km", 0.3, 0.45),
                                ("Dam, 9 km", 0.6, 0.3),
                                ("Ridge, 14 km", 0.85, 0.85),
                                ("Café", 0.4, 0.92),
                            ],
                            seed="run",
                        ),
                        "Route map of an 18 km run: from the car park through the woods to the "
                        "dam, along the ridge and back to the café.",
                    ),
                    File(
                        "sunday-long-run-route-card.pdf",
                        self.pdf(
                            "Route card: Sunday long run",
                            [
                                (
                                    "Route",
                                    "- 0 km: car park.\n- 5 km: woods (muddy after rain).\n"
                                    "- 9 km: the dam, water tap.\n- 14 km: ridge, windy.\n"
                                    "- 18 km: café.",
                                ),
                                ("Pace", "Easy, about 6:30 per km; nobody is left behind."),
                            ],
                            footer="Fernwick trail runners",
                        ),
                    ),
                ],
            )
            self.replies(
                route,
                [
                    (
                        self.person(community="trail-runners"),
                        "In! Is the dam path open again after the storm?",
                    ),
                    (runner, "Yes, it reopened on Wednesday. Bring a layer for the ridge."),
                ],
            )
            self.react(route, "like", 7)

    # --- Notifications of other kinds ------------------------------------------------------------

    def everyday(self) -> None:
        """An accepted answer, an announcement, a place off a waitlist and a join request."""
        member = self.ctx.accounts.get("member")
        comms = self.ctx.accounts.get("comms")
        if member is None or comms is None:
            return
        # A question in Ask IT that the member answers, and the asker accepts.
        asker = self.person(community="ask-it") if "ask-it" in self.communities else None
        if asker is not None and self.is_member(member, "ask-it"):
            question = self.post(
                asker,
                self.now - dt.timedelta(days=4, hours=3),
                "The new laptop will not show my second screen through the dock. Any idea "
                "before I raise a ticket?",
                community="ask-it",
                question=True,
            )
            answers = self.replies(
                question,
                [
                    (
                        member,
                        "Had the same: update the dock's firmware from the software centre and "
                        "restart with the screen plugged in. Worked first time for me.",
                    ),
                    (asker, "That was it, thank you!"),
                ],
            )
            if answers:
                self.accept(question, answers[0])
        # Comms tells everyone: an announcement that reaches the member's notifications.
        with self.ctx.at(self.now - dt.timedelta(days=2, hours=5)):
            do_create_announcement(
                actor=comms,
                title="Town hall on Thursday: your questions",
                body=(
                    "Thursday's town hall is at 16:00 London time, in the big meeting room and "
                    "online. We will cover the launch so far, the safety campaign in the stores "
                    "and the offsite's three priorities.\n\nAdd your questions as replies to "
                    "this announcement, or send them to me."
                ),
            )
        # A fitting clinic that fills up; the member gets the place someone gives back.
        organiser = self.head("Retail Stores")
        if organiser is not None:
            starts = self.day(self.now.date() + dt.timedelta(days=9), 17, 0)
            with self.ctx.at(self.now - dt.timedelta(days=6)):
                event = create_event(
                    organiser,
                    title=f"{text.LAUNCH_PRODUCT} fitting clinic",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=1, minutes=30),
                    timezone_name="Europe/London",
                    location="Covent Garden store, upstairs",
                    capacity=8,
                    description=(
                        "Learn to fit a pack in five minutes: back length, hip belt, load "
                        "lifters. Bring a customer story."
                    ),
                )
            self.fill_clinic(event, member)
        # Someone asks to join a closed community that comms moderates.
        handle = "sustainability-champions"
        community = self.communities.get(handle)
        if community is not None:
            joiner = next(
                (
                    u
                    for u in self.active
                    if u.pk not in self.fixed
                    and not Membership.objects.filter(community=community, user=u).exists()
                ),
                None,
            )
            if joiner is not None:
                with self.ctx.at(self.now - dt.timedelta(hours=20)):
                    do_join(actor=joiner, community=community)

    def fill_clinic(self, event: Event, member: User) -> None:
        assert event.capacity is not None
        going = [u for u in self.active if u.pk not in self.fixed][: event.capacity]
        moment = self.now - dt.timedelta(days=5)
        for index, user in enumerate([*going, member]):
            with self.ctx.at(moment + dt.timedelta(hours=index)):
                do_rsvp(actor=user, event=event, status="going")
        # The first to sign up cannot make it after all: the member is next in line.
        with self.ctx.at(self.now - dt.timedelta(days=1, hours=2)):
            do_rsvp(actor=going[0], event=event, status="not_going")


def build(ctx: DemoContext) -> None:
    """Covers, the launch, the safety campaign, the offsite and notifications of every kind."""
    if "communities.communities" not in ctx.extra or "member" not in ctx.accounts:
        return
    story = _Story(ctx)
    covers = story.covers()
    events = ctx.extra.get("feed.events", {})
    launch = events.get("launch", (ctx.now.date() - dt.timedelta(days=49),))[0]
    offsite = events.get("offsite", (ctx.now.date() - dt.timedelta(days=95),))[0]
    story.offsite(offsite)
    story.launch(launch)
    story.safety(ctx.now.date() - dt.timedelta(days=16))
    story.clubs()
    story.everyday()
    ctx.notes.append(
        f"Story: the {text.LAUNCH_PRODUCT} launch (week of {launch}), the stores' safety "
        f"campaign and the offsite ({offsite}), with photos and documents; {covers} community "
        "covers."
    )
