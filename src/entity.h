/* entity: the typed entity model correlation stands on (docs/CORRELATION.md).
 *
 * Every event names its entities by role: the actor, the target, the
 * credential it authenticated with, the credential it created, the client
 * application a user signed in with, the resource a sign-in or call reached,
 * an identity a change names without changing it, and the source address.
 * The actor and the target are identities (an Entra user, an application with
 * its service principal, a managed identity, an AWS IAM user, role session,
 * root or federated user, a GCP principal or service account); credentials
 * are keys of their own.
 *
 * Ids are one identity only on explicit evidence in a record: the ids one
 * record states for one party (a user's object id and UPN, a service
 * principal's id and appId, an application's object id and the appId a
 * change states for it, an ARN and its principalId, a service account's email
 * and unique id); a name joins the ids it is stated with only while it is
 * stated with one identity in all the loaded data. Nothing joins through a
 * shared resource, client application, address or credential, and no two
 * clouds share an id. Every join keeps the record that stated it, and no
 * identity grows past CT_ENTITY_MAX_IDS ids (a join beyond is refused and
 * counted). Built once, linear in the events. */
#ifndef CT_ENTITY_H
#define CT_ENTITY_H
#include <stddef.h>
#include <stdint.h>
#include "store.h"

#define CT_ENTITY_MAX_IDS 64

typedef enum ct_ent_kind {
    CT_ENT_UNKNOWN = 0,
    CT_ENT_ENTRA_USER,
    CT_ENT_APPLICATION,       /* an application with its service principal, once linked */
    CT_ENT_SERVICE_PRINCIPAL,
    CT_ENT_MANAGED_IDENTITY,
    CT_ENT_AWS_IAM_USER,
    CT_ENT_AWS_ROLE,
    CT_ENT_AWS_ROLE_SESSION,
    CT_ENT_AWS_ROOT,
    CT_ENT_AWS_FEDERATED_USER,
    CT_ENT_AWS_SERVICE,
    CT_ENT_GCP_PRINCIPAL,
    CT_ENT_GCP_SERVICE_ACCOUNT,
    CT_ENT_KEY_PAIR,
    CT_ENT_APP_CREDENTIAL,    /* an Entra password, certificate or federated credential */
    CT_ENT_ACCESS_KEY,        /* an AWS access key or temporary (ASIA) key */
    CT_ENT_SA_KEY,            /* a GCP service-account key */
    CT_ENT_CREDENTIAL,        /* another credential (login profile, SSH key, pass) */
    CT_ENT_IP,
    CT_ENT_APP_NAME,          /* a client application or resource, as named */
    CT_ENT__COUNT
} ct_ent_kind;

typedef enum ct_role {
    CT_ROLE_ACTOR,
    CT_ROLE_TARGET,
    CT_ROLE_CRED_USED,        /* the credential the event authenticated with */
    CT_ROLE_CRED_MADE,        /* the credential the event created */
    CT_ROLE_CLIENT_APP,
    CT_ROLE_RESOURCE,
    CT_ROLE_NAMED,
    CT_ROLE_SOURCE,           /* the source IP address */
    CT_ROLE__COUNT
} ct_role;

/* Why two ids are one identity. */
typedef enum ct_link_why {
    CT_LINK_SAME_RECORD,      /* one record states both ids of one party */
    CT_LINK_APP_MAPPING,      /* a change states an application's appId */
    CT_LINK_UNIQUE_NAME,      /* a name stated with this identity only */
    CT_LINK_ARN_PATH,         /* an IAM user's ARN with a path, and without */
} ct_link_why;

typedef struct ct_link {
    const char *a, *b;        /* the two ids, as first written (store strings) */
    size_t event;             /* the record that states it */
    ct_link_why why;
} ct_link;

typedef struct ct_entities ct_entities;

ct_entities *ct_entities_build(const ct_store *st);
void ct_entities_free(ct_entities *E);

/* The identity (actor, target) or credential (used, made) of event ev in a
 * role: a number > 0, equal for every spelling and linked id of one entity;
 * 0 when the event has none. Roles without a number (client application,
 * resource, named, source) give 0. */
uint32_t ct_entities_of(const ct_entities *E, size_t ev, ct_role role);
/* Identities and credentials are numbered 1..ct_entities_count(). */
uint32_t ct_entities_count(const ct_entities *E);

/* What an event names in a role, for display: the kind, the number (0 for
 * roles without one), and the id and name as the record writes them. 1 when
 * the event has that role, else 0. */
typedef struct ct_entity_ref {
    ct_ent_kind kind;
    uint32_t ident;
    const char *id, *name;
} ct_entity_ref;
int ct_entities_ref(const ct_entities *E, size_t ev, ct_role role, ct_entity_ref *out);

/* An identity's ids as first written (at most max), and the joins that made
 * it one (at most max); each returns how many there are in all. */
size_t ct_entities_ids(const ct_entities *E, uint32_t ident, const char **ids, size_t max);
size_t ct_entities_links(const ct_entities *E, uint32_t ident, ct_link *out, size_t max);
ct_ent_kind ct_entities_kind(const ct_entities *E, uint32_t ident);
/* Joins refused because an identity would have grown past CT_ENTITY_MAX_IDS. */
size_t ct_entities_refused(const ct_entities *E);

const char *ct_ent_kind_name(ct_ent_kind k); /* "entra_user", "application", ... */
const char *ct_role_name(ct_role r);         /* "actor", "target", "credential_used", ... */
const char *ct_link_why_name(ct_link_why w); /* "same record", ... */

#endif
