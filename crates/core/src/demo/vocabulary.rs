//! What the demo's leads are made of: names, companies, places, personas
//! and job titles, lifecycle stages, sources, content and campaigns, with
//! the weights they are drawn with.

use super::rng::Rng;

pub(super) struct Place {
    pub(super) country: &'static str,
    pub(super) region: &'static str,
    pub(super) city: &'static str,
    pub(super) timezone: &'static str,
}

pub(super) const PLACES: &[(Place, u32)] = &[
    (
        Place {
            country: "United States",
            region: "California",
            city: "San Francisco",
            timezone: "America/Los_Angeles",
        },
        10,
    ),
    (
        Place {
            country: "United States",
            region: "New York",
            city: "New York",
            timezone: "America/New_York",
        },
        10,
    ),
    (
        Place {
            country: "United States",
            region: "Texas",
            city: "Austin",
            timezone: "America/Chicago",
        },
        6,
    ),
    (
        Place {
            country: "Canada",
            region: "Ontario",
            city: "Toronto",
            timezone: "America/Toronto",
        },
        4,
    ),
    (
        Place {
            country: "United Kingdom",
            region: "England",
            city: "London",
            timezone: "Europe/London",
        },
        8,
    ),
    (
        Place {
            country: "Germany",
            region: "Bayern",
            city: "München",
            timezone: "Europe/Berlin",
        },
        5,
    ),
    (
        Place {
            country: "Germany",
            region: "Berlin",
            city: "Berlin",
            timezone: "Europe/Berlin",
        },
        4,
    ),
    (
        Place {
            country: "France",
            region: "Île-de-France",
            city: "Paris",
            timezone: "Europe/Paris",
        },
        5,
    ),
    (
        Place {
            country: "Spain",
            region: "Madrid",
            city: "Madrid",
            timezone: "Europe/Madrid",
        },
        3,
    ),
    (
        Place {
            country: "Netherlands",
            region: "Noord-Holland",
            city: "Amsterdam",
            timezone: "Europe/Amsterdam",
        },
        3,
    ),
    (
        Place {
            country: "Sweden",
            region: "Stockholm",
            city: "Stockholm",
            timezone: "Europe/Stockholm",
        },
        2,
    ),
    (
        Place {
            country: "Poland",
            region: "Mazowieckie",
            city: "Warszawa",
            timezone: "Europe/Warsaw",
        },
        2,
    ),
    (
        Place {
            country: "Brazil",
            region: "São Paulo",
            city: "São Paulo",
            timezone: "America/Sao_Paulo",
        },
        4,
    ),
    (
        Place {
            country: "India",
            region: "Karnataka",
            city: "Bengaluru",
            timezone: "Asia/Kolkata",
        },
        5,
    ),
    (
        Place {
            country: "Japan",
            region: "Tokyo",
            city: "Tokyo",
            timezone: "Asia/Tokyo",
        },
        3,
    ),
    (
        Place {
            country: "Australia",
            region: "New South Wales",
            city: "Sydney",
            timezone: "Australia/Sydney",
        },
        3,
    ),
];

pub(super) const FIRST_NAMES: &[&str] = &[
    "Ana",
    "Ben",
    "Chloé",
    "David",
    "Elif",
    "Farah",
    "Gustav",
    "Hana",
    "Ivan",
    "José",
    "Jürgen",
    "Kenji",
    "Laura",
    "Łukasz",
    "Maya",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rafael",
    "Søren",
    "Tomás",
    "Uma",
    "Valentina",
    "Wei",
    "Xavier",
    "Yara",
    "Zoë",
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
];
pub(super) const LAST_NAMES: &[&str] = &[
    "Müller",
    "García",
    "Silva",
    "Kowalski",
    "O'Brien",
    "Nguyen",
    "Smith",
    "Johnson",
    "Rossi",
    "Dubois",
    "Tanaka",
    "Patel",
    "Andersson",
    "van Dijk",
    "Novák",
    "Fernández",
    "Schmidt",
    "Brown",
    "Kim",
    "Okafor",
    "Haddad",
    "Ivanova",
    "Larsen",
    "Moreau",
    "Costa",
    "Yamamoto",
];
pub(super) const COMPANY_STEMS: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Northwind",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Wonka",
    "Aperture",
    "Pied Piper",
    "Stark",
    "Wayne",
    "Oscorp",
    "Massive Dynamic",
    "Nakatomi",
    "Gekko",
    "Dunder Mifflin",
    "Bluth",
    "Prestige",
    "Sirius",
    "Monarch",
    "Blue Sun",
    "Virtucon",
    "Zorg",
    "Ingen",
    "Oceanic",
    "Tessier-Ashpool",
];
pub(super) const COMPANY_SUFFIXES: &[&str] = &[
    "Labs",
    "Systems",
    "GmbH",
    "Inc.",
    "Group",
    "Analytics",
    "Software",
    "Logistics",
    "SA",
    "AB",
];
pub(super) const INDUSTRIES: &[(&str, u32)] = &[
    ("Software", 8),
    ("Financial Services", 5),
    ("Healthcare", 4),
    ("Manufacturing", 4),
    ("Retail", 4),
    ("Education", 2),
    ("Logistics", 2),
    ("Media", 2),
    ("Telecommunications", 2),
    ("Energy", 1),
];
/// Employee count ranges, weighted towards small companies as real lists are.
pub(super) const COMPANY_SIZES: &[((i64, i64), u32)] = &[
    ((1, 10), 20),
    ((11, 50), 25),
    ((51, 200), 22),
    ((201, 1000), 17),
    ((1001, 5000), 10),
    ((5001, 50000), 6),
];

pub(super) const EXECUTIVE: &str = "Executive decision maker";
pub(super) const TECHNICAL: &str = "Technical decision maker";
pub(super) const FINANCIAL: &str = "Financial decision maker";
pub(super) const PRACTITIONER: &str = "Practitioner";
pub(super) const PERSONAS: &[(&str, u32)] = &[
    (EXECUTIVE, 20),
    (TECHNICAL, 30),
    (FINANCIAL, 15),
    (PRACTITIONER, 35),
];

pub(super) fn job_titles(persona: &str) -> &'static [&'static str] {
    match persona {
        EXECUTIVE => &[
            "CEO",
            "COO",
            "VP Marketing",
            "Chief Marketing Officer",
            "Managing Director",
            "Head of Growth",
        ],
        TECHNICAL => &[
            "CTO",
            "VP Engineering",
            "IT Director",
            "Solutions Architect",
            "Head of Data",
            "Lead Developer",
        ],
        FINANCIAL => &[
            "CFO",
            "Finance Director",
            "Controller",
            "Procurement Manager",
            "Head of Finance",
        ],
        _ => &[
            "Marketing Manager",
            "Marketing Specialist",
            "Content Manager",
            "Marketing Analyst",
            "Campaign Manager",
        ],
    }
}

pub(super) fn seniority(title: &str) -> &'static str {
    if title.starts_with('C') && title.len() <= 3 || title.starts_with("Chief") {
        "C-level"
    } else if title.starts_with("VP") || title.starts_with("Head") || title.starts_with("Managing")
    {
        "VP"
    } else if title.contains("Director") || title == "Controller" {
        "Director"
    } else if title.contains("Manager") || title.contains("Lead") || title.contains("Architect") {
        "Manager"
    } else {
        "Individual contributor"
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Lifecycle {
    Subscriber,
    Lead,
    Mql,
    Sql,
    Opportunity,
    Customer,
    FormerCustomer,
}

pub(super) const LIFECYCLES: &[(Lifecycle, u32)] = &[
    (Lifecycle::Subscriber, 14),
    (Lifecycle::Lead, 30),
    (Lifecycle::Mql, 16),
    (Lifecycle::Sql, 9),
    (Lifecycle::Opportunity, 6),
    (Lifecycle::Customer, 17),
    (Lifecycle::FormerCustomer, 8),
];

impl Lifecycle {
    pub(super) fn label(self) -> &'static str {
        match self {
            Lifecycle::Subscriber => "Subscriber",
            Lifecycle::Lead => "Lead",
            Lifecycle::Mql => "MQL",
            Lifecycle::Sql => "SQL",
            Lifecycle::Opportunity => "Opportunity",
            Lifecycle::Customer => "Customer",
            Lifecycle::FormerCustomer => "Former customer",
        }
    }
    /// Buying stage of a prospect; customers and former customers have none.
    pub(super) fn buying_stage(self, rng: &mut Rng) -> Option<&'static str> {
        let stage = match self {
            Lifecycle::Subscriber => rng.weighted(&[(0, 8), (1, 2)]),
            Lifecycle::Lead => rng.weighted(&[(0, 6), (1, 3), (2, 1)]),
            Lifecycle::Mql => rng.weighted(&[(0, 2), (1, 6), (2, 2)]),
            Lifecycle::Sql | Lifecycle::Opportunity => rng.weighted(&[(1, 3), (2, 7)]),
            Lifecycle::Customer | Lifecycle::FormerCustomer => return None,
        };
        Some(["Awareness", "Consideration", "Decision"][*stage])
    }
    /// How much more active than average this lead is.
    pub(super) fn activity(self) -> f64 {
        match self {
            Lifecycle::Subscriber => 0.5,
            Lifecycle::Lead => 0.8,
            Lifecycle::Mql => 1.2,
            Lifecycle::Sql => 1.4,
            Lifecycle::Opportunity => 1.6,
            Lifecycle::Customer => 1.3,
            Lifecycle::FormerCustomer => 0.6,
        }
    }
}

pub(super) const LEAD_SOURCES: &[(&str, u32)] = &[
    ("Organic search", 25),
    ("Paid search", 15),
    ("Social", 12),
    ("Email", 8),
    ("Referral", 10),
    ("Trade show", 10),
    ("Webinar", 8),
    ("Direct", 7),
    ("Partner", 5),
];
pub(super) const ENTRY_POINTS: &[(&str, u32)] = &[
    ("Whitepaper download", 22),
    ("Trade show", 12),
    ("Abandoned cart", 8),
    ("Free trial", 12),
    ("Newsletter signup", 18),
    ("Webinar registration", 10),
    ("Contact form", 12),
    ("Demo request", 6),
];
pub(super) const TECHNOLOGIES: &[&str] = &[
    "Salesforce",
    "HubSpot",
    "Marketo",
    "Shopify",
    "WordPress",
    "AWS",
    "Azure",
    "Google Cloud",
    "Snowflake",
    "Slack",
    "Zendesk",
    "Stripe",
];
pub(super) const INTERESTS: &[&str] = &[
    "Automation",
    "Analytics",
    "Personalization",
    "ROI",
    "Security",
    "Integrations",
    "AI",
    "Compliance",
];
pub(super) const PAIN_POINTS: &[&str] = &[
    "Low lead quality",
    "Manual reporting",
    "Data silos",
    "High churn",
    "Slow onboarding",
    "Compliance risk",
    "Rising acquisition cost",
];
pub(super) const WHITEPAPERS: &[&str] = &[
    "State of B2B Marketing 2026",
    "The ROI of Lead Nurturing",
    "Integration Playbook",
    "Security & Compliance Guide",
    "Segmentation Handbook",
];
pub(super) const PAGES: &[(&str, u32)] = &[
    ("/", 20),
    ("/blog/segmentation-basics", 10),
    ("/blog/nurture-emails", 8),
    ("/product", 12),
    ("/integrations", 8),
    ("/pricing", 10),
    ("/case-studies", 6),
    ("/docs/getting-started", 5),
    ("/about", 3),
];
pub(super) const CAMPAIGNS: &[&str] = &[
    "spring-newsletter",
    "product-update",
    "webinar-invite",
    "case-study-series",
    "win-back",
];

pub(super) const DAY: i64 = 86_400;

/// An ASCII e-mail local part for a name: "Łukasz" → "lukasz", "O'Brien" → "obrien".
pub(super) fn ascii_slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfd()
        .filter_map(|c| match c {
            'ł' | 'Ł' => Some('l'),
            'ø' | 'Ø' => Some('o'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(ascii_slug("Łukasz"), "lukasz");
        assert_eq!(ascii_slug("O'Brien"), "obrien");
        assert_eq!(ascii_slug("Zoë"), "zoe");
        assert_eq!(ascii_slug("van Dijk"), "vandijk");
    }
}
