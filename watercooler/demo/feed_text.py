"""Words for the feed demo: topics, fills, and threads (a post with the replies that answer it).

Each thread is a ``Plan``: the post's text, its replies in order and its topics, written as one
unit so that every reply answers its own post. Texts are ``str.format`` strings. The fills
(``{product}``, ``{customer}``, ``{city}``, ``{store}``, ``{n}``, ``{pct}``, ``{score}``,
``{amount}``, ``{day}``, ``{system}``, ``{supplier}``, ``{mention}``, ``{first}`` …) are drawn
once per thread by ``demo/feed.py`` and used in the post and its replies alike; ``{mention}``
becomes an ``@username`` and makes the post mention someone, ``{first}`` is the post author's
first name. The plan's topics are added as ``#tags`` by the builder. Texts avoid Markdown syntax
that would change their meaning (``*``, ``_``, leading ``#``).

Long on purpose: it is words, not logic.
"""

from dataclasses import dataclass

# --- Topics ---------------------------------------------------------------------------------------

# Department -> its own topics (first is the busiest).
DEPARTMENT_TOPICS: dict[str, tuple[str, ...]] = {
    "Executive Office": ("strategy", "boardupdate"),
    "Engineering": ("release", "oncall", "incident", "codereview"),
    "Product": ("roadmap", "experiments", "customerfeedback"),
    "Design": ("designsystem", "research"),
    "Sales": ("pipeline", "deals", "wholesale"),
    "Customer Support": ("csat", "supportqueue", "customerfeedback"),
    "Marketing": ("campaigns", "brand", "social"),
    "Finance": ("quarterclose", "budget", "expenses"),
    "People": ("hiring", "onboarding", "learning"),
    "Operations": ("warehouse", "shipping", "suppliers"),
    "Retail Stores": ("storeops", "visualmerch", "storewins"),
    "IT": ("servicedesk", "security", "laptops"),
}

# Company-wide topics: anyone posts in them, whatever their department.
COMPANY_TOPICS: tuple[str, ...] = ("wins", "kudos", "wellbeing", "sustainability", "townhall")
COMPANY_TOPIC_WEIGHTS: tuple[int, ...] = (30, 26, 14, 10, 8)
# Topics of the demo's events (bursts): a product launch week and a company offsite.
LAUNCH_TOPIC = "launch"
OFFSITE_TOPIC = "offsite"

# --- Fills ----------------------------------------------------------------------------------------

PRODUCTS = (
    "Summit 2 tent", "Ridgeline jacket", "Basecamp 40 backpack", "Alpine stove",
    "Driftwood kayak", "Stormshell rain jacket", "Pathfinder boots", "Nightfall sleeping bag",
    "Trail Runner shoes", "Canopy hammock", "Lumen head torch", "Glacier water bottle",
)  # fmt: skip
LAUNCH_PRODUCT = "Trailhead 3.0"
CUSTOMERS = (
    "Peak Adventures", "Northwind Scouts", "Highland Outfitters", "Cascade Schools",
    "Blue Lake Camps", "Meridian Expeditions", "Ironwood Climbing", "Coastal Rowing Club",
    "Silver Birch Lodges", "Redpoint Gyms", "Open Sky Tours", "Harbour Sailing School",
)  # fmt: skip
SUPPLIERS = (
    "Nordtex", "Alpina Fabrics", "Kestrel Logistics", "Greenline Packaging", "Tarn Textiles",
    "Boulder Buckles", "Fjord Freight",
)  # fmt: skip
SYSTEMS = (
    "checkout service", "search API", "order pipeline", "POS tills", "warehouse scanners",
    "mobile app", "loyalty service", "payments gateway", "catalogue API", "VPN",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
AMOUNTS = ("£12k", "£40k", "€25k", "$60k", "£8.5k", "$120k", "€75k", "£250k")

# --- Threads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """One thread, written as a unit: the post, the replies that answer it, and its topics.

    Replies come in order (a thread uses the first few). A reply starting with ``^`` is the
    post's author answering the reply before it (written under it). Replies use the post's own
    fills, so "the {system}" in a reply is the system the post named. For a question, the first
    reply is the answer that may be accepted.
    """

    text: str
    replies: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # a poll's options


def P(  # noqa: N802 (short, so the threads below read like a table)
    text: str, *replies: str, topics: tuple[str, ...] = (), options: tuple[str, ...] = ()
) -> Plan:
    return Plan(text=text, replies=replies, topics=topics, options=options)


# First words that read as lower case once a reply begins with a name ("Anna, what is …").
_COMMON_OPENERS = frozenset(
    [
        "a",
        "any",
        "are",
        "booked",
        "brilliant",
        "can",
        "congratulations",
        "could",
        "did",
        "do",
        "does",
        "found",
        "glad",
        "good",
        "great",
        "happy",
        "how",
        "in",
        "is",
        "it",
        "let's",
        "love",
        "much",
        "nice",
        "noted",
        "perfect",
        "same",
        "sent",
        "so",
        "thank",
        "thanks",
        "that",
        "the",
        "this",
        "was",
        "we",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "yes",
        "you",
    ]
)


def addressed(name: str, body: str) -> str:
    """``body`` said to ``name`` ("Thanks, that helps." -> "Anna, thanks, that helps."): how a
    reply picks out who it answers when the thread is busy."""
    first, _, _ = body.partition(" ")
    if first.rstrip(",.!?:").lower() in _COMMON_OPENERS:
        body = body[0].lower() + body[1:]
    return f"{name}, {body}"


# Department -> its threads (each with topics from the department's own, or none).
DEPARTMENT_THREADS: dict[str, tuple[Plan, ...]] = {
    "Executive Office": (
        P(
            "Spent the day at our {store} store. The team there is brilliant, and customers kept "
            "asking about the {product}.",
            "Thanks for coming, {first}. The team talked about your visit all afternoon.",
            "Did they say why the {product}? We see the same questions online.",
            "^Mostly weight: people want to feel it in the hand before they buy.",
            topics=("strategy",),
        ),
        P(
            "Numbers for last month are in: online up {pct}%, stores up {n}%. Thank you all. "
            "The detail goes to the board on {day}.",
            "Stores up {n}% in this market is remarkable. Well done to every store team.",
            "Is the online growth mostly new customers or returning ones?",
            "^About two thirds returning. Marketing will share the split next week.",
            topics=("boardupdate",),
        ),
        P(
            "Had a long call with {customer} today. They want to double their group kit order "
            "next year and asked for one contact for everything.",
            "Great news. Sales can own that: I will set up a call with them on {day}.",
            "Let's make sure Operations sees the volumes early, {first}.",
            topics=("strategy",),
        ),
        P(
            "The board meets on {day}. If there is something you think they should hear from the "
            "stores or the warehouse, send it to me by the day before.",
            "The stockroom space at {store} is the one thing I would raise.",
            "^Noted, I will take it in with the floor plans.",
            topics=("boardupdate",),
        ),
    ),
    "Engineering": (
        P(
            "Deployed the new {system} to production. Latency down {pct}%, no errors so far.",
            "Nice, {first}! Did the {pct}% hold through the lunchtime peak?",
            "^It did, the dashboard is pinned in the channel.",
            "We will switch our alerts to the new {system} metrics on {day}.",
            topics=("release",),
        ),
        P(
            "Postmortem for last week's {system} incident is up. Short version: a retry storm "
            "after a {n}-second network blip, and no back-off in the client.",
            "Clear write-up. Are we adding jitter to the retries everywhere or only there?",
            "^Everywhere: it goes into the shared client library this sprint.",
            "Thanks for keeping it blameless, {first}.",
            "{mention} this touches your service too, worth a read.",
            topics=("incident",),
        ),
        P(
            "We cut the CI pipeline from {n} minutes to {m}. Huge thanks to {mention}, who "
            "found the test that slept for no reason.",
            "From {n} to {m} minutes changes my whole afternoon. Thank you both.",
            "Which test was it? I want to check we have not copied it anywhere.",
            "^The old {system} fixture: it waited for a timeout that never came.",
            topics=("codereview",),
        ),
        P(
            "Handing over on-call to {mention}. One open alert on the {system}: noisy, not "
            "harmful, ticket is linked in the rota.",
            "Got it, thanks for the clean handover {first}.",
            "If the {system} alert fires again on {day}, page me, I know that one.",
            topics=("oncall",),
        ),
        P(
            "Load test results: the {system} held {n}k requests a minute without breaking a "
            "sweat. That is {m} times the Black Friday peak.",
            "Did you test with the new search filters on? They make heavier queries.",
            "^Yes, with the filters and a cold cache.",
            "Good, that settles the question for the peak season plan.",
            topics=("release",),
        ),
        P(
            "Release train leaves {day} at 2pm. Merge by noon please, and put anything that "
            "touches the {system} behind a flag.",
            "The {system} change from our team is flagged, it can ride along.",
            "Could we get one more day for the checkout fix?",
            "^Yes, ship it on the next train, no need to rush it.",
            topics=("release",),
        ),
    ),
    "Product": (
        P(
            "Roadmap review for the {product} is on {day}. Bring your customer stories, not "
            "feature ideas: we will work back from the problems.",
            "I will bring the {n} returns comments we collected in {city}.",
            "Can stores join remotely? Our managers hear the best stories.",
            "^Yes, the link will be in the invite.",
            topics=("roadmap",),
        ),
        P(
            "The A/B test on the {product} page finished: the new layout wins by {pct}% on "
            "add-to-basket, with no change in returns.",
            "{pct}% is bigger than I expected. Was it the photos or the size guide?",
            "^Mostly the size guide moving above the fold.",
            "Let's roll the same change to the rest of the range.",
            "{mention} can you size the work for the other product pages?",
            topics=("experiments",),
        ),
        P(
            "Spoke to {n} customers in {city} this week. Click-and-collect keeps coming up: they "
            "want a message when the order is ready, not a generic e-mail.",
            "Same in the support queue, people ring the store to check.",
            "We could send it from the store app when staff scan the parcel.",
            "^That is the idea, I will write it up for {day}.",
            topics=("customerfeedback",),
        ),
        P(
            "Membership sign-ups are up {pct}% since we cut the form from {n} fields to {m}.",
            "Fewer fields, more members. Who would have thought, {first}!",
            "Did the drop-off on the address step go away too?",
            "^Mostly, the postcode lookup did the rest.",
            topics=("experiments",),
        ),
        P(
            "We are pausing the gift card work for two sprints to focus on the {system} "
            "reliability fixes. Gift cards come back in the next planning round.",
            "Sensible. Stores will be glad the {system} gets the attention.",
            "Should I tell {customer}? They asked about gift cards for their staff.",
            "^Yes, tell them early next quarter.",
            topics=("roadmap",),
        ),
    ),
    "Design": (
        P(
            "New button and form styles are live in the design system: {n} components updated, "
            "all with focus states you can actually see.",
            "The focus states are so much better. Thank you {first}.",
            "Do the new styles work in the store app as well?",
            "^Yes, same tokens, the store app picks them up on its next release.",
            topics=("designsystem",),
        ),
        P(
            "Research readout: {n} interviews on how people choose a {product}. Weight and how "
            "it packs down came up more than price.",
            "Could we show the packed size in the product photos then?",
            "^That is the first recommendation, yes.",
            "Marketing would love this for the campaign brief.",
            topics=("research",),
        ),
        P(
            "Usability test of the new checkout with {n} customers in {city}: {m} finished "
            "without help. The delivery options confused everyone else.",
            "What was confusing about the delivery options?",
            "^Two prices that looked the same. We are merging them into one choice.",
            topics=("research",),
        ),
        P(
            "Accessibility audit done: {n} issues found, most already fixed by {mention}. The "
            "rest are on the board for {day}.",
            "Great to see this done before the peak season.",
            "Which ones are left? Happy to take the colour contrast ones.",
            "^Contrast on the sale badges, all yours. Thank you!",
            topics=("designsystem",),
        ),
    ),
    "Sales": (
        P(
            "Signed {customer} for {amount} of group kit this season!",
            "Brilliant, {first}! Is that the order with the {product}?",
            "^Yes, {n} of them, delivered in two batches.",
            "Operations will want the delivery dates early, I will loop them in.",
            "{mention} can you check we have {n} in stock for the first batch?",
            topics=("deals",),
        ),
        P(
            "Pipeline check: {n} wholesale deals in late stage, {amount} in total. {customer} is "
            "the biggest and the most likely.",
            "What is holding {customer} back?",
            "^Their budget sign-off on {day}. We have done all we can.",
            topics=("pipeline",),
        ),
        P(
            "{customer} renewed for another year and added the {product} to their order.",
            "Nice renewal! Any feedback from them on this year's kit?",
            "^They loved the repair service, that is why they added more.",
            topics=("wholesale",),
        ),
        P(
            "Back from the trade show in {city}: {n} good leads, follow-ups going out {day}.",
            "Anyone worth a visit together? I am in {city} again next month.",
            "^Two outdoor schools, I will send you the notes.",
            topics=("pipeline",),
        ),
        P(
            "Great demo with {customer} today. {mention} nailed the questions on sizing for "
            "their youth groups.",
            "Thank you! They asked for a size chart for under-12s, can Product help?",
            "Good to hear the sizing training paid off.",
            topics=("deals",),
        ),
    ),
    "Customer Support": (
        P(
            "Queue update: {n} open tickets, median first response {m} minutes. The backlog from "
            "the weekend is gone.",
            "Thanks for clearing the weekend tickets so fast.",
            "Were most of them delivery questions again?",
            "^About half, the carrier change is still confusing people.",
            topics=("supportqueue",),
        ),
        P(
            "CSAT this week is {score}%, our best since spring. Thank you team!",
            "{score}%! What changed this week?",
            "^Shorter replies and calling back instead of e-mailing on returns.",
            "Let's keep the call-backs, customers clearly like them.",
            topics=("csat",),
        ),
        P(
            "Seeing more contacts about the {product} sizing: {n} this week. Logging it for "
            "Product with the examples.",
            "Thanks {first}, is it running small or large?",
            "^Small in the shoulders, according to most of them.",
            "We will add a note to the size guide while we look into it.",
            "{mention} is looking at the shoulder pattern this week.",
            topics=("customerfeedback",),
        ),
        P(
            "New reply template for delivery delays is live, written by {mention}. It explains "
            "the new carrier and gives a real date.",
            "Used it three times already, customers reply with thanks.",
            "Can we have the same for click-and-collect delays?",
            "^Yes, drafting it now.",
            topics=("supportqueue",),
        ),
        P(
            "A customer in {city} sent a thank-you card for the repair service on her {product}. "
            "It is pinned next to the kettle.",
            "That made my day. Who did the repair?",
            "^The workshop at {store}, I have told them.",
            topics=("customerfeedback",),
        ),
    ),
    "Marketing": (
        P(
            "The autumn campaign for the {product} goes live on {day}. Windows change the night "
            "before, social and e-mail at 8am.",
            "Do stores get the window kit in time for the night before?",
            "^It ships on Monday, tracking numbers by e-mail.",
            topics=("campaigns",),
        ),
        P(
            "Newsletter open rate hit {pct}% this week. The subject line was by {mention}.",
            "What was the subject line?",
            "^'What we wore in the rain this week'. Short and honest.",
            topics=("campaigns",),
        ),
        P(
            "Shooting the new lookbook in {city} next week. Volunteers to model gear are welcome: "
            "no experience needed, good shoes are.",
            "I am in, as long as I can keep the jacket on the whole time.",
            "What sizes do you need?",
            "^Mostly medium and large, and one child's size.",
            topics=("brand",),
        ),
        P(
            "Our post about the {product} reached {n}k people on social this weekend, mostly "
            "from one customer's video.",
            "Did we thank the customer?",
            "^Yes, and we sent them the {product} in a second colour.",
            topics=("social",),
        ),
    ),
    "Finance": (
        P(
            "Expense reports for this month are due {day}. Please submit before then so they "
            "are paid with this month's salary.",
            "Does that include the train tickets from the offsite?",
            "^Yes, anything dated this month.",
            topics=("expenses",),
        ),
        P(
            "Budget templates for next year are in the shared drive, one per department. First "
            "drafts are due in {n} weeks.",
            "Is the headcount tab new this year?",
            "^It is: put planned hires there, not in the cost tab.",
            topics=("budget",),
        ),
        P(
            "Supplier payments run is done: {n} invoices, {amount} in total. {supplier} was paid "
            "a week early to thank them for the rush order.",
            "{supplier} will appreciate that, they really helped us out.",
            "Thanks for sorting the run so quickly.",
            topics=("quarterclose",),
        ),
        P(
            "Quarter closed in {n} working days, our fastest yet. Thank you to everyone who sent "
            "accruals on time.",
            "{n} days! What made the difference?",
            "^Everyone receipting purchase orders before the last week.",
            topics=("quarterclose",),
        ),
    ),
    "People": (
        P(
            "Welcome to the {n} people who joined this week across {city} and beyond! Say hello "
            "when you see a new face.",
            "Welcome everyone! The coffee on the second floor is the good one.",
            "Are the new starters in the onboarding community yet?",
            "^Yes, all added on their first day.",
            topics=("onboarding",),
        ),
        P(
            "Engagement survey closes on {day}, {pct}% have answered so far. Every answer is "
            "anonymous and every team with five answers gets its own results.",
            "Can store teams answer on the shared tablet?",
            "^Yes, each person signs in with their own code.",
            topics=("learning",),
        ),
        P(
            "Manager training cohort {n} starts next month, sign-ups are open. Eight sessions, "
            "one per fortnight, in person in {city} and online.",
            "Signed up. Is it open to team leads who do not manage yet?",
            "^Yes, team leads are very welcome.",
            topics=("learning",),
        ),
        P(
            "We are hiring {n} roles in {city}, including a {role}. Referrals very welcome.",
            "Is the {role} role open to people who want to move internally?",
            "^Yes, internal applicants are seen first.",
            "Shared it with two friends in {city}.",
            topics=("hiring",),
        ),
        P(
            "Benefits window is open until {day}. Questions to {mention} or me.",
            "Does the cycle scheme cover e-bikes this year?",
            "^It does, up to the usual limit.",
            topics=("onboarding",),
        ),
    ),
    "Operations": (
        P(
            "Warehouse in {city} shipped {n}k orders this week, a record.",
            "Amazing effort. Did the new packing stations make the difference?",
            "^They did, and the extra Saturday shift.",
            topics=("warehouse",),
        ),
        P(
            "Inbound delivery from {supplier} is {n} days late, so stock of the {product} is low. "
            "Stores: please hold online orders for it until {day}.",
            "We have {m} in the back at {store} if that helps.",
            "^It does, I will move them to the click-and-collect pool.",
            topics=("suppliers",),
        ),
        P(
            "New packing stations are live, pick rate up {pct}%. The team chose the layout "
            "themselves.",
            "Letting the team choose the layout is the real win here.",
            "Can we see the layout? Berlin wants to copy it.",
            "^Photos are in the operations drive.",
            topics=("warehouse",),
        ),
        P(
            "Carrier change for {city} deliveries starts {day}. Cut-off for next-day delivery "
            "moves to 3pm.",
            "Does support have the new cut-off in the reply templates?",
            "^Yes, updated this morning.",
            topics=("shipping",),
        ),
    ),
    "Retail Stores": (
        P(
            "{store} had its best Saturday of the year: the {product} flew off the shelves.",
            "Well done {store}! How many did you sell?",
            "^{n} by closing, and we are out of medium.",
            "We have spare mediums, I will send {m} over on {day}.",
            "{mention} can you add this to the weekly store round-up?",
            topics=("storewins",),
        ),
        P(
            "New window display at {store} is up. The {product} in the rain scene is stopping "
            "people in the street.",
            "Love the rain scene. What did you use for the water?",
            "^Clear fishing line and a lot of patience.",
            topics=("visualmerch",),
        ),
        P(
            "Click-and-collect orders at {store} up {pct}% this month. We moved the collection "
            "point to the front of the store.",
            "Front of the store makes sense. Any queues?",
            "^Only on Saturdays after 11, we add a second person then.",
            topics=("storeops",),
        ),
        P(
            "Shout-out to {mention} for staying late to finish the stock count at {store}.",
            "Thank you! The count matched to the last pair of socks.",
            "Stock counts are so much easier with people like that.",
            topics=("storeops",),
        ),
        P(
            "Repair workshop at {store} fixed {n} jackets this week, and one very old tent.",
            "How old was the tent?",
            "^Twenty-two years. The owner brought a photo of its first trip.",
            topics=("storewins",),
        ),
    ),
    "IT": (
        P(
            "Laptop refresh for {city} starts {day}: {n} machines to swap. Bookings open in the "
            "service desk portal today.",
            "How long does a swap take?",
            "^About forty minutes, your files come across automatically.",
            topics=("laptops",),
        ),
        P(
            "Phishing test results: {score}% reported the fake e-mail. Well done everyone.",
            "What gave it away for most people?",
            "^The sender's address, and the urgency in the subject.",
            topics=("security",),
        ),
        P(
            "Wi-Fi at {store} was upgraded last night: the tills and the stockroom now have their "
            "own network.",
            "The card readers were much faster this morning, thank you.",
            "Can we do the same at our store?",
            "^Yes, it is on the plan for next month.",
            topics=("servicedesk",),
        ),
        P(
            "Reminder: turn on two-factor sign-in before {day}. It takes two minutes with the "
            "phone app.",
            "What about store staff without a work phone?",
            "^They get a key fob from their store manager.",
            topics=("security",),
        ),
    ),
}

# Company-wide threads: anyone posts them, whatever their department.
COMPANY_THREADS: tuple[Plan, ...] = (
    P(
        "Small win: {customer} just placed their biggest order ever, {amount}.",
        "Congratulations to the team behind it!",
        "Was that the deal with the {product} for their groups?",
        "^Yes, that one.",
        topics=("wins",),
    ),
    P(
        "We hit {score}% on-time delivery this month. Team effort across the warehouse, "
        "carriers and stores!",
        "{score}% in a busy month is impressive.",
        "Thanks for sharing the number, {first}.",
        topics=("wins",),
    ),
    P(
        "The {product} got a five-star review in an outdoor magazine this week.",
        "Which magazine? I want a copy for the staff room.",
        "^The autumn issue of Trail and Fell, page {n}.",
        topics=("wins",),
    ),
    P(
        "{store} beat its monthly target by {pct}%, with two people off sick. Proud of them.",
        "Well done {store}! What was the secret?",
        "^The repair service: people come in for a fix and leave with a jacket.",
        topics=("wins",),
    ),
    P(
        "Kudos to {mention} for jumping in on the {system} issue on a Friday evening.",
        "Thank you for saying so, it was a team effort.",
        "Friday evening heroics, much appreciated.",
        topics=("kudos",),
    ),
    P(
        "Big thanks to {mention}, who helped a customer in {city} find the right {product} "
        "for a trip with their kids.",
        "It was a lovely conversation, they are sending photos from the trip.",
        "That is exactly the service we want to be known for.",
        "{mention} you will enjoy this one.",
        topics=("kudos",),
    ),
    P(
        "Kudos to {mention} for the onboarding notes for new joiners: my first week was so much "
        "easier with them.",
        "So glad they helped! Tell me what was missing.",
        "Can we share them with the {city} office too?",
        topics=("kudos",),
    ),
    P(
        "Kudos to {mention} for covering two shifts at {store} this week.",
        "Happy to help, the team would do the same for me.",
        topics=("kudos",),
    ),
    P(
        "Lunchtime walk from the {city} office on {day}, all welcome. Forty minutes, back in "
        "time for the afternoon.",
        "I am in. Meeting at the front door?",
        "^Yes, 12:30 at the front door.",
        topics=("wellbeing",),
    ),
    P(
        "Yoga session on {day} at 5pm, in the big meeting room in {city} and online.",
        "Do I need my own mat?",
        "^We have ten spare ones, first come first served.",
        topics=("wellbeing",),
    ),
    P(
        "Trying a no-meeting {day} in our team this month. I will report back on how it goes.",
        "Please do, we are thinking of the same.",
        "Did you keep stand-ups or drop those too?",
        "^We kept a ten-minute written check-in.",
        topics=("wellbeing",),
    ),
    P(
        "Our repair service saved {n} jackets from landfill this quarter, {m} of them older "
        "than ten years.",
        "We should tell customers this number, it is a great story.",
        "^Marketing is putting it in the next newsletter.",
        topics=("sustainability",),
    ),
    P(
        "Switched {supplier} to recycled packaging: {pct}% less plastic on every delivery.",
        "Did it change the cost?",
        "^A little up per box, a little down on waste collection. About even.",
        topics=("sustainability",),
    ),
    P(
        "Beach clean-up near {city} on {day}, gloves and bags provided. Bring a friend.",
        "Signed up with my two kids.",
        "How long does it take?",
        "^Two hours, then coffee.",
        topics=("sustainability",),
    ),
    P(
        "Questions for {day}'s town hall? Add them here and vote for the ones you want "
        "answered first.",
        "What is the plan for the new stores next year?",
        "Will the town hall be recorded for the stores that open early?",
        "^Yes, the recording is up the same evening.",
        topics=("townhall",),
    ),
)

# The launch week of the new pack line (see ``LAUNCH_PRODUCT``).
LAUNCH_THREADS: tuple[Plan, ...] = (
    P(
        "{launch} is in our store in {city} and the first {n} packs sold before lunch.",
        "What are people buying, the 22 L or the 40 L?",
        "^Mostly the 22 L, in slate.",
        "Same here, the sunset colour is close behind.",
        topics=(LAUNCH_TOPIC,),
    ),
    P(
        "Launch day numbers for {launch}: {n}k visits to the product page by noon, {pct}% "
        "from the newsletter.",
        "The newsletter is doing the heavy lifting. Great subject line.",
        "Any problems with the {system}?",
        "^None, it held up beautifully.",
        topics=(LAUNCH_TOPIC,),
    ),
    P(
        "Support is ready for {launch}: replies for sizing and waterproofing questions are in "
        "the templates. {n} chats about it so far.",
        "What is the most common question?",
        "^Whether the 40 L fits as cabin luggage. It does.",
        topics=(LAUNCH_TOPIC,),
    ),
    P(
        "The {launch} launch e-mail went to {n}00k members this morning, open rate {pct}% so far.",
        "That is well above our usual rate.",
        "Which photo did we use in the end?",
        "^The one from the ridge in the rain.",
        topics=(LAUNCH_TOPIC,),
    ),
    P(
        "War room for {launch} is in the big meeting room in {city} all week. Drop in with "
        "anything you hear from customers.",
        "Bringing biscuits on {day}.",
        "Is there a dial-in for people outside {city}?",
        "{mention} will you join us on {day}?",
        "^Yes, the link is in the launch event.",
        topics=(LAUNCH_TOPIC,),
    ),
)

OFFSITE_THREADS: tuple[Plan, ...] = (
    P(
        "Offsite day one done. My favourite session was the customer panel with the store "
        "managers from {city}.",
        "Same! The story about the kayak return was priceless.",
        "Are the panel notes going to be shared?",
        "^Yes, in the offsite read-out next week.",
        topics=(OFFSITE_TOPIC,),
    ),
    P(
        "Great to meet so many colleagues from {city} in person at the offsite, after two "
        "years of video calls.",
        "You are much taller than your video, {first}!",
        "Let's not wait for the next offsite to meet again.",
        topics=(OFFSITE_TOPIC,),
    ),
    P(
        "Offsite takeaway from our table: fewer priorities, done better. We picked {m} and "
        "dropped {n}.",
        "Which ones did you drop?",
        "^The ones nobody could tie to a customer.",
        topics=(OFFSITE_TOPIC,),
    ),
    P(
        "Coach back from the offsite leaves at 2pm sharp. Lost and found: one {product} and a "
        "very nice flask.",
        "The flask is mine, thank you! I will pick it up on {day}.",
        topics=(OFFSITE_TOPIC,),
    ),
)

GENERIC_THREADS: tuple[Plan, ...] = (
    P(
        "The coffee machine on the second floor of the {city} office is fixed!",
        "Best news of the week.",
        "Who fixed it? They deserve a coffee.",
        "^Facilities, with a part from {supplier}.",
    ),
    P(
        "Finished the {product} field test this weekend, it held up in the rain for {n} hours.",
        "Any leaks at the seams?",
        "^Not one. The zip was the only damp spot.",
        "Put it in the field test log, Product reads every entry.",
        "{mention} this is the test you asked about.",
    ),
    P(
        "Heads up: I am out of office from {day} for a week. {mention} covers for me.",
        "Enjoy the break, {first}!",
        "I have your open items, all under control.",
    ),
    P(
        "Team lunch in {city} on {day} to welcome our two new starters. Pizza or the noodle place?",
        "Noodles, every time.",
        "^Noodles it is, booking for {n}.",
    ),
)

# --- Questions ------------------------------------------------------------------------------------

# Department -> questions; the first reply is the answer (accepted when the asker accepts one).
DEPARTMENT_QUESTIONS: dict[str, tuple[Plan, ...]] = {
    "Executive Office": (
        P(
            "What is one thing we should stop doing next year? Honest answers welcome.",
            "Weekly status reports that nobody reads. A dashboard would do.",
            "Printing the sales pack for every meeting.",
            topics=("strategy",),
        ),
        P(
            "Which store should I visit next month? I want to see one that is struggling, not "
            "just the flagship.",
            "{store}: new team, new manager, lots of ideas and a tricky street.",
            "^Booked for {day}, thank you.",
            topics=("strategy",),
        ),
    ),
    "Engineering": (
        P(
            "Does anyone know why the {system} tests are flaky on main since {day}?",
            "A shared fixture leaks a clock between tests. Fix is in review, run them "
            "serially until then.",
            "^That was it, thanks. Approved the fix.",
            topics=("codereview",),
        ),
        P(
            "Who owns the {system} dashboards these days? Two of them show no data.",
            "Platform does since the reorg. The empty ones read the old metrics, I will "
            "repoint them today.",
            "^Perfect, thank you.",
            topics=("oncall",),
        ),
        P(
            "Is there a runbook for restarting the {system} without dropping orders?",
            "Yes, in the on-call handbook under 'rolling restarts'. Drain one node at a time.",
            "It was updated after the last incident, so it is current.",
            topics=("oncall",),
        ),
    ),
    "Product": (
        P(
            "Does anyone have data on returns for the {product} by reason?",
            "The returns dashboard has it: filter by product, the top reason is sizing at {pct}%.",
            "^Exactly what I needed, thanks.",
            topics=("customerfeedback",),
        ),
        P(
            "Which customers should we ask about the new wish list feature?",
            "Members who bought twice this year: they use the saved items most.",
            "Support can give you a few names who asked for it.",
            topics=("roadmap",),
        ),
    ),
    "Design": (
        P(
            "Where is the latest icon set for the {product} pages?",
            "In the design system library, version {n}: the old set is archived.",
            "^Found it, thank you.",
            topics=("designsystem",),
        ),
        P(
            "Does anyone have customers in {city} willing to join a research session on {day}?",
            "The {store} team has a list of regulars who like to help. Ask the store manager.",
            "^Great, messaging them now.",
            topics=("research",),
        ),
    ),
    "Sales": (
        P(
            "Who is the contact at {customer} for invoices? Their buyer has left.",
            "Their finance team has a shared inbox now, it is in the CRM notes since {day}.",
            "^Got it, thanks.",
            topics=("wholesale",),
        ),
        P(
            "Can we offer {customer} a bulk discount on the {product} above {n} units?",
            "Up to {pct}% without approval; above that, ask the sales director.",
            "^{pct}% will do it, thank you.",
            topics=("deals",),
        ),
    ),
    "Customer Support": (
        P(
            "What is our policy on refunds for a used {product}?",
            "Within 60 days, used or not, if it failed in normal use. Otherwise we offer a "
            "repair first.",
            "^Clear, thanks. The customer will be happy with a repair.",
            topics=("supportqueue",),
        ),
        P(
            "Does anyone know when the {product} is back in stock?",
            "Operations say {day}: the delivery from {supplier} is on its way.",
            "^Thanks, I will tell the customer.",
            topics=("customerfeedback",),
        ),
    ),
    "Marketing": (
        P(
            "Who can approve photos of the {product} for the campaign?",
            "The brand lead approves, send them the set with the captions.",
            "^Sent, thank you.",
            topics=("brand",),
        ),
        P(
            "Any ideas for the newsletter subject line this week? It is about the {product}.",
            "'Packed in ten seconds, dry for ten hours.'",
            "'The one we take ourselves.'",
            topics=("campaigns",),
        ),
    ),
    "Finance": (
        P(
            "Which cost centre should the {city} team day go to?",
            "Your department's events line: the code is in the budget template, tab two.",
            "^Found it, thanks.",
            topics=("budget",),
        ),
        P(
            "Has the {supplier} invoice been approved yet? They are asking.",
            "Approved this morning, it goes out with {day}'s payment run.",
            "^Great, I will let them know.",
            topics=("expenses",),
        ),
    ),
    "People": (
        P(
            "Which day works best for the {city} welcome breakfast?",
            "{day}: most people are in the office and there are no big meetings.",
            "Any day but Monday!",
            topics=("onboarding",),
        ),
        P(
            "Any volunteers to buddy new joiners next month? One coffee a week for a month.",
            "Count me in, I remember how lost I was in my first week.",
            "Happy to buddy someone in {city}.",
            topics=("onboarding",),
        ),
    ),
    "Operations": (
        P(
            "Who can sign off the new {supplier} contract?",
            "The head of Operations, after Legal has seen it. Legal turns it round in two days.",
            "^Sending it to Legal today.",
            topics=("suppliers",),
        ),
        P(
            "Does anyone know the cut-off time for next-day delivery to {city}?",
            "3pm since the carrier change. Anything after goes the day after.",
            "^Thank you, updating the store notice.",
            topics=("shipping",),
        ),
    ),
    "Retail Stores": (
        P(
            "How do I process a click-and-collect return at the till?",
            "Scan the collection code, choose 'Return', then refund to the original card. "
            "The guide is in the store app under Tills.",
            "^Did it with a customer just now, worked perfectly.",
            topics=("storeops",),
        ),
        P(
            "Does any store have spare {product} stock in medium?",
            "We have {m} at {store}, I can send them on {day}.",
            "^Yes please, thank you!",
            topics=("storeops",),
        ),
        P(
            "Who do I call when the card reader at {store} freezes?",
            "The service desk: they restart it remotely in two minutes. Number is on the till.",
            "^Called them, it is back. Thanks!",
            topics=("storeops",),
        ),
    ),
    "IT": (
        P(
            "Which laptops do people prefer for the refresh, the 13 or the 15 inch?",
            "13 inch for anyone who travels, 15 for design and data.",
            "The 13 with a screen at the desk is the best of both.",
            topics=("laptops",),
        ),
        P(
            "Is anyone else seeing the VPN drop in {city} since {day}?",
            "Yes, a certificate expired on one gateway. Fixed at 11, reconnect and it holds.",
            "^Working again, thanks.",
            topics=("servicedesk",),
        ),
    ),
}

GENERIC_QUESTIONS: tuple[Plan, ...] = (
    P(
        "Any recommendations for a good lunch spot near the {city} office?",
        "The soup place on the corner: quick, cheap and good.",
        "The market on {day} has great street food.",
    ),
    P(
        "Does anyone know who to ask about parking at the {city} office?",
        "Facilities: fill in the form on the intranet, spaces go by a waiting list.",
        "^Done, thank you.",
    ),
    P(
        "Where do I find the holiday calendar for {city}?",
        "On the intranet under People, one page per country.",
        "^Found it, thanks!",
    ),
)

# --- Polls ----------------------------------------------------------------------------------------

POLLS: tuple[Plan, ...] = (
    P(
        "Where should our next team day be?",
        "Voted Lisbon, the food alone is worth it.",
        "The Lake District has the best walks.",
        options=("Lake District", "Lisbon", "Black Forest"),
    ),
    P(
        "Best day for the team lunch in {city}?",
        "Thursday, Fridays are always busy.",
        options=("Tuesday", "Wednesday", "Thursday", "Friday"),
    ),
    P(
        "Which colour should the next {product} come in?",
        "Forest green, it hides the mud.",
        "Sunset, we need something bright in the range.",
        options=("Forest green", "Slate", "Sunset"),
    ),
    P(
        "How do you get to work in {city}?",
        "Bike, rain or shine.",
        "Bus, and I read the whole way.",
        options=("Bike", "Public transport", "Walk", "Car"),
    ),
    P(
        "Town hall format next time?",
        "Both, please: in person is better but not everyone can come.",
        options=("In person", "Online", "Both"),
    ),
)

# --- Announcements --------------------------------------------------------------------------------

TRAVEL_POLICY_TITLE = "New travel policy"
TRAVEL_POLICY_BODY = """From the first of next month, the way we book work travel changes.

- Book trains for journeys under five hours, flights only above that.
- All bookings go through the travel portal, so we know where everyone is.
- Hotels up to the city limit in the policy need no approval; above it, your manager approves.

Please read the full policy on the intranet and acknowledge this announcement, so we know it
reached you. Questions go to Finance. Thank you!"""
STORE_ROTA_TITLE = "London stores: new weekend rota"
STORE_ROTA_BODY = """From next month, Covent Garden and Shoreditch move to the new weekend rota.

Shifts are published two weeks ahead, and swaps go through your store manager. Thanks for all
the feedback that shaped it."""
ROLES = (
    "Senior Backend Engineer", "Store Manager", "Product Designer", "Data Analyst",
    "Warehouse Team Lead", "Customer Support Advisor", "Product Manager", "Buyer",
)  # fmt: skip
