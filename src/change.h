/* change: one change, one event. The same change reaches credtriage through
 * several exports: Entra's diagnostic logs, Microsoft Graph and Sentinel (the
 * same record id), the Microsoft 365 audit log (its own id, the change's
 * correlation id, the time to the second), an EventBridge copy of a
 * CloudTrail record, an Elastic alert document of its source event. Each
 * group of exports is one change, shown once (by its best export: the
 * diagnostic record first, an alert document last) with its sources, and
 * counted once. Records that only share an id (test corpora reuse "1") are
 * the same change only when they agree on the action, the time (2 s) and the
 * parties. docs/CORRELATION.md. */
#ifndef CT_CHANGE_H
#define CT_CHANGE_H
#include <stddef.h>
#include "entity.h"
#include "store.h"

typedef struct ct_changes ct_changes;

ct_changes *ct_changes_build(const ct_store *st, const ct_entities *E);
void ct_changes_free(ct_changes *C);
/* The event that stands for ev's change (ev itself when nothing else is). */
size_t ct_changes_canon(const ct_changes *C, size_t ev);
/* Every export of ev's change, the standing one included, in load order (at
 * most max written); returns how many there are. */
size_t ct_changes_members(const ct_changes *C, size_t ev, size_t *out, size_t max);
/* Events that are a copy of another (not standing for their change). */
size_t ct_changes_copies(const ct_changes *C);

#endif
