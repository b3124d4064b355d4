"""A team's synthetic hiring history, realistic enough that matching meets the term statistics it meets in use.

Titles come with grades and qualifiers, skills are Zipf-distributed within each discipline (python is everywhere,
erlang is rare), notes are short and sometimes name a skill, and some candidates come back for a second or third
role. Every rejection is one the index keeps (stage final, or rated 4-5), so a size of N means N indexed rejections.
The stream is deterministic for a given seed, so runs on different databases and machines seed the same history.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate

TEAM = "T0BENCH"
SEED = 20261101
NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)
YEARS = 5
RECRUITERS = tuple(f"U0BENCH{n:02d}" for n in range(1, 13))


def _split(text: str) -> tuple[str, ...]:
    """Items of a "|"-separated list written across lines."""
    return tuple(item.strip() for item in text.split("|"))


TITLES = {
    "engineering": """Backend Engineer|Frontend Engineer|Full Stack Engineer|Software Engineer|Mobile Engineer
        |iOS Engineer|Android Engineer|Platform Engineer|Site Reliability Engineer|DevOps Engineer|Security Engineer
        |QA Engineer|Test Automation Engineer|Embedded Software Engineer|Engineering Manager|Infrastructure Engineer
        |Cloud Engineer|Solutions Architect|Developer Advocate|Game Developer|Firmware Engineer|Network Engineer""",
    "product": """Product Manager|Technical Product Manager|Product Owner|Group Product Manager|Growth Product Manager
        |Product Operations Manager|Director of Product|Program Manager|Technical Program Manager|Project Manager""",
    "design": """Product Designer|UX Designer|UI Designer|UX Researcher|Visual Designer|Interaction Designer
        |Content Designer|Brand Designer|Motion Designer|Design Manager""",
    "data": """Data Scientist|Data Engineer|Data Analyst|Machine Learning Engineer|Analytics Engineer
        |Business Intelligence Analyst|Research Scientist|MLOps Engineer|Data Architect|Applied Scientist
        |Quantitative Analyst|Database Administrator""",
    "sales": """Account Executive|Sales Development Representative|Business Development Representative|Account Manager
        |Customer Success Manager|Sales Engineer|Sales Manager|Enterprise Account Executive|Partnerships Manager
        |Solutions Consultant|Revenue Operations Analyst|Inside Sales Representative|Channel Sales Manager
        |Key Account Manager""",
    "ops": """Operations Manager|Office Manager|Recruiter|Technical Recruiter|People Partner|Finance Manager
        |Financial Analyst|Executive Assistant|Supply Chain Analyst|Customer Support Specialist|Payroll Specialist
        |Legal Counsel|IT Support Specialist|Procurement Manager""",
}
# Most common first: the position in each list is the Zipf rank.
SKILLS = {
    "engineering": """python|javascript|typescript|java|go|react|node.js|aws|postgresql|docker|kubernetes|sql|django
        |git|linux|rest apis|microservices|terraform|redis|graphql|kotlin|swift|c++|c#|.net|ruby|rails|php|spring boot
        |flask|fastapi|vue|angular|next.js|html|css|tailwind|mysql|mongodb|kafka|rabbitmq|elasticsearch|grpc|gcp|azure
        |ansible|helm|bash|ci/cd|github actions|jenkins|prometheus|grafana|datadog|ios|android|react native|flutter
        |system design|distributed systems|testing|cypress|playwright|selenium|security|oauth|networking|rust|scala
        |elixir|svelte|webpack|celery|sqlalchemy|pytest|junit|gradle|maven|bazel|dynamodb|cassandra|clickhouse
        |serverless|aws lambda|nginx|opentelemetry|websockets|unity|embedded c|rtos|cuda|webassembly|haskell|erlang
        |ocaml|clojure|zig|spring|hibernate|quarkus|phoenix|deno|remix|nuxt|storybook|jest|vitest|sentry|splunk|vault
        |istio|envoy|argo cd|pulumi|cloudformation|openapi|protobuf|nats|pulsar|memcached|cockroachdb|neo4j|timescaledb
        |sqlite|duckdb|objective-c|swiftui|jetpack compose|electron|qt|verilog|fpga|yocto|zephyr""",
    "product": """roadmapping|product strategy|jira|agile|stakeholder management|user stories|scrum|a/b testing|okrs
        |product analytics|b2b saas|discovery|customer interviews|prioritisation|go-to-market|confluence|amplitude
        |mixpanel|experimentation|growth|onboarding|retention|pricing|payments|fintech|marketplaces|e-commerce|b2c
        |kanban|api products|platform products|mobile apps|data products|healthtech|edtech|logistics|compliance
        |ml products|insurtech|proptech|feature flags|launch planning|competitive analysis|market research
        |product-led growth|north star metrics|pendo|productboard|aha|linear""",
    "design": """figma|user research|prototyping|design systems|wireframing|usability testing|interaction design
        |visual design|sketch|accessibility|typography|adobe xd|illustrator|photoshop|information architecture
        |journey mapping|design thinking|miro|ux writing|mobile design|responsive design|personas|service design
        |content design|branding|motion design|after effects|framer|illustration|workshops|data visualisation
        |wcag|invision|principle|icon design|3d|blender|design ops|protopie|webflow
        |storyboarding|design critique|user flows|card sorting|tree testing
        |diary studies|eye tracking|dovetail|maze|lottie""",
    "data": """sql|python|pandas|machine learning|statistics|spark|airflow|dbt|tableau|looker|snowflake|bigquery|numpy
        |scikit-learn|pytorch|tensorflow|etl|data modeling|a/b testing|power bi|r|deep learning|nlp|excel|databricks
        |redshift|pyspark|data warehousing|forecasting|time series|computer vision|llms|kafka|mlflow|keras
        |feature engineering|recommendation systems|causal inference|bayesian methods|metabase|hadoop|flink|kubeflow
        |data governance|data quality|optimisation|reinforcement learning|sas|stata|matlab
        |polars|dask|ray|xgboost|lightgbm|huggingface|langchain|vector databases
        |great expectations|fivetran""",
    "sales": """salesforce|hubspot|saas|prospecting|negotiation|pipeline management|enterprise sales|account management
        |lead generation|closing|cold calling|forecasting|linkedin sales navigator|outreach|gong|solution selling
        |meddic|mid-market|smb|upselling|renewals|crm|demos|customer onboarding|churn reduction|qbrs|partnerships
        |channel sales|presales|rfps|territory planning|salesloft|spin selling|challenger sale|emea|dach|nordics
        |apac|north america|public sector|german|french|spanish|dutch|italian
        |zoominfo|apollo|clari|pipedrive|value selling
        |account-based marketing|land and expand|benelux|latam|polish""",
    "ops": """excel|google sheets|project management|sourcing|onboarding|workday|greenhouse|payroll|budgeting
        |accounting|customer support|zendesk|gdpr|compliance|vendor management|procurement|hris|bamboohr|lever
        |employer branding|compensation|benefits|employee relations|employment law|financial modelling|fp&a|ifrs
        |gaap|xero|quickbooks|sap|netsuite|supply chain|logistics|inventory|lean|six sigma|event planning
        |calendar management|office management|facilities|it support|jamf|okta|google workspace|intercom
        |contract law|travel booking|deel|rippling|personio|ashby|smartrecruiters|expense management|tax
        |audit|treasury|okr facilitation""",
    "general": """communication|leadership|mentoring|english|team management|hiring|public speaking|startup experience
        |coaching|remote work""",
}
GRADES = (("", 48), ("Senior ", 24), ("Sr. ", 3), ("Junior ", 7), ("Lead ", 6), ("Staff ", 4), ("Principal ", 3))
LEVELS = (("", 93), (" II", 5), (" III", 2))
PLACES = ("Berlin", "London", "Amsterdam", "Lisbon", "Remote", "EMEA", "New York", "Paris", "Madrid", "Warsaw")
TEAMS = ("Payments", "Growth", "Platform", "Checkout", "Core", "Mobile", "Enterprise", "Marketplace", "Search", "Ads")
NOTES = (
    "great {skill} depth",
    "weak on {skill}",
    "knows {skill} inside out",
    "would need to ramp up on {skill}",
    "strong {skill} take-home",
    "salary expectations above band",
    "wants fully remote",
    "relocating to {place} next spring",
    "strong communicator",
    "went with a more senior candidate",
    "close second to the hire",
    "keep warm for the next {team} opening",
    "loved the team, timing was wrong",
    "notice period of three months",
    "needs visa sponsorship",
    "great culture add",
    "thoughtful questions about the roadmap",
    "system design round was borderline",
    "references were excellent",
    "accepted a counter-offer",
    "prefers a smaller company",
    "would be a fit for {team}",
    "ask again in six months",
    "hiring manager wanted more {skill}",
    "impressive portfolio",
)
FIRST = _split(
    """Ada|Ben|Chloé|Dmitri|Elif|Farah|Gustavo|Hana|Ivan|Jasmine|Kofi|Lena|Mateo|Nadia|Omar|Priya|Quentin|Rosa|Sven
    |Tomás|Uma|Viktor|Wen|Ximena|Yusuf|Zoë|Aiko|Bruno|Carmen|Diego|Emma|Finn|Greta|Hugo|Ines|Jonas|Kira|Luca|Maya|Noah
    |Olga|Pablo|Rania|Sami|Tara|Ugo|Vera|Will|Yara|Zane"""
)
LAST = _split(
    """Adeyemi|Bauer|Castillo|Dubois|Eriksen|Fischer|García|Haddad|Ivanova|Jensen|Kowalski|López|Müller|Nakamura
    |Okafor|Petrov|Quinn|Rossi|Schmidt|Tanaka|Ueda|Varga|Wagner|Xu|Yilmaz|Zielinski|Andersson|Becker|Costa|Dias|Evans
    |Ferreira|Gómez|Horvat|Ibrahim|Jovanović|Kim|Larsen|Moreau|Novak|Olsen|Park|Reyes|Silva|Tran|Urban|Vogel|Weber
    |Young|Zhang"""
)


@dataclass(frozen=True)
class PastRejection:
    """One rejection as a recruiter would type it: the entry's own tags, not the candidate's accumulated ones."""

    role_title: str
    stage: str
    rating: int | None
    tags: tuple[str, ...]
    note: str | None
    rejected_at: datetime
    recruiter: str  # Slack user id


@dataclass(frozen=True)
class PastCandidate:
    """A candidate with their rejections in recording order, and what happened to their check-ins afterwards."""

    index: int
    name: str
    email: str
    rejections: tuple[PastRejection, ...]
    stopped: str | None  # stop reason, when a recruiter stopped the check-ins after the last rejection
    stopped_at: datetime | None
    opted_out: bool


class _Zipf:
    """Draws from a ranked list with probability proportional to 1 / rank ** exponent."""

    def __init__(self, items: Sequence[str], exponent: float = 1.07) -> None:
        self.items = list(items)
        self.cumulative = list(accumulate(1 / (rank**exponent) for rank in range(1, len(items) + 1)))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


class History:
    """The deterministic stream of past candidates for one seed."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.titles = {domain: _Zipf(_split(text), 0.8) for domain, text in TITLES.items()}
        self.skills = {domain: _Zipf(_split(text)) for domain, text in SKILLS.items()}
        self.domains = [domain for domain in TITLES]
        self.domain_weights = (40, 10, 8, 14, 16, 12)  # engineering-heavy, as hiring at a software company is
        self.recruiter_weights = [12 - n for n in range(len(RECRUITERS))]  # a few recruiters hire most

    def candidates(self) -> Iterator[PastCandidate]:
        """Past candidates forever, in recording order; the caller takes as many as it needs."""
        index = 0
        while True:
            index += 1
            yield self._candidate(index)

    def _candidate(self, index: int) -> PastCandidate:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        count = rng.choices((1, 2, 3), weights=(85, 12, 3))[0]
        domain = rng.choices(self.domains, weights=self.domain_weights)[0]
        at = NOW - timedelta(seconds=rng.randrange(YEARS * 365 * 86400))
        rejections = []
        for _ in range(count):
            rejections.append(self._rejection(domain, at))
            at = min(NOW, at + timedelta(days=rng.randrange(30, 400), seconds=rng.randrange(86400)))
        stopped = rng.choices((None, "hired_elsewhere", "not_interested"), weights=(95, 4, 1))[0]
        last_at = rejections[-1].rejected_at
        return PastCandidate(
            index=index,
            name=f"{first} {last}",
            email=f"candidate{index}@example.com",
            rejections=tuple(rejections),
            stopped=stopped,
            stopped_at=min(NOW, last_at + timedelta(days=rng.randrange(15, 200))) if stopped else None,
            opted_out=rng.random() < 0.01,
        )

    def _rejection(self, domain: str, at: datetime) -> PastRejection:
        rng = self.rng
        stage = rng.choices(("final", "interview", "screen"), weights=(55, 30, 15))[0]
        if stage == "final":
            rating = rng.choices((None, 2, 3, 4, 5), weights=(20, 5, 25, 30, 20))[0]
        else:
            rating = rng.choices((4, 5), weights=(65, 35))[0]
        return PastRejection(
            role_title=self._title(domain),
            stage=stage,
            rating=rating,
            tags=self._tags(domain),
            note=self._note(domain) if rng.random() < 0.7 else None,
            rejected_at=at,
            recruiter=rng.choices(RECRUITERS, weights=self.recruiter_weights)[0],
        )

    def _title(self, domain: str) -> str:
        rng = self.rng
        grade = rng.choices(*zip(*GRADES, strict=True))[0]
        level = rng.choices(*zip(*LEVELS, strict=True))[0] if not grade else ""
        title = f"{grade}{self.titles[domain].draw(rng)}{level}"
        qualifier = rng.random()
        if qualifier < 0.08:
            return f"{title} ({self.skills[domain].draw(rng).title()})"
        if qualifier < 0.18:
            return f"{title} - {rng.choice(PLACES)}"
        if qualifier < 0.25:
            return f"{title}, {rng.choice(TEAMS)}"
        return title

    def _tags(self, domain: str) -> tuple[str, ...]:
        rng = self.rng
        tags: dict[str, None] = {}
        for _ in range(rng.choices(range(7), weights=(10, 10, 20, 25, 20, 10, 5))[0]):
            source = rng.choices((domain, "general", rng.choice(self.domains)), weights=(85, 10, 5))[0]
            tags[self.skills[source].draw(rng)] = None
        return tuple(tags)

    def _note(self, domain: str) -> str:
        rng = self.rng
        parts = [
            rng.choice(NOTES).format(
                skill=self.skills[domain].draw(rng), place=rng.choice(PLACES), team=rng.choice(TEAMS)
            )
            for _ in range(rng.choices((1, 2, 3), weights=(50, 35, 15))[0])
        ]
        note = "; ".join(parts)
        return note[0].upper() + note[1:]


# The roles the benchmark matches: as recruiters title them, some with rare skills, some with only common words,
# a few that nothing in the history fits.
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Senior Backend Engineer (Python)", ("python", "django", "postgresql")),
    ("Backend Engineer II", ("go", "kafka")),
    ("Staff Software Engineer, Payments", ("java", "spring boot", "distributed systems", "kafka")),
    ("Frontend Engineer - Berlin", ("react", "typescript")),
    ("Senior Full-Stack Developer", ("node.js", "react", "postgres")),
    ("Software Engineer", ()),
    ("Lead iOS Engineer", ("swift",)),
    ("Android Developer (Kotlin)", ("kotlin", "android")),
    ("Platform Engineer", ("kubernetes", "terraform", "aws")),
    ("Senior SRE", ("kubernetes", "prometheus", "on-call")),
    ("DevOps Engineer - Remote", ("ci/cd", "docker", "ansible")),
    ("Security Engineer", ("oauth", "security")),
    ("QA Automation Engineer", ("playwright", "cypress")),
    ("Embedded Software Engineer", ("embedded c", "rtos")),
    ("Engineering Manager, Growth", ("leadership", "hiring")),
    ("Principal Engineer", ("erlang", "elixir")),
    ("Junior Web Developer", ("html", "css", "javascript")),
    ("Senior Rust Engineer", ("rust", "webassembly")),
    ("Game Developer (Unity)", ("unity", "c#")),
    ("Solutions Architect - EMEA", ("aws", "presales")),
    ("Senior Product Manager", ("roadmapping", "b2b saas")),
    ("Technical Product Manager, Platform", ("api products",)),
    ("Product Owner", ("scrum", "jira")),
    ("Growth PM", ("experimentation", "a/b testing", "amplitude")),
    ("Program Manager", ()),
    ("Senior Product Designer", ("figma", "design systems")),
    ("UX Researcher", ("user research", "usability testing")),
    ("Brand Designer", ("illustrator", "branding")),
    ("Content Designer", ("ux writing",)),
    ("Motion Designer", ("after effects", "blender")),
    ("Senior Data Scientist", ("python", "statistics", "causal inference")),
    ("Data Engineer", ("airflow", "dbt", "snowflake", "spark")),
    ("Analytics Engineer", ("dbt", "sql", "looker")),
    ("ML Engineer - NLP", ("pytorch", "llms", "nlp")),
    ("Data Analyst", ("sql", "tableau")),
    ("Research Scientist, Computer Vision", ("computer vision", "pytorch")),
    ("Account Executive, DACH", ("german", "saas", "closing")),
    ("Enterprise Account Executive", ("meddic", "salesforce", "enterprise sales")),
    ("SDR", ("cold calling", "outreach")),
    ("Customer Success Manager - Nordics", ("renewals", "nordics")),
    ("Sales Engineer", ("demos", "presales", "rest apis")),
    ("Partnerships Manager", ("partnerships", "channel sales")),
    ("Technical Recruiter", ("sourcing", "greenhouse")),
    ("People Partner", ("employee relations", "employment law")),
    ("Finance Manager", ("fp&a", "netsuite", "ifrs")),
    ("Office Manager - Lisbon", ()),
    ("Payroll Specialist", ("payroll", "workday")),
    ("Executive Assistant to the CEO", ("calendar management", "travel booking")),
    ("Chef de Cuisine", ("haute cuisine", "menu design")),
    ("Marine Biologist", ("scuba",)),
)
