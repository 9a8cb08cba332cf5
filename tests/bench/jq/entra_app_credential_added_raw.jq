# jq's version of rules/azure/entra_app_credential_added.json over raw Azure Monitor diagnostic
# records (gen without --ecs): category AuditLogs is event.dataset azure.auditlogs; Elastic's
# pipeline makes properties.result event.outcome when it is success/failure (lowercased), and
# the operation name is folded as credtriage documents (see the _ecs filter).
def fold: gsub("[\u2010-\u2015\u2212]"; "-") | gsub("\\s+"; " ") | sub("^ "; "") | sub(" $"; "");
select(.category == "AuditLogs"
       and ((.operationName // "") | fold) == "Update application - Certificates and secrets management"
       and ((.properties.result // "") | ascii_downcase) == "success")
