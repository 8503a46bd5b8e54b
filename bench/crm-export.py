#!/usr/bin/env python3
"""A HubSpot-style CRM export for bench/import.sh: LEADS contacts with 27
columns (HubSpot header names, seven custom columns that become custom
fields) and EVENTS events keyed by e-mail. Deterministic for a given size.

Usage: bench/crm-export.py OUTDIR LEADS EVENTS
Writes OUTDIR/crm-leads.csv and OUTDIR/crm-events.csv.
"""
import csv
import random
import sys
import unicodedata
from datetime import datetime, timedelta, timezone

out, n_leads, n_events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(16)
FIRST = ["Anna", "Ben", "Chloé", "David", "Emma", "Felix", "Grace", "Hugo", "Ines", "Jonas",
         "Karin", "Liam", "Maria", "Noah", "Olivia", "Paul", "Quinn", "Rosa", "Sven", "Tara",
         "Ulla", "Victor", "Wen", "Xavier", "Yusuf", "Zoë", "Jürgen", "Søren", "Łucja", "Ana"]
LAST = ["Müller", "Smith", "Garcia", "Nguyen", "Kowalski", "Rossi", "Dubois", "Jensen",
        "O'Brien", "Tanaka", "Schmidt", "Silva", "Novak", "Hansen", "Bauer", "Martin",
        "Lopez", "Costa", "Ivanova", "Chen", "Fischer", "Weber", "Moreau", "Berg"]
COMPANY = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka",
           "Tyrell", "Cyberdyne", "Soylent", "Vandelay", "Pied Piper", "Dunder Mifflin"]
SUFFIX = ["Inc.", "GmbH", "Ltd", "SA", "BV", "AB", "LLC"]
TITLE = ["Marketing Manager", "CMO", "Head of Growth", "Sales Director", "CEO", "CTO",
         "Data Analyst", "Product Manager", "Procurement Lead", "Operations Manager"]
CITY = [("Berlin", "Berlin", "Germany"), ("Munich", "Bavaria", "Germany"),
        ("Paris", "Île-de-France", "France"), ("London", "England", "United Kingdom"),
        ("Boston", "MA", "United States"), ("Austin", "TX", "United States"),
        ("Madrid", "Madrid", "Spain"), ("Milan", "Lombardy", "Italy"),
        ("Stockholm", "Stockholm", "Sweden"), ("Toronto", "ON", "Canada")]
INDUSTRY = ["Software", "Manufacturing", "Retail", "Healthcare", "Finance", "Education",
            "Logistics", "Energy", "Media", "Consulting"]
LIFECYCLE = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead",
             "opportunity", "customer", "evangelist"]
LEAD_STATUS = ["New", "Open", "In Progress", "Open Deal", "Unqualified", "Connected"]
SOURCE = ["Organic Search", "Paid Search", "Email Marketing", "Social Media", "Referrals",
          "Direct Traffic", "Offline Sources", "Paid Social"]
PERSONA = ["Marketing Mary", "Sales Sam", "Owner Ollie", "IT Ian", ""]
LANG = ["English", "German", "French", "Spanish", "Italian", "Swedish"]
FREQ = ["Weekly", "Monthly", "Quarterly", "Never"]
TIER = ["Gold", "Silver", "Bronze", "Platinum"]
PLAN = ["Starter", "Pro", "Enterprise", ""]
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def stamp(seconds):
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M")


def ascii_slug(name):
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace("'", "")


FIRST_SLUG = [ascii_slug(n) for n in FIRST]
LAST_SLUG = [ascii_slug(n) for n in LAST]


def email(i):
    return f"{FIRST_SLUG[i % len(FIRST)]}.{LAST_SLUG[(i // 30) % len(LAST)]}{i}@example{i % 97}.com"


with open(f"{out}/crm-leads.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name",
                "Job Title", "City", "State/Region", "Country/Region", "Industry",
                "Number of Employees", "Annual Revenue", "Lifecycle Stage", "Lead Status",
                "Original Source", "Create Date", "Last Modified Date", "Persona",
                "Marketing contact status", "Preferred Language", "Newsletter Frequency",
                "Webinar Attended", "Trial Plan", "NPS Score", "Account Tier", "Partner Referral"])
    for i in range(n_leads):
        r = rng.random
        city = CITY[int(r() * len(CITY))]
        created = int(r() * 60_000_000)
        w.writerow([
            100000 + i, FIRST[i % len(FIRST)], LAST[(i // 30) % len(LAST)], email(i),
            f"+1 555 {int(r() * 9000000) + 1000000}" if r() < 0.7 else "",
            f"{COMPANY[int(r() * len(COMPANY))]} {SUFFIX[int(r() * len(SUFFIX))]}",
            TITLE[int(r() * len(TITLE))], city[0], city[1], city[2],
            INDUSTRY[int(r() * len(INDUSTRY))], int(r() * 5000) + 1,
            int(r() * 50_000_000) if r() < 0.8 else "",
            LIFECYCLE[int(r() * len(LIFECYCLE))], LEAD_STATUS[int(r() * len(LEAD_STATUS))],
            SOURCE[int(r() * len(SOURCE))], stamp(created),
            stamp(created + int(r() * 3_000_000)), PERSONA[int(r() * len(PERSONA))],
            "Marketing contact" if r() < 0.6 else "Non-marketing contact",
            LANG[int(r() * len(LANG))], FREQ[int(r() * len(FREQ))],
            "true" if r() < 0.3 else "false", PLAN[int(r() * len(PLAN))],
            int(r() * 11), TIER[int(r() * len(TIER))],
            f"Partner {int(r() * 40)}" if r() < 0.2 else "",
        ])

EVENTS = [("Page View", 40), ("Email Open", 25), ("Email Click", 12), ("Form Submission", 6),
          ("Webinar Registration", 4), ("Meeting Booked", 2), ("Document Download", 8),
          ("Chat Started", 3)]
names = [n for n, weight in EVENTS for _ in range(weight)]
URLS = ["/pricing", "/blog/segmentation", "/features", "/demo", "/contact", "/docs/import",
        "/customers", "/blog/nurture-streams"]
CAMPAIGNS = ["Spring Launch", "Q3 Webinar", "Newsletter \"Growth\"", "Retargeting EU", ""]
with open(f"{out}/crm-events.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["Email", "Event Name", "Timestamp", "Page URL", "Campaign", "Email Subject",
                "Source"])
    for j in range(n_events):
        r = rng.random
        i = int(r() * n_leads)
        name = names[int(r() * len(names))]
        w.writerow([
            email(i), name, stamp(int(r() * 66_000_000)),
            URLS[int(r() * len(URLS))] if name in ("Page View", "Form Submission", "Document Download") else "",
            CAMPAIGNS[int(r() * len(CAMPAIGNS))],
            f"Your guide #{j % 50}" if name.startswith("Email") else "",
            SOURCE[int(r() * len(SOURCE))],
        ])
