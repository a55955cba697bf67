"""The demo's communities as data: each one's handle, name, privacy, category, texts, age and
directory rule, and what draws people into the interest groups (skills, target sizes). The
builder that turns them into rows is ``demo/communities.py``."""

from dataclasses import dataclass

from watercooler.communities.models import Category, Privacy


@dataclass(frozen=True)
class RuleSpec:
    departments: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    allow_leave: bool = False


@dataclass(frozen=True)
class CommunitySpec:
    handle: str
    name: str
    privacy: str
    category: str
    description: str
    guidelines: str
    # How long ago it was created.
    days_old: int
    rule: RuleSpec | None = None


SPECS: tuple[CommunitySpec, ...] = (
    CommunitySpec(
        "customer-care",
        "Customer care worldwide",
        Privacy.OPEN,
        Category.FUNCTION,
        "Everyone who talks to our customers, in every time zone: the support hubs in Lisbon, "
        "Bangalore, Austin, Singapore, Sydney and São Paulo, and anyone in stores or product who "
        "wants to hear what customers tell us. Hand over across time zones, swap macros, ask "
        "about policies and share what customers love (or don't).",
        "Never post a customer's name, e-mail or order number here: link the ticket instead. "
        "Policy questions get an accepted answer, so the next person finds it.",
        250,
        RuleSpec(departments=("Customer Support",)),
    ),
    CommunitySpec(
        "store-managers",
        "Store managers",
        Privacy.CLOSED,
        Category.FUNCTION,
        "Store, area and regional managers from every Fernwick store: rotas, targets, "
        "deliveries, hiring and the things only another store manager understands.",
        "Figures shared here stay here until they are published. Shift leads are welcome: ask "
        "to join and an area manager will approve you.",
        330,
    ),
    CommunitySpec(
        "retail-emea",
        "Retail EMEA",
        Privacy.CLOSED,
        Category.FUNCTION,
        "All our store teams in London, Berlin and Lisbon. Store operations, visual "
        "merchandising and wins from the shop floor.",
        "Everyone in a European store is added automatically. Rota swaps go through your store "
        "manager, not this community.",
        200,
        RuleSpec(departments=("Retail Stores",), regions=("EMEA",)),
    ),
    CommunitySpec(
        "retail-americas",
        "Retail Americas",
        Privacy.CLOSED,
        Category.FUNCTION,
        "Store teams in New York, Austin and São Paulo: store operations, events and wins.",
        "Everyone in a store in the Americas is added automatically. Keep customer details out "
        "of posts.",
        200,
        RuleSpec(departments=("Retail Stores",), regions=("Americas",)),
    ),
    CommunitySpec(
        "berlin-office",
        "Berlin office",
        Privacy.OPEN,
        Category.LOCATION,
        "Everyone who works from Berlin: the office in Kreuzberg, the Mitte store and the "
        "distribution centre. Lunch plans, building news, the Friday breakfast.",
        "Posts in English or German, both are fine.",
        170,
        RuleSpec(locations=("Berlin",), allow_leave=True),
    ),
    CommunitySpec(
        "london-hq",
        "London HQ",
        Privacy.OPEN,
        Category.LOCATION,
        "Our head office and the Covent Garden and Shoreditch stores: building news, desk "
        "booking, socials and who is in this week.",
        "Facilities questions are answered by the office team on weekdays.",
        170,
        RuleSpec(locations=("London",), allow_leave=True),
    ),
    CommunitySpec(
        "ask-it",
        "Ask IT",
        Privacy.OPEN,
        Category.SUPPORT,
        "Questions about laptops, sign-in, Wi-Fi, the tills and anything else with a plug. "
        "The service desk team answers here every working day, in every time zone.",
        "Search before you ask, and mark the answer that solved it. Passwords and one-time "
        "codes never go in a post. Anything urgent (a store till down): call the service desk.",
        300,
    ),
    CommunitySpec(
        "data-guild",
        "Data & analytics guild",
        Privacy.OPEN,
        Category.PRACTICE,
        "Analysts, data engineers and anyone who writes SQL for a living or for fun. Share "
        "dashboards, review each other's queries, and learn what the numbers really mean.",
        "Share queries and charts, not raw customer data.",
        100,
    ),
    CommunitySpec(
        "trail-runners",
        "Trail runners",
        Privacy.OPEN,
        Category.INTEREST,
        "Runs before work, long runs at weekends and race plans, from the South Downs to the "
        "Blue Mountains. Every pace welcome.",
        "Post routes with a start time and pace, so people can join.",
        160,
    ),
    CommunitySpec(
        "photography",
        "Photography",
        Privacy.OPEN,
        Category.INTEREST,
        "Photo walks, kit talk and your best shots from the trail. Our campaign photographers "
        "drop in too.",
        "Only post photos of colleagues who said yes.",
        120,
    ),
    CommunitySpec(
        "sustainability-champions",
        "Sustainability champions",
        Privacy.CLOSED,
        Category.INTEREST,
        "Volunteers in every store, office and warehouse who make Fernwick greener: repair "
        "days, clean-ups, packaging and the numbers behind them.",
        "Champions commit to one action a quarter. Ask to join and tell us where you work.",
        140,
    ),
    CommunitySpec(
        "parents",
        "Parents at Fernwick",
        Privacy.CLOSED,
        Category.INTEREST,
        "Parents and carers: school holidays, flexible hours, hand-me-down kids' gear and "
        "support from people who get it.",
        "What is shared here stays here. Be kind.",
        90,
    ),
    CommunitySpec(
        "project-summit",
        "Project Summit — new ERP",
        Privacy.SECRET,
        Category.PROJECT,
        "The team replacing our finance and stock systems with one ERP. Plans, cutover "
        "rehearsals and decisions before they are announced.",
        "Confidential until the programme is announced: do not forward or screenshot.",
        130,
    ),
    CommunitySpec(
        "leadership-offsite",
        "Leadership offsite planning",
        Privacy.SECRET,
        Category.PROJECT,
        "Agenda, venue and logistics for the leadership offsites.",
        "Drafts only: nothing here is decided until the CEO shares it.",
        110,
    ),
)

# Skills that make someone likelier to join a community (weight of a match).
INTEREST_SKILLS: dict[str, tuple[frozenset[str], float]] = {
    "data-guild": (
        frozenset(
            {
                "SQL",
                "Data engineering",
                "Product analytics",
                "Data visualisation",
                "Machine learning",
                "Amplitude",
                "Data storytelling",
                "Financial modelling",
                "Demand planning",
                "A/B testing",
            }
        ),
        10.0,
    ),
    "trail-runners": (frozenset({"Trail running", "First aid"}), 8.0),
    "photography": (frozenset({"Photography", "Video production", "Visual merchandising"}), 8.0),
    "sustainability-champions": (
        frozenset({"Sustainability", "Sustainability reporting", "Tent repair", "Lean"}),
        8.0,
    ),
}
# Target sizes as a share of the organisation (interest groups end up 5 to 60 at 300 people).
SHARE = {
    "ask-it": 0.42,
    "data-guild": 0.1,
    "trail-runners": 0.11,
    "photography": 0.13,
    "sustainability-champions": 0.16,
    "parents": 0.08,
    "project-summit": 0.06,
}
RETAIL = "Retail Stores"
SENIOR_STORE_TITLES = ("Store Manager", "Area Manager", "Regional Retail Director", "VP Retail")
