/* show: what `credtriage show` shares between its text (cmd_show.c) and its
 * JSON (cmd_show_json.c): the sources of a change and the identities an alert
 * was correlated on (cmd_show_ent.c), the filled guide (cmd_show_guide.c).
 * Internal to the show command. */
#ifndef CT_SHOW_H
#define CT_SHOW_H
#include "session.h"

/* The exports of event ev's change, when there are several: "azure-diagnostic,
 * graph, sentinel x2" appended to out (nothing for a change seen once).
 * Returns how many exports there are. */
size_t ct_show_sources_text(const ct_session *s, size_t ev, ct_sbuf *out);
/* The same as [{"kind", "file", "line"}, ...], or NULL for a change seen once. */
cJSON *ct_show_sources_json(const ct_session *s, size_t ev);

/* An identity the alert was correlated on (entity.h number): its kind, ids
 * and the joins that made them one, each with the record that states it. */
cJSON *ct_show_identity_json(const ct_session *s, uint32_t ident);
/* The same as text lines under a label ("actor", "target"), sanitized. */
void ct_show_identity_text(const ct_session *s, const char *label, uint32_t ident);

/* The alert's investigation guide filled with its event's values, as plain
 * text (sanitized; "" when the rule has none). The caller frees it. */
char *ct_show_guide_text(const ct_session *s, const ct_alert *a);

/* The JSON object of `show --json` on stdout (one line). */
void ct_show_print_json(const ct_session *s, const ct_alert *a, const ct_corr_result *r,
                        const char *guide);

#endif
