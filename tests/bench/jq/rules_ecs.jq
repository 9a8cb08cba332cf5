# Every alert the shipped rules raise on ECS documents, one rule stem per line (KQL semantics
# plus credtriage's documented folding of Microsoft operation names; o365 also drops one trailing
# "."). An independent check of gen_filebeat's expected counts: jq -r -f rules_ecs.jq F | sort | uniq -c
def fold: gsub("[\u2010-\u2015\u2212]"; "-") | gsub("\\s+"; " ") | sub("^ "; "") | sub(" $"; "");
def fold365: fold | sub("\\.$"; "");
def ok: .event.outcome == "success" or .event.outcome == "Success";
def azop: (.azure.auditlogs.operation_name // "") | fold;
def azfed: [.azure.auditlogs.properties.target_resources // {} | .[] | (.modified_properties // {}) | .[] | .display_name] | index("FederatedIdentityCredentials") != null;
(if .event.dataset == "azure.auditlogs" and ok then
  (azop) as $op |
  (if $op == "Update application - Certificates and secrets management" then "entra_app_credential_added" else empty end),
  (if ($op == "Update application" or $op == "Update service principal") and azfed then "entra_app_federated_credential_added" else empty end),
  (if $op == "Add application" or $op == "Add service principal" then "entra_app_or_sp_created" else empty end),
  (if $op == "Add owner to application" or $op == "Add owner to service principal" then "entra_app_owner_added" else empty end),
  (if $op == "Add service principal credentials" then "entra_sp_credential_added" else empty end),
  (if $op == "Admin registered security info" and .azure.auditlogs.properties.result_reason == "Admin registered temporary access pass method for user" then "entra_temporary_access_pass_created" else empty end)
 elif .event.dataset == "o365.audit" and .event.provider == "AzureActiveDirectory" and .event.outcome == "success" then
  (.event.action | fold365) as $a |
  (if $a == "Add service principal credentials" or $a == "Update application - Certificates and secrets management" then "m365_app_credential_added" else empty end),
  (if $a == "Add application" or $a == "Add service principal" then "m365_app_or_sp_created" else empty end)
 elif .event.dataset == "aws.cloudtrail" and .event.outcome == "success" then
  .event.provider as $p | .event.action as $a |
  (if $p == "ec2.amazonaws.com" and ($a == "CreateKeyPair" or $a == "ImportKeyPair") then "aws_ec2_key_pair_created_or_imported" else empty end),
  (if $p == "iam.amazonaws.com" and $a == "CreateAccessKey" then "aws_iam_access_key_created" else empty end),
  (if $p == "iam.amazonaws.com" and $a == "CreateAccessKey" and .user.target.name != null and .aws.cloudtrail.user_identity.type != "IAMUser" then "aws_iam_access_key_created_for_another_user" else empty end),
  (if $p == "iam.amazonaws.com" and ($a == "CreateLoginProfile" or $a == "UpdateLoginProfile") then "aws_iam_login_profile_created_or_updated" else empty end),
  (if $p == "sts.amazonaws.com" and $a == "GetFederationToken" then "aws_sts_get_federation_token" else empty end)
 elif .event.dataset == "gcp.audit" and .event.outcome == "success" then
  .event.action as $a |
  (if ($a | test("^google\\.cloud\\.oslogin\\.v.*\\.OsLoginService\\.ImportSshPublicKey$")) then "gcp_oslogin_ssh_key_imported" else empty end),
  (if ($a | test("^google\\.iam\\.admin\\.v.*\\.(Create|Upload)ServiceAccountKey$")) then "gcp_service_account_key_created" else empty end)
 else empty end)
