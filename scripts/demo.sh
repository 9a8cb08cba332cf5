#!/bin/sh
# make run: open the console on the bundled samples with a scratch rules repo.
# The scratch repo is build/demo-repo, removed and created again on every run,
# so each demo starts fresh and never touches the analyst's own repo.
# (CREDTRIAGE_DEMO_REPO=DIR names a repo to use instead; that one is kept.)
set -e
BIN=$1
if [ -n "${CREDTRIAGE_DEMO_REPO:-}" ]; then
    REPO=$CREDTRIAGE_DEMO_REPO
else
    REPO=build/demo-repo
    rm -rf "$REPO"
fi
ANALYST=$(git config user.name 2>/dev/null || true)
EMAIL=$(git config user.email 2>/dev/null || true)
if [ -n "$ANALYST" ] && [ -n "$EMAIL" ]; then ID="$ANALYST <$EMAIL>"; else ID="Demo Analyst <demo@example.com>"; fi
FILES="samples/entra-audit.ndjson samples/entra-signins.json samples/graph-directoryaudits.json \
samples/sentinel-auditlogs.json samples/m365-audit.ndjson samples/cloudtrail.json.gz \
samples/eventbridge.ndjson samples/gcp-audit.ndjson samples/elastic-alerts.json"
if [ -t 0 ] && [ -t 1 ] && "$BIN" --help | grep -q 'open the triage console' && [ -d ui ] && ls ui/*.c >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    exec "$BIN" --repo "$REPO" --analyst "$ID" $FILES
fi
# no terminal (or no console built): print the alerts instead
# shellcheck disable=SC2086
exec "$BIN" scan --repo "$REPO" --analyst "$ID" $FILES
