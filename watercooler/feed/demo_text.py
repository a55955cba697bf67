"""Words for the feed demo: topics, post and reply templates per department, fills, polls.

Templates are ``str.format`` strings. The fills (``{product}``, ``{customer}``, ``{city}``,
``{store}``, ``{n}``, ``{pct}``, ``{score}``, ``{amount}``, ``{day}``, ``{system}``, ``{supplier}``,
``{mention}``, ``{first}`` …) are drawn per post by ``feed/demo.py``; ``{mention}`` becomes an
``@username`` and makes the post mention someone. Topics are added as ``#tags`` by the builder.
Texts avoid Markdown syntax that would change their meaning (``*``, ``_``, leading ``#``).
"""

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

# --- Posts per department -------------------------------------------------------------------------

DEPARTMENT_POSTS: dict[str, tuple[str, ...]] = {
    "Executive Office": (
        "Spent the day at our {store} store. The team there is brilliant, and customers kept "
        "asking about the {product}.",
        "Quick update from the leadership offsite prep: three priorities for next quarter, "
        "more at the town hall on {day}.",
        "Numbers for last month are in: online up {pct}%, stores up {n}%. Thank you all.",
        "Had a great call with {customer} today. They want to grow the partnership next year.",
        "Reminder that the board meets on {day}. Send me anything you want raised by then.",
    ),
    "Engineering": (
        "Deployed the new {system} to production. Latency down {pct}%, no errors so far.",
        "Postmortem for last week's {system} incident is up. Short version: a retry storm.",
        "We cut the CI pipeline from {n} minutes to {m}. Huge thanks to {mention}.",
        "Feature flag for the {product} page is now at 50% of traffic in {city}.",
        "Tech debt day on {day}: we are deleting the old {system} code paths.",
        "Pairing with {mention} on the {system} migration this week, ping us if it affects you.",
        "Load test results: the {system} held {n}k requests a minute without breaking a sweat.",
        "Upgraded our Postgres cluster overnight. {n} minutes of read-only, as planned.",
    ),
    "Product": (
        "Roadmap review for the {product} is on {day}. Bring your customer stories.",
        "The A/B test on the {product} page finished: the new layout wins by {pct}%.",
        "Spoke to {n} customers in {city} this week. Click-and-collect keeps coming up.",
        "Draft spec for wish lists is ready for comments, thanks {mention} for the first pass.",
        "Membership sign-ups are up {pct}% since we simplified the form.",
        "We are pausing the gift card work to focus on the {system} reliability fixes.",
    ),
    "Design": (
        "New button and form styles are live in the design system, {n} components updated.",
        "Research readout: {n} interviews on how people choose a {product}.",
        "Usability test of the new checkout with {n} customers in {city}: mostly smooth.",
        "Sharing the refreshed product page designs, feedback welcome until {day}.",
        "Accessibility audit done: {n} issues found, most already fixed by {mention}.",
    ),
    "Sales": (
        "Signed {customer} for {amount} of group kit this season!",
        "Pipeline check: {n} wholesale deals in late stage, {amount} in total.",
        "{customer} renewed for another year and added the {product} to their order.",
        "Back from the trade show in {city}: {n} good leads, follow-ups going out {day}.",
        "Great demo with {customer} today, {mention} nailed the questions on sizing.",
        "Price list for next season goes to wholesale customers on {day}.",
    ),
    "Customer Support": (
        "Queue update: {n} open tickets, median first response {m} minutes.",
        "CSAT this week is {score}%, our best since spring. Thank you team!",
        "Seeing more contacts about the {product} sizing, logging it for Product.",
        "New macro for delivery delays is live, written by {mention}.",
        "Weekend cover for {day} is sorted, thanks everyone who swapped shifts.",
        "A customer in {city} sent a thank-you card for the repair service, pinned in the office.",
    ),
    "Marketing": (
        "The autumn campaign for the {product} goes live on {day}.",
        "Newsletter open rate hit {pct}% this week, subject line by {mention}.",
        "Shooting the new lookbook in {city} next week. Volunteers to model gear welcome.",
        "Our post about the {product} reached {n}k people on social this weekend.",
        "Brand guidelines v{n} are out, please use the new logo files from now on.",
    ),
    "Finance": (
        "Expense reports for this month are due {day}, please submit before then.",
        "Budget templates for next year are in the shared drive.",
        "Supplier payments run is done: {n} invoices, {amount} in total.",
        "New purchase order process starts next month, {mention} will run two walkthroughs.",
        "Reminder: travel bookings over {amount} need approval first.",
    ),
    "People": (
        "Welcome to the {n} people who joined this week across {city} and beyond!",
        "Engagement survey closes on {day}, {pct}% have answered so far.",
        "Manager training cohort {n} starts next month, sign-ups open now.",
        "We are hiring {n} roles in {city}: referrals very welcome.",
        "Benefits window is open until {day}. Questions to {mention} or me.",
    ),
    "Operations": (
        "Warehouse in {city} shipped {n}k orders this week, a record.",
        "Inbound delivery from {supplier} is {n} days late, stock of the {product} is low.",
        "New packing stations are live, pick rate up {pct}%.",
        "Carrier change for {city} deliveries starts {day}.",
        "Stock count on {day}: the warehouse closes to inbound from 2pm.",
    ),
    "Retail Stores": (
        "{store} had its best Saturday of the year, the {product} flew off the shelves.",
        "New window display at {store} is up, photos in the shared album.",
        "Click-and-collect orders at {store} up {pct}% this month.",
        "Shout-out to {mention} for staying late to finish the stock count.",
        "We are short on the {product} in medium at {store}, any store with spare?",
        "Repair workshop at {store} fixed {n} jackets this week.",
    ),
    "IT": (
        "Laptop refresh for {city} starts {day}: {n} machines to swap.",
        "Phishing test results: {score}% reported it, well done everyone.",
        "Wi-Fi at {store} was upgraded last night.",
        "Reminder: turn on two-factor sign-in before {day}.",
        "Service desk closed {n} tickets this week, thanks {mention} for covering.",
    ),
}

# Posts in a topic of its own (department or company-wide, and the events).
TOPIC_POSTS: dict[str, tuple[str, ...]] = {
    "release": (
        "Release {n}.{m} of the {system} is out. Changelog in the repo.",
        "Release train leaves {day} at 2pm, merge by noon please.",
        "Rolled back today's release of the {system}, root cause found, re-release tomorrow.",
    ),
    "oncall": (
        "Quiet on-call week: {n} pages, none after midnight.",
        "Handing over on-call to {mention}. One open alert on the {system}.",
        "On-call rota for next month is published, swaps by {day}.",
    ),
    "incident": (
        "Incident resolved: the {system} was slow for {n} minutes in {city}.",
        "Investigating elevated errors on the {system}, updates here.",
    ),
    "codereview": (
        "Reminder: small pull requests get reviewed faster. Under 400 lines please.",
        "Review queue is long this week, {mention} and I will sweep it on {day}.",
    ),
    "quarterclose": (
        "Quarter close starts {day}: please get accruals in by end of day.",
        "Quarter closed in {n} working days, our fastest yet.",
        "Open purchase orders need receipting before quarter close, list in the drive.",
    ),
    "hiring": (
        "We are hiring a {role} in {city}. Know someone great?",
        "Interview panel training on {day}, {n} spots left.",
        "{n} offers accepted this month, welcome aboard soon!",
    ),
    "storeops": (
        "Store opening checklist updated: new till float process from {day}.",
        "Staffing for the sale weekend at {store} is done, {n} extra shifts covered.",
        "Delivery to {store} arrives {day} morning, all hands for unpacking.",
    ),
    "pipeline": (
        "Pipeline review {day}: {n} deals, {amount} weighted.",
        "Moved {customer} to proposal stage, {amount} opportunity.",
    ),
    "wins": (
        "Small win: {customer} just placed their biggest order ever.",
        "We hit {score}% on-time delivery this month. Team effort!",
        "The {product} got a 5-star review in an outdoor magazine.",
        "Closed the {system} project on time and under budget, thanks {mention}.",
        "{store} beat its monthly target by {pct}%.",
    ),
    "kudos": (
        "Kudos to {mention} for jumping in on the {system} issue on a Friday evening.",
        "Big thanks to {mention}, who helped a customer in {city} find the right {product}.",
        "Shout-out to {mention} for the brilliant onboarding docs.",
        "Kudos to {mention} for covering two shifts at {store} this week.",
    ),
    "wellbeing": (
        "Lunchtime walk from the {city} office on {day}, all welcome.",
        "Reminder that the employee assistance line is free and confidential.",
        "Yoga session on {day} at 5pm, in the big meeting room and online.",
        "Trying a no-meeting {day} this month. Who is in?",
    ),
    "sustainability": (
        "Our repair service saved {n} jackets from landfill this quarter.",
        "Switched {supplier} to recycled packaging, {pct}% less plastic.",
        "Beach clean-up near {city} on {day}, gloves and bags provided.",
        "Cycle-to-work numbers are up {pct}% in {city}.",
    ),
    "townhall": (
        "Questions for {day}'s town hall? Add them here.",
        "Recording of the town hall is up, thanks for all the questions.",
        "Town hall takeaway: we open two stores next year.",
    ),
    LAUNCH_TOPIC: (
        "{launch} is live in the app stores! Thank you everyone who made it happen.",
        "Launch day numbers for {launch}: {n}k downloads so far.",
        "Stores: {launch} posters arrived, put them up by the tills today.",
        "Support is ready for {launch}, macros and FAQ are live.",
        "The {launch} launch email went to {n}00k members this morning.",
        "War room for {launch} is in the big meeting room all week.",
    ),
    OFFSITE_TOPIC: (
        "Offsite day one done. My favourite session: the customer panel.",
        "Photos from the offsite are up in the shared album.",
        "Great to meet so many colleagues from {city} in person at the offsite.",
        "Offsite takeaway: fewer priorities, done better.",
    ),
}

GENERIC_POSTS = (
    "Coffee machine on the {city} office second floor is fixed!",
    "Anyone up for lunch on {day}?",
    "Finished the {product} field test this weekend, it held up in the rain.",
    "Thanks {mention} for the help today.",
    "Heads up: I am out of office from {day}, {mention} covers for me.",
)

# --- Questions ------------------------------------------------------------------------------------

DEPARTMENT_QUESTIONS: dict[str, tuple[str, ...]] = {
    "Executive Office": (
        "What is one thing we should stop doing next year?",
        "Which store should I visit next month?",
    ),
    "Engineering": (
        "Does anyone know why the {system} tests are flaky on main?",
        "Who owns the {system} dashboards these days?",
        "Is there a runbook for restarting the {system}?",
    ),
    "Product": (
        "Does anyone have data on returns for the {product}?",
        "Which customers should we ask about the new wish list feature?",
    ),
    "Design": (
        "Where is the latest icon set for the {product} pages?",
        "Does anyone have customers in {city} willing to join a research session?",
    ),
    "Sales": (
        "Who is the contact at {customer} for invoices?",
        "Can we offer {customer} a bulk discount on the {product}?",
    ),
    "Customer Support": (
        "What is our policy on refunds for a used {product}?",
        "Does anyone know when the {product} is back in stock?",
    ),
    "Marketing": (
        "Who can approve photos of the {product} for the campaign?",
        "Any ideas for the newsletter subject line this week?",
    ),
    "Finance": (
        "Which cost centre should the {city} offsite go to?",
        "Has the {supplier} invoice been approved yet?",
    ),
    "People": (
        "Which day works best for the {city} welcome breakfast?",
        "Any volunteers to buddy new joiners next month?",
    ),
    "Operations": (
        "Who can sign off the new {supplier} contract?",
        "Does anyone know the cut-off time for next-day delivery to {city}?",
    ),
    "Retail Stores": (
        "How do I process a click-and-collect return at the till?",
        "Does any store have spare {product} stock?",
        "Who do I call when the card reader at {store} freezes?",
    ),
    "IT": (
        "Which laptops do people prefer for the refresh?",
        "Is anyone else seeing the VPN drop in {city}?",
    ),
}

GENERIC_QUESTIONS = (
    "Any recommendations for a good lunch spot near the {city} office?",
    "Does anyone know who to ask about parking at the {city} office?",
    "Where do I find the holiday calendar for {city}?",
    "Who is going to the town hall in person on {day}?",
)

# --- Polls ----------------------------------------------------------------------------------------

POLLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Where should the next team offsite be?", ("Lake District", "Lisbon", "Black Forest")),
    ("Best day for the team lunch?", ("Tuesday", "Wednesday", "Thursday", "Friday")),
    ("Which colour should the new {product} come in?", ("Forest green", "Slate", "Sunset")),
    ("How do you get to work?", ("Bike", "Public transport", "Walk", "Car")),
    ("Town hall format next time?", ("In person", "Online", "Both")),
    ("Should we try a no-meeting day?", ("Yes, Wednesdays", "Yes, Fridays", "No thanks")),
)

# --- Replies --------------------------------------------------------------------------------------

REPLIES = (
    "Nice one, {first}!",
    "Thanks for sharing.",
    "Great news.",
    "Love this.",
    "Good to know, thanks {first}.",
    "This is really helpful.",
    "Well done team!",
    "Interesting, can we talk about this on {day}?",
    "Agreed, let's keep going.",
    "Saving this for later.",
    "Count me in.",
    "Brilliant work.",
    "Thanks {first}, passing this on to my team.",
    "Makes sense to me.",
    "Looking forward to it!",
    "Can you share the slides?",
    "How can we help from our side?",
    "+1, same here in {city}.",
)
ANSWERS = (
    "I think {mention} knows, they worked on it last month.",
    "There is a page about it on the intranet, I will send you the link.",
    "Ask the service desk, they sorted it for me last week.",
    "We had the same problem in {city}, restarting fixed it.",
    "Yes! Message me and I will walk you through it.",
    "It was changed on {day}, the new process is in the handbook.",
    "{mention} is the right person for this.",
    "Not sure, but I would try Finance first.",
    "Last time we did it like this and it worked well.",
)
CELEBRATION_REPLIES = (
    "Congratulations!",
    "Amazing, well deserved {first}!",
    "So proud of this team.",
    "Brilliant, thanks {first}.",
    "Fantastic result.",
)
FOLLOW_UPS = (
    "Thanks, that helps!",
    "Good point, will do.",
    "Exactly.",
    "Thanks {first}!",
    "Agreed.",
    "I will follow up on {day}.",
    "Sent you a message.",
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
