#!/bin/sh
# make run: open the console on the bundled samples with a scratch rules repo.
# The scratch repo lives under build/ so the demo never touches the analyst's own.
set -e
BIN=$1
REPO=${CREDTRIAGE_DEMO_REPO:-build/demo-repo}
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
