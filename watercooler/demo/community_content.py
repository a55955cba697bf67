"""The demo's conversation in communities: a step after the feed demo (and after communities).

The feed demo writes six months of posts as if there were no communities; this step moves a
share of them into the community they belong to, and writes what only a community would hold:

* Posts whose subject fits a community and whose author was a member when they wrote it move
  in: IT questions to "Ask IT", the support team's talk to "Customer care worldwide", store
  talk to the regional retail communities, "… the Berlin office" to "Berlin office", and so on.
  A post moves into a closed or secret community only if everyone who replied, reacted, voted
  or was mentioned is a member too, so nobody took part in a conversation they cannot see.
  Posts in communities are always to "everyone" (the community decides who sees them).
* Each interest group, project and closed function gets posts of its own, with replies and
  reactions by its members only (the secret projects' posts never leave them): welcome posts
  pinned by the owner, questions with an answer accepted and some without, one community
  announcement to acknowledge.
* Accepted answers get their ``accepted_by`` (the asker, or in "Ask IT" sometimes a moderator).

Nothing here goes through the actions: this is more of the feed's conversation (about 140 posts
of the communities' own, with their replies and reactions, at 300 people, growing with the
organisation), drawn and written in bulk the same way, sharing its rule that no line is said
twice. The community announcement is written in bulk with its receipts, like the feed's (days
of reading by its members, history the action cannot write after the fact; its audience, unlike
the action's, includes its author). Counters stay exact: ``Community.post_count`` and
``last_activity_at`` are recomputed from the rows, and new posts carry reply and reaction counts
from the rows written with them.

Long on purpose: the communities' own conversation (texts and how they are placed) in one place.
"""

import datetime as dt
import math
import random
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, Max

from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.communities.models import Community, Membership, Privacy
from watercooler.core.markdown import render_markdown
from watercooler.demo.context import DemoContext
from watercooler.demo.feed_text import P, Plan, addressed
from watercooler.demo.people_data import LOCATIONS
from watercooler.feed.actions import mention_url, topic_url
from watercooler.feed.models import (
    Audience,
    Mention,
    PollVote,
    Post,
    PostKind,
    Reaction,
    ReactionKind,
    Reply,
    Topic,
)

BATCH = 2000
# A reply's text appears in at most this many threads (as in the feed step).
MAX_REPLY_THREADS = 3
OUTDOORS = {spec.name: spec.outdoors for spec in LOCATIONS}
STORES = {spec.name: spec.stores for spec in LOCATIONS}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
IT_TOPICS = {"servicedesk", "security", "laptops"}
IT_WORDS = ("VPN", "card reader", "laptop", "Wi-Fi", "two-factor")
SUPPORT_TOPICS = {"csat", "supportqueue", "customerfeedback", "wins", "kudos"}
STORE_TOPICS = {"storeops", "visualmerch", "storewins"}
REACTION_KINDS = [k.value for k in ReactionKind]
REACTION_WEIGHTS = (68, 10, 8, 8, 3, 3)


@dataclass(frozen=True)
class Move:
    """Which feed posts belong in a community, and the share of them that moved there."""

    handle: str
    share: float
    fits: Callable[["_Candidate"], bool]


@dataclass(eq=False)
class _Candidate:
    pk: int
    author_id: int
    kind: str
    body: str
    created_at: dt.datetime
    department: str
    city: str
    topics: set[str] = field(default_factory=set)
    # Everyone who replied, reacted, voted or was mentioned in the thread.
    involved: set[int] = field(default_factory=set)


MOVES: tuple[Move, ...] = (
    Move(
        "ask-it",
        0.85,
        lambda c: (
            bool(c.topics & IT_TOPICS)
            or (c.kind == PostKind.QUESTION and any(word in c.body for word in IT_WORDS))
            or (c.department == "IT" and not c.topics)
        ),
    ),
    Move(
        "customer-care",
        0.75,
        lambda c: c.department == "Customer Support" and c.topics <= SUPPORT_TOPICS,
    ),
    Move("store-managers", 0.5, lambda c: c.department == "Retail Stores" and c.kind != "poll"),
    Move(
        "retail-emea",
        0.6,
        lambda c: c.department == "Retail Stores" and c.topics <= STORE_TOPICS | {"kudos"},
    ),
    Move(
        "retail-americas",
        0.6,
        lambda c: c.department == "Retail Stores" and c.topics <= STORE_TOPICS | {"kudos"},
    ),
    Move("berlin-office", 0.8, lambda c: c.city == "Berlin" and "Berlin office" in c.body),
    Move("london-hq", 0.8, lambda c: c.city == "London" and "London office" in c.body),
    Move("sustainability-champions", 0.7, lambda c: "sustainability" in c.topics),
    Move(
        "data-guild",
        0.6,
        lambda c: "experiments" in c.topics or "A/B test" in c.body or "data on returns" in c.body,
    ),
    Move("trail-runners", 0.7, lambda c: "field test this weekend" in c.body),
)


@dataclass(frozen=True)
class Script:
    """What a community's own threads say: posts and questions, each with its own replies
    (``text.Plan``: for a question the first reply is the answer that may be accepted)."""

    posts: tuple[Plan, ...]
    questions: tuple[Plan, ...] = ()
    welcome: Plan | None = None
    # Posts per member (at least three, at most forty).
    rate: float = 0.4


SCRIPTS: dict[str, Script] = {
    "ask-it": Script(
        posts=(
            P(
                "Planned maintenance: sign-in may ask you to approve twice on {day} evening.",
                "Does that affect the store tills too?",
                "^No, the tills sign in separately.",
            ),
            P(
                "New laptops for the {city} refresh are in. Book a swap slot with the service "
                "desk.",
                "Booked for {day}. Do I need to back anything up?",
                "^No, files sync on their own; just bring the charger.",
            ),
            P(
                "Phishing going round pretending to be a delivery notice from {supplier}. Report "
                "it, do not click.",
                "Got one this morning, reported. Thanks for the warning.",
            ),
        ),
        questions=(
            P(
                "My laptop says the disk is full but I only have documents on it. What can I "
                "clear?",
                "Clear the downloads folder and empty the bin: that usually frees gigabytes.",
                "^That freed {n} GB, thank you!",
            ),
            P(
                "How do I get the shared printer in {city} on my laptop?",
                "Open the software centre and install the {city} printer package, it sets it up.",
                "^Printing, thanks.",
            ),
            P(
                "Is there a way to stay signed in to the tills for a whole shift?",
                "Yes, shift mode in the till settings keeps you signed in for ten hours.",
                "^Perfect, that saves us a lot of sign-ins.",
            ),
            P(
                "Teams calls keep dropping on the store Wi-Fi at {store}. Anyone else?",
                "We moved the access point last week: it should be better now, tell us if not.",
                "^Two calls today without a drop. Thanks!",
            ),
        ),
        welcome=P(
            "Welcome to Ask IT! Ask anything about laptops, sign-in, Wi-Fi and the tills: the "
            "service desk answers here on working days in every time zone. When an answer "
            "solves it, mark it as accepted so the next person finds it. Never post a password "
            "or a one-time code.",
            "Great idea, much better than e-mail.",
        ),
        rate=0.06,
    ),
    "customer-care": Script(
        posts=(
            P(
                "Handing over to the Americas shift: {n} open chats, nothing urgent, one "
                "warranty claim waiting for photos.",
                "Thanks for the handover! I will chase the photos first thing.",
            ),
            P(
                "APAC handover: queue is clear, {n} follow-ups scheduled for tomorrow morning.",
                "Clear queue, lovely. Picking up the follow-ups now.",
            ),
            P(
                "Customers keep asking about the {product} restock. Product says {day}.",
                "Is that {day} online or in stores too?",
                "^Both, stores a day later.",
            ),
        ),
        questions=(
            P(
                "Can we refund shipping when the {product} arrives damaged, or only the item?",
                "Both: shipping is refunded when the item arrives damaged, it is in the policy.",
                "^Thanks, refunding both.",
            ),
            P(
                "What do we tell customers in {city} about weekend deliveries now?",
                "Weekend delivery is Saturday only there now, the reply template is updated.",
                "^Got it, thanks.",
            ),
        ),
        welcome=P(
            "Welcome to Customer care worldwide: everyone who talks to our customers, in every "
            "time zone. Use it for handovers between shifts, policy questions (mark the answer "
            "that is right) and what customers tell us. Never post a customer's name or order "
            "number: link the ticket.",
            "Handovers here instead of e-mail will save us so much time.",
        ),
        rate=0.1,
    ),
    "store-managers": Script(
        posts=(
            P(
                "Weekend sales at {store} up {pct}% on last year. What worked: people on the "
                "floor, not behind the till.",
                "How did you staff the floor without a longer queue at the till?",
                "^One person floats between the two and watches the queue.",
            ),
            P(
                "Reminder: stock count returns are due {day}.",
                "Is it the full count or the cycle count this time?",
                "^Cycle count: footwear and tents.",
            ),
            P(
                "Hiring {n} seasonal staff for {store}. Happy to share the interview questions "
                "that work for us.",
                "Yes please, our seasonal hires leave too early.",
                "^Sent them over. The question about rainy days is the best one.",
            ),
        ),
        questions=(
            P(
                "How are you handling rota swaps with the new weekend rota?",
                "We let people swap among themselves and I approve in the app once a day.",
                "Same, and swaps close on Thursday for the weekend.",
            ),
            P(
                "Has anyone trialled opening an hour later on Mondays?",
                "We tried it in {store}: footfall before 10 was tiny, nobody noticed.",
                "^Useful, we will try it next month.",
            ),
        ),
        welcome=P(
            "Welcome to Store managers. Figures shared here stay here until they are published. "
            "Post your questions: someone has had the same problem in another store.",
            "Glad we have a place for this at last.",
        ),
        rate=0.8,
    ),
    "retail-emea": Script(
        posts=(
            P(
                "{store} had its busiest Saturday of the season. Thank you all for the long "
                "shifts.",
                "What was the busiest hour?",
                "^Two till three, the queue went out of the door.",
            ),
            P(
                "Visual merchandising guide for the new window is in the files, install by {day}.",
                "Do we need the new mannequins for it?",
                "^No, the current ones work, only the props change.",
            ),
            P(
                "Delivery to {store} moves to {day} morning this week.",
                "Thanks for the heads-up, I will move the early shift.",
            ),
        ),
        questions=(
            P(
                "Does any store have spare {product} stock in medium?",
                "We have {m} at {store}, I will send them over on {day}.",
                "^Thank you, that saves a sale.",
            ),
            P(
                "Who has the key for the repair bench cabinet at {store}?",
                "The shift lead has it, it lives in the safe.",
                "^Found it, thanks.",
            ),
        ),
        rate=0.25,
    ),
    "berlin-office": Script(
        posts=(
            P(
                "Friday breakfast is on the third floor this week, bring your own mug.",
                "Is it the bakery from round the corner again?",
                "^Yes, with the poppy seed rolls.",
            ),
            P(
                "The lifts are serviced on {day}: stairs only in the morning.",
                "Thanks, I will move my deliveries to the afternoon.",
            ),
            P(
                "Desk booking tip: the quiet floor is full on Tuesdays, Thursdays are easy.",
                "Good to know, I always wondered why Tuesday was so hard.",
            ),
        ),
        questions=(
            P(
                "Is anyone driving to the distribution centre on {day}? I need a lift.",
                "I am, leaving at 9 from the front door.",
                "^Perfect, see you there.",
            ),
            P(
                "Where do we keep the spare keyboards?",
                "In the cupboard next to the kitchen, top shelf.",
                "^Got one, thanks.",
            ),
        ),
        rate=0.2,
    ),
    "data-guild": Script(
        posts=(
            P(
                "SQL clinic notes are up: window functions for weekly cohorts.",
                "Can you share the query for the cohort chart?",
                "^It is at the end of the notes, with comments.",
            ),
            P(
                "New dashboard: returns by product and reason, refreshed nightly.",
                "Could we add the store to the filters?",
                "^Added, it is there from tomorrow.",
            ),
            P(
                "Reading group on {day}: how to lie with averages, and how not to.",
                "Bringing the median versus mean example from the returns data.",
            ),
        ),
        questions=(
            P(
                "What is the right way to count active customers: 90 days or 12 months?",
                "We agreed on 12 months for reports and 90 days for the app. It is in the "
                "glossary.",
                "^Thanks, the glossary is bookmarked now.",
            ),
            P(
                "Is there a table that maps stores to regions, or does everyone keep their own?",
                "There is one in the warehouse now, dim_store, with region and opening date.",
                "^Deleting my spreadsheet, thanks.",
            ),
        ),
    ),
    "trail-runners": Script(
        posts=(
            P(
                "Sunday long run: {km} km in {outdoors}, easy pace, meeting at 8am. Who is in?",
                "In! Is it muddy after the rain?",
                "^Very. Bring the trail shoes.",
            ),
            P(
                "Before-work loop from the {city} office on {day}, 6 km, back by 8:30.",
                "Showers at the office are free at 8:30, I checked.",
            ),
            P(
                "Signed up for a {km} km trail race next month. Anyone else running it?",
                "Me too! Shall we share the drive?",
                "^Yes, I will pick you up at 6.",
            ),
            P(
                "Muddy {km} km in {outdoors} this morning, the Trail Runner shoes held up "
                "brilliantly.",
                "How was the grip on the descents?",
                "^Better than my old pair, even on wet rock.",
            ),
        ),
        questions=(
            P(
                "Which head torch do you use for winter runs before work?",
                "The Lumen head torch, every time. Two hours on full.",
                "I use the Lumen too, on the lowest setting it lasts all week.",
            ),
            P(
                "Any tips for a first 50 km race?",
                "Eat early, walk the climbs and do not start too fast.",
                "Train on the same kind of ground as the race, it makes a huge difference.",
            ),
        ),
        welcome=P(
            "Welcome, runners! Post your runs with a start time, distance and pace so people "
            "can join. Every pace is welcome.",
            "Love this. Slow runners, say hello!",
        ),
    ),
    "photography": Script(
        posts=(
            P(
                "Golden hour in {outdoors} last weekend. The light was unreal.",
                "What settings did you use for the sky?",
                "^Underexposed by one stop, then lifted the shadows.",
            ),
            P(
                "Photo walk around {city} on {day} evening: bring any camera, phones welcome.",
                "Is it the same route as last time?",
                "^New one, along the river.",
            ),
            P(
                "Shot the Stormshell rain jacket in actual rain for the campaign. Behind the "
                "scenes in the album.",
                "How did you keep the lens dry?",
                "^A shower cap and a very patient assistant.",
            ),
        ),
        questions=(
            P(
                "One zoom or two primes for a week of hiking?",
                "One zoom: you will not want to change lenses on a ridge.",
                "^Zoom it is, thank you.",
            ),
            P(
                "How do you keep a camera dry on a rainy trail?",
                "A dry bag inside the pack and a shower cap over the camera. Really.",
                "^Ha, trying the shower cap.",
            ),
        ),
    ),
    "sustainability-champions": Script(
        posts=(
            P(
                "Repair day at {store}: {n} jackets and {m} tents fixed and back with their "
                "owners.",
                "What was the hardest repair?",
                "^A tent pole snapped in three places. We made it work.",
            ),
            P(
                "The {city} office now sorts food waste. Posters by the kitchen explain what "
                "goes where.",
                "Do tea bags go in food waste?",
                "^Yes, tea bags and coffee grounds both.",
            ),
            P(
                "This quarter's action: e-mail receipts by default in every store. Who will pilot?",
                "We will pilot at {store}.",
                "^Brilliant, I will send you the till settings.",
            ),
        ),
        questions=(
            P(
                "Does anyone know a supplier of compostable mailer bags that survive the rain?",
                "Greenline Packaging has one, Operations are testing it.",
                "^Thanks, I will ask Operations for a sample.",
            ),
        ),
    ),
    "parents": Script(
        posts=(
            P(
                "School holidays start next week in {city}. Anyone else juggling? Tips welcome.",
                "We swap days with another family: two days each, one off for everyone.",
            ),
            P(
                "Tip from a tired parent: block school pick-up in your calendar, people respect "
                "it.",
                "Doing this from today, thank you.",
            ),
            P(
                "Bring your kids to work day is coming up, see the events tab.",
                "Is there something for under-fives?",
                "^Yes, a drawing corner all morning.",
            ),
        ),
        questions=(
            P(
                "Kids' hiking boots: does anyone have a size 30 to hand down?",
                "We have a pair, barely worn. I will bring them in on {day}.",
                "^Thank you so much!",
            ),
            P(
                "How did you ask for flexible hours after parental leave?",
                "I wrote down the hours I wanted and why. My manager said yes the same week.",
                "^That gives me courage, thanks.",
            ),
        ),
    ),
    "project-summit": Script(
        posts=(
            P(
                "Cutover rehearsal {n} done: stock migration took {m} hours, target is 6.",
                "Where did the time go?",
                "^Mostly re-indexing; we will run it in parallel next time.",
            ),
            P(
                "Decision log updated: payroll stays on the current system until phase 2.",
                "Good call, one less thing for the cutover weekend.",
            ),
            P(
                "Vendor demo of the warehouse module on {day}. Bring your trickiest returns case.",
                "I will bring the split-parcel return, it breaks everything.",
            ),
            P(
                "Reminder: Summit is confidential until the town hall. Thanks for keeping it so.",
                "Noted, and thank you for the reminder.",
            ),
        ),
        questions=(
            P(
                "Who signs off the chart of accounts mapping for {city}?",
                "The Finance Director signs off, after the controllers review it.",
                "^Thanks, sending it to the controllers first.",
            ),
            P(
                "Do store tills need a new version for the cutover weekend?",
                "Yes, version 4.2. Store Technology will push it the week before.",
                "^Adding it to the plan.",
            ),
        ),
        welcome=P(
            "Welcome to Project Summit. Everything here is confidential until the programme is "
            "announced: please do not forward or screenshot. Plans and the decision log are "
            "pinned in the files.",
            "Understood. Looking forward to working on this.",
        ),
        rate=0.8,
    ),
    "leadership-offsite": Script(
        posts=(
            P(
                "Venue shortlist for the next offsite: two lodges in the Lake District and one "
                "near Sintra. Vote by {day}.",
                "Sintra gets my vote, easy to reach from every office.",
            ),
            P(
                "Draft agenda v{n} is in the folder. Day one: customers and stores; day two: the "
                "three-year plan.",
                "Can we start day two with the store managers' panel?",
                "^Yes, moved it up.",
            ),
            P(
                "Travel: please book through the portal by {day} so we can track arrivals.",
                "Booked. The early train gets in at 10.",
            ),
        ),
        questions=(
            P(
                "Do we invite the store managers' panel again? It was the best session.",
                "Yes, and give them more time this year.",
                "^Agreed, doubling their slot.",
            ),
        ),
        rate=0.9,
    ),
}
# Scripts shared by communities of the same kind.
SCRIPTS["retail-americas"] = SCRIPTS["retail-emea"]
SCRIPTS["london-hq"] = SCRIPTS["berlin-office"]
# Community announcements (title, body), by the owner, to acknowledge.
ANNOUNCEMENTS = {
    "store-managers": (
        "New till float process from next month",
        "From the first of next month every store counts the till float at close and "
        "records it in the store app, not on paper.\n\nPlease walk your shift leads through it "
        "this month and acknowledge this, so we know every store has it.",
    ),
}
WELCOME_PINNED = ("ask-it", "customer-care", "store-managers", "trail-runners", "project-summit")


class _Writer:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.now = ctx.now
        self.communities: dict[str, Community] = ctx.extra["communities.communities"]
        self.members: dict[str, dict[int, dt.datetime]] = ctx.extra["communities.members"]
        self.moderators: dict[str, list[int]] = ctx.extra["communities.moderators"]
        self.people = {u.pk: u for u in ctx.people}
        locations = {loc.pk: loc for loc in ctx.locations.values()}
        departments = {d.pk: name for name, d in ctx.departments.items()}
        self.city = {
            u.pk: locations[u.location_id].name if u.location_id in locations else "London"
            for u in ctx.people
        }
        self.department = {u.pk: departments.get(u.department_id or 0, "") for u in ctx.people}
        # Shared with the feed step: post texts already written, and replies' uses.
        self.posted: set[str] = ctx.extra.setdefault("feed.posted", set())
        self.reply_uses: Counter[str] = ctx.extra.setdefault("feed.reply_uses", Counter())
        self.zones: dict[str, zoneinfo.ZoneInfo] = {}
        self.tz = {
            u.pk: self._zone(
                locations[u.location_id].timezone if u.location_id in locations else "UTC"
            )
            for u in ctx.people
        }
        self.html: dict[str, str] = {}

    def _zone(self, name: str) -> zoneinfo.ZoneInfo:
        return self.zones.setdefault(name, zoneinfo.ZoneInfo(name))

    def render(self, body: str) -> str:
        html = self.html.get(body)
        if html is None:
            html, _, _ = render_markdown(body, mention_url=mention_url, topic_url=topic_url)
            self.html[body] = html
        return html

    def member_at(self, handle: str, user_id: int, when: dt.datetime) -> bool:
        joined = self.members[handle].get(user_id)
        return joined is not None and joined <= when

    # --- Moving feed posts -------------------------------------------------------------------

    def candidates(self) -> list[_Candidate]:
        posts = Post.objects.filter(
            community__isnull=True,
            announcement__isnull=True,
            audience=Audience.EVERYONE,
            deleted_at__isnull=True,
        ).order_by("pk")
        found = {
            pk: _Candidate(
                pk=pk,
                author_id=author,
                kind=kind,
                body=body,
                created_at=created,
                department=self.department.get(author, ""),
                city=self.city.get(author, ""),
            )
            for pk, author, kind, body, created in posts.values_list(
                "pk", "author_id", "kind", "body", "created_at"
            )
        }
        through = Post.topics.through.objects
        for tagged, name in through.values_list("post_id", "topic__name"):
            if tagged in found:
                found[tagged].topics.add(name)
        involved: list[tuple[int | None, int]] = [
            *Reply.objects.values_list("post_id", "author_id"),
            *Reaction.objects.filter(post__isnull=False).values_list("post_id", "user_id"),
            *Reaction.objects.filter(reply__isnull=False).values_list("reply__post_id", "user_id"),
            *PollVote.objects.values_list("post_id", "user_id"),
            *Mention.objects.filter(post__isnull=False).values_list("post_id", "user_id"),
            *Mention.objects.filter(reply__isnull=False).values_list("reply__post_id", "user_id"),
        ]
        for post_id, user_id in involved:
            if post_id is not None and post_id in found:
                found[post_id].involved.add(user_id)
        return list(found.values())

    def move(self) -> dict[str, list[int]]:
        moved: dict[str, list[int]] = defaultdict(list)
        for candidate in self.candidates():
            for rule in MOVES:
                if rule.handle not in self.communities or not rule.fits(candidate):
                    continue
                if not self.member_at(rule.handle, candidate.author_id, candidate.created_at):
                    continue
                community = self.communities[rule.handle]
                members = self.members[rule.handle]
                if community.privacy != Privacy.OPEN and not candidate.involved <= members.keys():
                    continue
                if self.rng.random() < rule.share:
                    moved[rule.handle].append(candidate.pk)
                    break
        for handle, ids in moved.items():
            for start in range(0, len(ids), 500):
                Post.objects.filter(pk__in=ids[start : start + 500]).update(
                    community=self.communities[handle]
                )
        return moved

    # --- New posts of each community -----------------------------------------------------------

    def values(self, author: int) -> dict[str, object]:
        """The fills of one thread, drawn once and shared by its post and its replies."""
        rng = self.rng
        city = self.city.get(author, "London")
        n = rng.randint(2, 12)
        return {
            "day": rng.choice(DAYS),
            "city": city,
            "store": rng.choice(STORES.get(city) or ("Covent Garden", "Mitte", "SoHo")),
            "outdoors": OUTDOORS.get(city, "the hills"),
            "km": rng.choice((12, 16, 18, 21, 25, 30)),
            "n": n,
            "m": rng.randint(1, n),
            "pct": rng.randint(4, 30),
            "product": rng.choice(("Summit 2 tent", "Ridgeline jacket", "Pathfinder boots")),
            "supplier": rng.choice(("Greenline Packaging", "Kestrel Logistics", "Nordtex")),
            "first": self.people[author].first_name,
        }

    def when(self, author: int, since: dt.datetime) -> dt.datetime | None:
        """A working-hours moment after ``since`` in the author's own time zone."""
        rng = self.rng
        if since >= self.now:
            return None
        for _ in range(5):
            fraction: float = rng.random() ** 0.8  # float ** float is Any to typeshed
            moment = since + (self.now - since) * fraction
            local = moment.astimezone(self.tz.get(author) or self._zone("UTC"))
            local = local.replace(hour=rng.randint(8, 19), minute=rng.randrange(60))
            moment = local.astimezone(dt.UTC)
            if since <= moment < self.now:
                return moment
        return None

    def later(self, after: dt.datetime, mean_minutes: float) -> dt.datetime:
        minutes = self.rng.lognormvariate(math.log(mean_minutes), 1.0)
        return after + dt.timedelta(minutes=min(minutes, 60 * 24 * 7))

    def others(self, handle: str, not_id: int, when: dt.datetime) -> list[int]:
        return [
            pk for pk, joined in self.members[handle].items() if joined <= when and pk != not_id
        ]

    def write_own(self) -> tuple[int, int]:
        """Posts of each community's own, with replies and reactions by members only."""
        rng = self.rng
        threads: list[tuple[Post, list[Reply], list[Reaction], Reply | None]] = []
        for handle, script in SCRIPTS.items():
            community = self.communities.get(handle)
            if community is None:
                continue
            members = self.members[handle]
            owner = self.moderators[handle][0]
            if handle in WELCOME_PINNED and script.welcome is not None:
                at = community.created_at + dt.timedelta(hours=rng.randint(1, 30))
                if at < self.now:
                    values = self.values(owner)
                    body = script.welcome.text.format(**values)
                    self.posted.add(body)
                    post = self._post(community, owner, body, PostKind.POST, at)
                    post.pinned_at = at + dt.timedelta(minutes=rng.randint(1, 20))
                    threads.append(self._conversation(handle, post, script.welcome, values))
            count = max(3, min(40, round(len(members) * script.rate)))
            authors = list(members)
            weights = [rng.paretovariate(1.5) for _ in authors]
            for _ in range(count):
                author = rng.choices(authors, weights=weights)[0]
                since = max(members[author], community.created_at)
                moment = self.when(author, since)
                if moment is None:
                    continue
                # No two posts say the same thing: draw again when the text was posted.
                for _attempt in range(4):
                    question = bool(script.questions) and rng.random() < 0.35
                    plan = rng.choice(script.questions if question else script.posts)
                    values = self.values(author)
                    body = plan.text.format(**values)
                    if body not in self.posted:
                        break
                else:
                    continue
                self.posted.add(body)
                kind = PostKind.QUESTION if question else PostKind.POST
                post = self._post(community, author, body, kind, moment)
                threads.append(self._conversation(handle, post, plan, values))
        Post.objects.bulk_create([t[0] for t in threads], batch_size=BATCH)
        replies = [r for t in threads for r in t[1]]
        for reply in replies:
            reply.post_id = reply.post.pk
        for nested in (False, True):  # parents first, so answers under them can point at them
            Reply.objects.bulk_create(
                [r for r in replies if (r.parent is not None) is nested], batch_size=BATCH
            )
        accepted = []
        for post, _, _, answer in threads:
            if answer is not None:
                post.accepted_reply_id = answer.pk
                post.accepted_by_id = post.author_id
                accepted.append(post)
        Post.objects.bulk_update(accepted, ["accepted_reply", "accepted_by"], batch_size=BATCH)
        reactions = [x for t in threads for x in t[2]]
        for reaction in reactions:
            reaction.post_id = reaction.post.pk  # type: ignore[union-attr]
        Reaction.objects.bulk_create(reactions, batch_size=BATCH)
        return len(threads), len(replies)

    def _post(
        self, community: Community, author: int, body: str, kind: str, at: dt.datetime
    ) -> Post:
        return Post(
            author_id=author,
            kind=kind,
            body=body,
            body_html=self.render(body),
            created_at=at,
            last_activity_at=at,
            community=community,
        )

    def _conversation(
        self, handle: str, post: Post, plan: Plan, values: dict[str, object]
    ) -> tuple[Post, list[Reply], list[Reaction], Reply | None]:
        """The plan's replies by members (a ``^`` reply is the author answering the one
        before), a reply text used in too many threads left out; and members' reactions."""
        rng = self.rng
        author = post.author_id
        replies: list[Reply] = []
        question = post.kind == PostKind.QUESTION
        count = 1 + int(rng.expovariate(1 / 1.6))
        if rng.random() < (0.25 if question else 0.3):
            count = 0  # some questions wait for an answer; some posts get reactions only
        at = post.created_at
        for template in plan.replies[:count]:
            at = self.later(at, 90)
            if at >= self.now:
                break
            parent = None
            if template.startswith("^"):
                top = [r for r in replies if r.parent is None]
                if not top or top[-1].author_id == author:
                    continue
                parent, replier, template = top[-1], author, template[1:]
            else:
                repliers = self.others(handle, author, at)
                if not repliers:
                    break
                replier = rng.choice(repliers)
            body = template.format(**values)
            if self.reply_uses[body] >= MAX_REPLY_THREADS:
                # A line said in enough threads already: say it to the person it answers.
                to = parent.author_id if parent is not None else author
                body = addressed(self.people[to].first_name, body)
                if self.reply_uses[body] >= MAX_REPLY_THREADS:
                    continue
            self.reply_uses[body] += 1
            replies.append(
                Reply(
                    post=post,
                    parent=parent,
                    author_id=replier,
                    body=body,
                    body_html=self.render(body),
                    created_at=at,
                )
            )
        question_replies = [r for r in replies if r.parent is None and r.author_id != author]
        replies_for_answer = question_replies
        accepted = None
        if question and replies_for_answer and rng.random() < 0.6:
            accepted = replies_for_answer[0]
        reactions: list[Reaction] = []
        summary: Counter[str] = Counter()
        fans = self.others(handle, author, self.now)
        for user in rng.sample(fans, min(len(fans), int(rng.expovariate(1 / 4.0)))):
            at_reaction = self.later(post.created_at, 200)
            if at_reaction >= self.now or not self.member_at(handle, user, at_reaction):
                continue
            kind = rng.choices(REACTION_KINDS, weights=REACTION_WEIGHTS)[0]
            summary[kind] += 1
            reactions.append(Reaction(post=post, user_id=user, kind=kind, created_at=at_reaction))
        post.reply_count = len(replies)
        post.reaction_summary = dict(sorted(summary.items()))
        post.reaction_count = sum(summary.values())
        post.last_activity_at = max([post.created_at, *(r.created_at for r in replies)])
        return post, replies, reactions, accepted

    # --- Answers, pins, announcements, counters ------------------------------------------------

    def accept_answers(self, moved: dict[str, list[int]]) -> None:
        """The asker accepted the answers the feed demo marked; in "Ask IT" a moderator marks
        some more (a moderator may accept an answer on someone else's question)."""
        Post.objects.filter(accepted_reply__isnull=False, accepted_by__isnull=True).update(
            accepted_by_id=F("author_id")
        )
        ids = moved.get("ask-it", [])
        moderators = self.moderators.get("ask-it", [])
        if not ids or not moderators:
            return
        open_questions = list(
            Post.objects.filter(
                pk__in=ids, kind=PostKind.QUESTION, accepted_reply__isnull=True
            ).order_by("pk")
        )
        askers = {post.pk: post.author_id for post in open_questions}
        first_answers: dict[int, Reply] = {}
        for reply in Reply.objects.filter(post__in=open_questions, parent__isnull=True).order_by(
            "created_at", "pk"
        ):
            if reply.author_id != askers[reply.post_id]:
                first_answers.setdefault(reply.post_id, reply)
        changed = []
        for post in open_questions:
            answer = first_answers.get(post.pk)
            if answer is not None and self.rng.random() < 0.4:
                post.accepted_reply = answer
                post.accepted_by_id = self.rng.choice(moderators)
                changed.append(post)
        Post.objects.bulk_update(changed, ["accepted_reply", "accepted_by"], batch_size=BATCH)

    def pin(self, moved: dict[str, list[int]]) -> None:
        """A moderator pinned the most reacted-to moved post in each busy community."""
        pinned = []
        for handle, ids in moved.items():
            if len(ids) < 5 or not self.moderators.get(handle):
                continue
            best = Post.objects.filter(pk__in=ids).order_by("-reaction_count", "pk").first()
            if best is not None and best.pinned_at is None:
                best.pinned_at = min(best.created_at + dt.timedelta(hours=3), self.now)
                pinned.append(best)
        Post.objects.bulk_update(pinned, ["pinned_at"], batch_size=BATCH)

    def announce(self) -> int:
        written = 0
        for handle, (title, body) in ANNOUNCEMENTS.items():
            community = self.communities.get(handle)
            if community is None:
                continue
            rng = self.rng
            author = self.moderators[handle][0]
            published = dt.datetime.combine(
                (self.now - dt.timedelta(days=6)).date(), dt.time(8, 0), tzinfo=dt.UTC
            )
            post = Post.objects.create(
                author_id=author,
                body=body,
                body_html=self.render(body),
                created_at=published,
                last_activity_at=published,
                community=community,
            )
            announcement = Announcement.objects.create(
                post=post,
                title=title,
                community=community,
                must_read=True,
                publish_at=published,
                published_at=published,
            )
            receipts = []
            seen = acknowledged = 0
            for user_id, joined in sorted(self.members[handle].items()):
                if joined > published:
                    continue  # joined later: not in the audience when it was published
                receipt = AnnouncementReceipt(announcement=announcement, user_id=user_id)
                if user_id == author or rng.random() < 0.85:
                    receipt.seen_at = min(self.later(published, 300), self.now)
                    seen += 1
                    if user_id != author and rng.random() < 0.7:
                        receipt.acknowledged_at = min(self.later(receipt.seen_at, 15), self.now)
                        acknowledged += 1
                receipts.append(receipt)
            AnnouncementReceipt.objects.bulk_create(receipts, batch_size=BATCH)
            announcement.audience_size = len(receipts)
            announcement.seen_count = seen
            announcement.acknowledged_count = acknowledged
            announcement.save(update_fields=["audience_size", "seen_count", "acknowledged_count"])
            written += 1
        return written

    def count(self) -> None:
        """``post_count`` and ``last_activity_at`` of every community, from the posts."""
        stats = {
            row["community_id"]: row
            for row in Post.objects.filter(community__isnull=False, deleted_at__isnull=True)
            .values("community_id")
            .annotate(n=Count("id"), last=Max("last_activity_at"))
        }
        for community in self.communities.values():
            row = stats.get(community.pk)
            community.post_count = row["n"] if row else 0
            if row and row["last"] > community.last_activity_at:
                community.last_activity_at = row["last"]
        Community.objects.bulk_update(
            list(self.communities.values()), ["post_count", "last_activity_at"], batch_size=BATCH
        )
        # Topic counts leave out closed and secret communities' posts (feed.actions
        # counts_in_topics), and posts were moved into communities after the feed counted them.
        counted = Post.topics.through.objects.filter(post__deleted_at__isnull=True).exclude(
            post__community__privacy__in=[Privacy.CLOSED, Privacy.SECRET]
        )
        per_topic = Counter(counted.values_list("topic_id", flat=True))
        topics = list(Topic.objects.all())
        for topic in topics:
            topic.post_count = per_topic.get(topic.pk, 0)
        Topic.objects.bulk_update(topics, ["post_count"], batch_size=BATCH)

    def quiet_newcomer(self) -> None:
        """The feed demo's newcomer keeps an empty home feed (its example of the empty state):
        directory rules made them a member, but they have not followed those communities yet."""
        newcomer = self.ctx.extra.get("feed.newcomer")
        if newcomer is not None:
            Membership.objects.filter(user_id=newcomer).update(following=False)


def build(ctx: DemoContext) -> None:
    """Feed posts moved into communities, communities' own posts, accepted answers, pins."""
    if "communities.communities" not in ctx.extra:
        return
    writer = _Writer(ctx)
    moved = writer.move()
    writer.accept_answers(moved)
    writer.pin(moved)
    own, replies = writer.write_own()
    announcements = writer.announce()
    writer.count()
    writer.quiet_newcomer()
    ctx.notes.append(
        f"Community conversation: {sum(len(ids) for ids in moved.values())} feed posts moved "
        f"into {len([h for h, ids in moved.items() if ids])} communities, {own} posts of their "
        f"own with {replies} replies, {announcements} community announcement(s) to acknowledge."
    )
