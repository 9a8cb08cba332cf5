/* norm_ms: internal helpers shared by the Microsoft record families
 * (norm_azure*.c, norm_graph.c, norm_sentinel.c, norm_o365.c). Not a public
 * module header: only those files include it. */
#ifndef CT_NORM_MS_H
#define CT_NORM_MS_H
#include "norm.h"

/* Build the ECS document of an Azure Monitor diagnostic record (AuditLogs or
 * one of the *SignInLogs categories) the way Elastic's azure integration does,
 * put it in out->doc and fill out->f. diag is borrowed. Graph and Sentinel
 * records are first rewritten into the diagnostic shape, then come here, so
 * the three kinds give the same document. 0, or -1 with err. */
int ct_norm_ms_from_diag(const cJSON *diag, ct_norm *out, char *err, size_t errlen);

/* Build the o365.audit document of a Management Activity API record (the
 * Unified Audit Log) into out->doc (norm_o365.c). ual is borrowed. */
void ct_norm_ms_from_ual(const cJSON *ual, ct_norm *out);

/* Sentinel's OfficeActivity table (norm_sentinel_office.c): whether a row is
 * one (its Type, or its own columns when a query replaced Type), and the
 * Management Activity record it was made from (caller deletes). */
int ct_norm_ms_is_office_row(const cJSON *rec);
cJSON *ct_norm_ms_office_to_ual(const cJSON *row);

/* Non-zero when a diagnostic category is one of the sign-in categories
 * (SignInLogs, ServicePrincipalSignInLogs, ManagedIdentitySignInLogs,
 * NonInteractiveUserSignInLogs, ...). */
int ct_norm_ms_is_signin_category(const char *cat);

/* Credential diff of one "KeyDescription" (or "FederatedIdentityCredentials")
 * modified property: the first key present in new_value and absent from
 * old_value. Strings are kept in n. Returns 1 when a key was added, 0 when the
 * values parse but nothing was added (a removal or no change), -1 when they
 * do not parse. */
int ct_norm_ms_key_added(ct_norm *n, const char *old_value, const char *new_value);
int ct_norm_ms_fic_added(ct_norm *n, const char *old_value, const char *new_value);

/* Fold an operation-name string value at path in doc with ct_norm_action(). */
void ct_norm_ms_fold_at(cJSON *doc, const char *path);

/* The string value as it appears in a modified property: a JSON string literal
 * ("\"abc\"") is unquoted, anything else is returned as is. Kept in n. */
const char *ct_norm_ms_unquote(ct_norm *n, const char *s);

/* Map an Entra object type word (Application, ServicePrincipal, User, ...) to
 * ct_fields.target_type / actor_type words. */
const char *ct_norm_ms_object_type(ct_norm *n, const char *t);

/* KeyType word (Password, AsymmetricX509Cert, ...) to ct_fields.cred_type. */
const char *ct_norm_ms_cred_type(ct_norm *n, const char *key_type);

/* The first element of a TargetId.ServicePrincipalNames value
 * ("\"appId;https://...\""): the application id. Kept in n. */
const char *ct_norm_ms_first_spn(ct_norm *n, const char *v);

/* A number, or a string holding one (Entra writes durations and error codes
 * either way): 1 and *out set, else 0. */
int ct_norm_ms_num_value(const cJSON *v, double *out);

#endif
