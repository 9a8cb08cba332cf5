"""Demo data generator, part 1 of 3 (scripts/gen_samples.py runs it): the
seeded random source, the time formats of every export, the directory (tenant,
users, applications, groups) and the credentials the stories revolve around.
gen_samples_entra.py imports it first thing, so the random draws happen in the
same order as in one file."""

import gzip
import hashlib
import io
import json
import os
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone

SEED = 1098001  # T1098.001
BASE = datetime(2026, 11, 2, 0, 0, 0, tzinfo=timezone.utc)
END = BASE + timedelta(days=7)

rng = random.Random(SEED)


def guid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hexid(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def T(day, hh, mm, ss=0):
    """Story time: day 2..8 of November 2026, plus a random sub-second part."""
    t = datetime(2026, 11, day, hh, mm, ss, tzinfo=timezone.utc)
    return t + timedelta(microseconds=rng.randrange(0, 1000000))


def rand_time(lo=BASE, hi=END, work_hours=False):
    while True:
        t = lo + timedelta(seconds=rng.randrange(0, int((hi - lo).total_seconds())))
        t = t.replace(microsecond=rng.randrange(0, 1000000))
        if not work_hours:
            return t
        # contoso works roughly 13:00-23:00 UTC (US time zones), weekdays mostly
        if 13 <= t.hour <= 23 and (t.weekday() < 5 or rng.random() < 0.15):
            return t


# --- time formats -------------------------------------------------------------------
def _ticks(t, salt):
    """7 fractional digits (.NET ticks), deterministic per event."""
    return "%06d%d" % (t.microsecond, salt % 10)


def az_time(t, salt=0):  # Azure diagnostic "time": 2026-11-05T02:14:07.1234567Z
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + _ticks(t, salt) + "Z"


def az_time_off(t, salt=0):  # properties.activityDateTime: ...+00:00
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + _ticks(t, salt) + "+00:00"


def graph_time(t, salt=0):  # Graph: 2026-11-05T02:14:07.1234567Z
    return az_time(t, salt)


def ct_time(t):  # CloudTrail: 2026-11-05T02:14:07Z
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def ct_createdate(t):  # CloudTrail accessKey.createDate: "Nov 6, 2026 2:05:40 PM"
    h = t.hour % 12 or 12
    return "%s %d, %d %d:%02d:%02d %s" % (t.strftime("%b"), t.day, t.year, h, t.minute,
                                         t.second, "AM" if t.hour < 12 else "PM")


def gcp_time(t, extra_ns):  # GCP: 2026-11-07T09:12:03.481516732Z
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%06d%03d" % (t.microsecond, extra_ns) + "Z"


def bq_time(t):  # BigQuery export: "2026-11-07 09:10:44.112233 UTC"
    return t.strftime("%Y-%m-%d %H:%M:%S.%f") + " UTC"


def m365_time(t):  # UAL CreationTime: no zone, no fraction
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def es_time(t):  # Elastic @timestamp: millisecond Z
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


# --- the directory --------------------------------------------------------------------
TENANT_ID = guid()
TENANT_DOMAIN = "contoso.com"
WORKSPACE_ID = guid()
RESOURCE_ID = "/tenants/%s/providers/Microsoft.aadiam" % TENANT_ID

UA_EDGE_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.56")
UA_CHROME_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/130.0.0.0 Safari/537.36")
UA_ATTACKER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
UA_ATTACKER_API = "python-requests/2.32.3"
UA_GRAPH_SDK = "Microsoft Azure Graph Client Library 2.1.18-internal"
UA_AZCLI = "python/3.11.9 (Linux-6.8.0-1017-azure-x86_64-with-glibc2.35) AZURECLI/2.66.0 (DEB)"

LOC = {
    "seattle": {"city": "Seattle", "state": "Washington", "countryOrRegion": "US",
                "geoCoordinates": {"latitude": 47.6062, "longitude": -122.3321}},
    "redmond": {"city": "Redmond", "state": "Washington", "countryOrRegion": "US",
                "geoCoordinates": {"latitude": 47.674, "longitude": -122.1215}},
    "chicago": {"city": "Chicago", "state": "Illinois", "countryOrRegion": "US",
                "geoCoordinates": {"latitude": 41.8781, "longitude": -87.6298}},
    "amsterdam": {"city": "Amsterdam", "state": "Noord-Holland", "countryOrRegion": "NL",
                  "geoCoordinates": {"latitude": 52.3676, "longitude": 4.9041}},
    "frankfurt": {"city": "Frankfurt am Main", "state": "Hessen", "countryOrRegion": "DE",
                  "geoCoordinates": {"latitude": 50.1109, "longitude": 8.6821}},
    "azure-wus2": {"city": "Quincy", "state": "Washington", "countryOrRegion": "US",
                   "geoCoordinates": {"latitude": 47.2343, "longitude": -119.8526}},
}


def mkuser(upn, name, ip, ua, loc, os_, browser):
    return {"upn": upn, "name": name, "id": guid(), "ip": ip, "ua": ua, "loc": loc,
            "os": os_, "browser": browser}


USERS = [
    mkuser("megan.bowen@contoso.com", "Megan Bowen", "192.0.2.10", UA_EDGE_WIN, "seattle", "Windows10", "Edge 130.0.2849"),
    mkuser("adele.vance@contoso.com", "Adele Vance", "192.0.2.11", UA_CHROME_MAC, "seattle", "MacOs", "Chrome 130.0.0"),
    mkuser("alex.wilber@contoso.com", "Alex Wilber", "192.0.2.12", UA_EDGE_WIN, "redmond", "Windows10", "Edge 130.0.2849"),
    mkuser("diego.siciliani@contoso.com", "Diego Siciliani", "192.0.2.13", UA_CHROME_MAC, "chicago", "MacOs", "Chrome 130.0.0"),
    mkuser("lee.gu@contoso.com", "Lee Gu", "192.0.2.14", UA_EDGE_WIN, "redmond", "Windows10", "Edge 130.0.2849"),
    mkuser("isaiah.langer@contoso.com", "Isaiah Langer", "192.0.2.15", UA_CHROME_MAC, "seattle", "MacOs", "Chrome 130.0.0"),
    mkuser("nestor.wilke@contoso.com", "Nestor Wilke", "192.0.2.16", UA_EDGE_WIN, "chicago", "Windows10", "Edge 130.0.2849"),
    mkuser("patti.fernandez@contoso.com", "Patti Fernandez", "192.0.2.17", UA_EDGE_WIN, "seattle", "Windows10", "Edge 130.0.2849"),
    mkuser("johanna.lorenz@contoso.com", "Johanna Lorenz", "192.0.2.18", UA_CHROME_MAC, "redmond", "MacOs", "Chrome 130.0.0"),
    mkuser("grady.archie@contoso.com", "Grady Archie", "192.0.2.19", UA_EDGE_WIN, "chicago", "Windows10", "Edge 130.0.2849"),
]
U = {u["upn"].split("@")[0]: u for u in USERS}
MEGAN, NESTOR, LEE, ISAIAH = U["megan.bowen"], U["nestor.wilke"], U["lee.gu"], U["isaiah.langer"]


def mkapp(name):
    return {"name": name, "appId": guid(), "objectId": guid(), "spId": guid()}


APPS = {n: mkapp(n) for n in [
    "payroll-sync", "ci-pipeline", "svc-deploy", "hr-portal", "expense-reports",
    "gh-actions-deployer", "contoso-reporting-connector", "sharepoint-archiver"]}
PAYROLL, CI, SVCDEPLOY, HRPORTAL = APPS["payroll-sync"], APPS["ci-pipeline"], APPS["svc-deploy"], APPS["hr-portal"]
REPORTING, GHA = APPS["contoso-reporting-connector"], APPS["gh-actions-deployer"]

# Story 6: a hostile application display name (ANSI colour, carriage return, RLO override).
HOSTILE_NAME = "billing\u001b[31m-export\u001b[0m\rpayroll-sync \u202excod.exe"
HOSTILE = mkapp(HOSTILE_NAME)

GROUPS = [{"name": n, "id": guid()} for n in
          ["Sales Team", "Finance Readers", "Contoso Engineering", "VPN Users", "M365 E5 Licensed"]]

# Microsoft first-party resources used in sign-ins (real, public application ids)
RES_GRAPH = ("Microsoft Graph", "00000003-0000-0000-c000-000000000000")
RES_ARM = ("Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013")
USER_APPS = [("Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"),
             ("Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264"),
             ("OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca"),
             ("Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c")]

# --- credentials (the ids the stories revolve around) --------------------------------
PAYROLL_CERT_KEY = guid()          # payroll-sync's long-standing certificate
PAYROLL_EVIL_KEY = guid()          # story 1: secret added by the attacker
CI_KEYS = [guid() for _ in range(5)]  # story 2: ci-pipeline secret, initial + 4 rotations
SVCDEPLOY_CERT_KEY = guid()        # svc-deploy's own certificate
REPORTING_CERT_KEY = guid()        # story 5
HOSTILE_CERT_KEY = guid()          # story 6
CERT_THUMB = {k: hexid(40).upper() for k in [PAYROLL_CERT_KEY, SVCDEPLOY_CERT_KEY, REPORTING_CERT_KEY, HOSTILE_CERT_KEY]}

ATTACKER_IP1 = "203.0.113.66"
ATTACKER_IP2 = "198.51.100.23"
