# jq's version of rules/azure/entra_app_credential_added.json over ECS documents (Filebeat /
# Elastic Agent, gen_filebeat, gen --ecs): the same KQL with credtriage's documented folding of
# Microsoft operation names (dashes U+2010..U+2015 and U+2212 to "-", whitespace runs to one
# space, trimmed), so it finds what the rule finds. Used by tests/bench/run.sh: jq -c -f.
def fold: gsub("[\u2010-\u2015\u2212]"; "-") | gsub("\\s+"; " ") | sub("^ "; "") | sub(" $"; "");
select(.event.dataset == "azure.auditlogs"
       and ((.azure.auditlogs.operation_name // "") | fold) == "Update application - Certificates and secrets management"
       and (.event.outcome == "success" or .event.outcome == "Success"))
