/* credtriage ack / fp / remediate / reopen: decisions on one alert, each a
 * commit in the rules repo. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "out.h"
#include "decisions.h"
#include "exceptions.h"
#include "guide.h"
#include "incident.h"
#include "sanitize.h"
#include "session.h"
#include "triage.h"

#define COMMON_OPTS {"repo", required_argument, NULL, 'R'}, {"analyst", required_argument, NULL, 'A'}, \
                    {"replace", no_argument, NULL, 'P'}, {"help", no_argument, NULL, 'h'}

/* Print s sanitized (single line). */
static void put(FILE *f, const char *s)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_displayz(s, 0, &b);
    ct_out_block(f, b.buf, b.len);
    ct_sbuf_free(&b);
}

/* Open the session on the FILE operands; 0 ok, else an exit code (message printed). */
static int open_session(const char *cmd, ct_session *s, ct_session_opts *o, char **files, int nfiles,
                        int need_repo)
{
    o->files = files;
    o->nfiles = nfiles;
    return ct_cli_open_session(cmd, s, o, need_repo, "no rules repo (pass --repo DIR)");
}

static ct_alert *find_alert(const char *cmd, ct_session *s, const char *id)
{
    ct_alert *a = ct_alerts_find(&s->alerts, id);
    if (!a) {
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, "no alert '%s' in the loaded files (or the prefix is ambiguous)", id);
        if (s->missing_files) ct_sbuf_addf(&m, "; %d FILE(s) could not be read", s->missing_files);
        ct_cli_put_err(cmd, m.buf);
        ct_sbuf_free(&m);
    }
    return a;
}

/* ---- several alerts: ALERT_ID... or INCIDENT_ID before the FILEs ---- */

static int looks_like_id(const char *a)
{
    size_t n = strlen(a);
    if (n >= 8 && ct_strncaseeq(a, "INC-", 4)) return 1;
    if (n < 4 || n > 16) return 0;
    for (const char *p = a; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))) return 0;
    return 1;
}

/* How many operands from argv[from] are ids: the first always (as before),
 * then each that looks like an alert or incident id and is no existing file. */
static int count_ids(int argc, char **argv, int from)
{
    int n = 1;
    while (from + n < argc && looks_like_id(argv[from + n]) && access(argv[from + n], F_OK) != 0) n++;
    return n;
}

typedef struct picked {
    ct_alert **v;
    size_t n;
    const char *label; /* the incident id when one was named */
    ct_incidents in;
    int have_in;
} picked;

static void picked_free(picked *p)
{
    free(p->v);
    if (p->have_in) ct_incidents_free(&p->in);
    memset(p, 0, sizeof *p);
}

static void pick_add(picked *p, ct_alert *a)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i] == a) return;
    p->v = ct_xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    p->v[p->n++] = a;
}

static ct_alert *find_alert(const char *cmd, ct_session *s, const char *id);

/* The alerts the ids name (an incident: all of its alerts); 0, else an exit code. */
static int pick(const char *cmd, ct_session *s, char **ids, int nids, picked *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < nids; i++) {
        if (ct_strncaseeq(ids[i], "INC-", 4)) {
            if (!p->have_in) {
                if (ct_incidents_build(&s->store, &s->alerts, s->corr, s->window_ms, &p->in) < 0) {
                    ct_cli_put_err(cmd, "no correlation index: incidents need one");
                    return CT_EXIT_REPO;
                }
                p->have_in = 1;
            }
            ct_incident *inc = ct_incidents_find(&p->in, ids[i]);
            if (!inc) {
                ct_sbuf m;
                ct_sbuf_init(&m);
                ct_sbuf_addf(&m, "no incident '%s' in the loaded files (or the prefix is ambiguous)", ids[i]);
                ct_cli_put_err(cmd, m.buf);
                ct_sbuf_free(&m);
                return CT_EXIT_NOTFOUND;
            }
            p->label = inc->id;
            for (size_t j = 0; j < inc->nalerts; j++) pick_add(p, &s->alerts.v[inc->alerts[j]]);
            continue;
        }
        ct_alert *a = find_alert(cmd, s, ids[i]);
        if (!a) return CT_EXIT_NOTFOUND;
        pick_add(p, a);
    }
    if (nids > 1) p->label = NULL; /* several named: no one incident */
    return 0;
}

static void many_summary(const picked *p, const char *word, ct_sbuf *m)
{
    ct_sbuf_addf(m, "%s: %zu alert%s", word, p->n, p->n == 1 ? "" : "s");
    if (p->label) ct_sbuf_addf(m, " of %s", p->label);
    ct_sbuf_add(m, " (");
    for (size_t i = 0; i < p->n; i++) ct_sbuf_addf(m, "%s%s", i ? " " : "", p->v[i]->id);
    ct_sbuf_add(m, ") ->");
    for (size_t i = 0; i < p->n; i++)
        if (!i || p->v[i]->status != p->v[0]->status) ct_sbuf_addf(m, " %s", ct_status_name(p->v[i]->status));
}

/* The analyst must be known before anything is written. */
static int check_identity(const char *cmd, ct_session *s)
{
    char *n = NULL, *e = NULL;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_repo_identity(s->repo, s->analyst, &n, &e, &err);
    if (rc < 0) ct_cli_put_err(cmd, err.buf);
    free(n);
    free(e);
    ct_sbuf_free(&err);
    return rc;
}

static void print_done(const char *oid, const char *summary)
{
    ct_out_printf(stdout, "%s %s\n", *oid ? oid : "(no change)", summary);
}

static void alert_summary(const ct_session *s, const ct_alert *a, ct_sbuf *out)
{
    const ct_event *e = &s->store.ev[a->event];
    const char *actor = ct_event_str(&s->store, e, CT_EF_ACTOR_NAME);
    if (!actor) actor = ct_event_str(&s->store, e, CT_EF_ACTOR_ID);
    const char *target = ct_event_str(&s->store, e, CT_EF_TARGET_NAME);
    if (!target) target = ct_event_str(&s->store, e, CT_EF_TARGET_ID);
    ct_sbuf_addf(out, "alert %s (", a->id);
    ct_san_displayz(a->rule_name ? a->rule_name : a->rule_id, 0, out);
    ct_sbuf_addc(out, ')');
    if (actor) {
        ct_sbuf_add(out, " actor=");
        ct_san_displayz(actor, 0, out);
    }
    if (target) {
        ct_sbuf_add(out, " target=");
        ct_san_displayz(target, 0, out);
    }
}

/* ---- ack / reopen ------------------------------------------------------------------ */

static int simple_decision(int argc, char **argv, const char *cmd)
{
    static const struct option opts[] = {{"note", required_argument, NULL, 'n'}, COMMON_OPTS, {0, 0, 0, 0}};
    ct_session_opts o = {0};
    const char *note = NULL;
    int c, reopen = !strcmp(cmd, "reopen");
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        if (c == 'n') note = optarg;
        else if (c == 'h') {
            if (reopen)
                ct_out_printf(stdout, "usage: credtriage reopen ALERT_ID [--note TEXT] [--replace] [--repo DIR] [--analyst ID] FILE...\n"
                       "Reopen an alert: its decision file says open again (it then wins over an\n"
                       "exception that matches it). One commit in the rules repo.\n");
            else
                ct_out_printf(stdout, "usage: credtriage ack ALERT_ID|INCIDENT_ID... [--note TEXT] [--replace] [--repo DIR] [--analyst ID] FILE...\n"
                       "Acknowledge alerts: someone is on it. Writes each alert's decision file\n"
                       "decisions/YYYY/MM/<alert id>.json and commits them as the analyst, in ONE commit\n"
                       "however many alerts are named (an incident id names all of its alerts).\n");
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) return ct_cli_usage_error(cmd, "bad option");
    }
    if (optind >= argc) return ct_cli_usage_error(cmd, "no ALERT_ID given");
    int nids = reopen ? 1 : count_ids(argc, argv, optind);
    if (optind + nids >= argc) return ct_cli_usage_error(cmd, "no input FILE given");
    ct_session s;
    int rc = open_session(cmd, &s, &o, argv + optind + nids, argc - optind - nids, 1);
    if (rc) return rc;
    picked p;
    rc = pick(cmd, &s, argv + optind, nids, &p);
    if (rc) {
        picked_free(&p);
        ct_session_close(&s);
        return rc;
    }
    ct_alert *a = p.v[0];
    if (check_identity(cmd, &s) < 0) {
        picked_free(&p);
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    if (reopen && a->status == CT_STATUS_OPEN) {
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, "alert %s is already open", a->id);
        ct_cli_put_err(cmd, m.buf);
        ct_sbuf_free(&m);
        picked_free(&p);
        ct_session_close(&s);
        return CT_EXIT_FINDINGS;
    }
    int many = p.n > 1 || p.label;
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    rc = reopen ? ct_triage_reopen(&s, a, note, oid, &err)
         : many ? ct_triage_ack_many(&s, p.v, p.n, note, p.label, oid, &err)
                : ct_triage_ack(&s, a, note, oid, &err);
    if (rc < 0) {
        ct_cli_put_err(cmd, err.buf);
        rc = CT_EXIT_REPO;
    } else {
        ct_sbuf m;
        ct_sbuf_init(&m);
        if (many) {
            many_summary(&p, "ack", &m);
        } else {
            ct_sbuf_addf(&m, "%s: ", reopen ? "reopen" : "ack");
            alert_summary(&s, a, &m);
            ct_sbuf_addf(&m, " -> %s", ct_status_name(a->status));
        }
        print_done(oid, m.buf);
        ct_sbuf_free(&m);
        rc = CT_EXIT_OK;
    }
    ct_sbuf_free(&err);
    picked_free(&p);
    ct_session_close(&s);
    return rc;
}

int ct_cmd_ack(int argc, char **argv)
{
    return simple_decision(argc, argv, "ack");
}

int ct_cmd_reopen(int argc, char **argv)
{
    return simple_decision(argc, argv, "reopen");
}

/* ---- remediate ---------------------------------------------------------------------- */

static const ct_rule *rule_of(ct_session *s, const ct_alert *a)
{
    return a->rule ? a->rule : (a->rule_id ? ct_rules_find(&s->rules, a->rule_id) : NULL);
}

static void print_steps(FILE *f, char **steps, size_t n)
{
    if (!n) ct_out_printf(f, "(the rule's guide has no response steps)\n");
    for (size_t i = 0; i < n; i++) {
        ct_out_printf(f, "  %zu. ", i + 1);
        put(f, steps[i]);
        fputc('\n', f);
    }
}

int ct_cmd_remediate(int argc, char **argv)
{
    static const struct option opts[] = {{"note", required_argument, NULL, 'n'},
                                         {"step", required_argument, NULL, 's'},
                                         {"list-steps", no_argument, NULL, 'l'},
                                         COMMON_OPTS,
                                         {0, 0, 0, 0}};
    ct_session_opts o = {0};
    const char *note = NULL;
    size_t *steps = NULL, nsteps = 0;
    int c, list = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:s:lh", opts, NULL)) != -1) {
        if (c == 'n') note = optarg;
        else if (c == 'l') list = 1;
        else if (c == 's') {
            /* N, or a list "1,3,4" */
            for (char *p = optarg; *p;) {
                char *end;
                long v = strtol(p, &end, 10);
                if (end == p || v < 1 || (*end && *end != ',')) {
                    free(steps);
                    return ct_cli_usage_error("remediate", "--step takes step numbers (1, 2, ... or 1,3)");
                }
                steps = ct_xrealloc(steps, (nsteps + 1) * sizeof *steps);
                steps[nsteps++] = (size_t)v;
                p = *end ? end + 1 : end;
            }
        } else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage remediate ALERT_ID|INCIDENT_ID... [--step N]... [--note TEXT] [--repo DIR]\n"
                   "         [--analyst ID] FILE...\n"
                   "       credtriage remediate ALERT_ID --list-steps FILE...\n"
                   "Mark alerts remediated with the response steps of the rule's guide that were\n"
                   "done (numbers as --list-steps shows them), a note, or both: at least one of\n"
                   "--step and --note. ONE commit however many alerts are named (an incident id\n"
                   "names all of its alerts; the steps are numbered in the first alert's guide).\n");
            free(steps);
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) {
            free(steps);
            return ct_cli_usage_error("remediate", "bad option");
        }
    }
    if (optind >= argc) {
        free(steps);
        return ct_cli_usage_error("remediate", "no ALERT_ID given");
    }
    int nids = count_ids(argc, argv, optind);
    if (optind + nids >= argc) {
        free(steps);
        return ct_cli_usage_error("remediate", "no input FILE given");
    }
    ct_session s;
    int rc = open_session("remediate", &s, &o, argv + optind + nids, argc - optind - nids, !list);
    if (rc) {
        free(steps);
        return rc;
    }
    picked p;
    rc = pick("remediate", &s, argv + optind, nids, &p);
    if (rc) {
        picked_free(&p);
        free(steps);
        ct_session_close(&s);
        return rc;
    }
    ct_alert *a = p.v[0];
    const ct_rule *r = rule_of(&s, a);
    char **all = NULL;
    size_t nall = 0;
    ct_triage_response_steps(&s, a, &all, &nall);
    if (list || (!nsteps && (!note || !*note))) {
        FILE *f = list ? stdout : stderr;
        ct_out_printf(f, "response steps of ");
        put(f, r ? r->name : a->rule_id);
        ct_out_printf(f, ":\n");
        print_steps(f, all, nall);
        ct_guide_steps_free(all, nall);
        free(steps);
        picked_free(&p);
        ct_session_close(&s);
        if (list) return CT_EXIT_OK;
        return ct_cli_usage_error("remediate", "give the --step numbers done and a --note");
    }
    for (size_t i = 0; i < nsteps; i++)
        if (steps[i] > nall) {
            ct_out_printf(stderr, "credtriage remediate: no response step %zu; the guide's steps are:\n", steps[i]);
            print_steps(stderr, all, nall);
            ct_guide_steps_free(all, nall);
            free(steps);
            picked_free(&p);
            ct_session_close(&s);
            return CT_EXIT_FINDINGS;
        }
    ct_guide_steps_free(all, nall);
    if (check_identity("remediate", &s) < 0) {
        free(steps);
        picked_free(&p);
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    int many = p.n > 1 || p.label;
    if ((many ? ct_triage_remediate_many(&s, p.v, p.n, steps, nsteps, note, p.label, oid, &err)
              : ct_triage_remediate(&s, a, steps, nsteps, note, oid, &err)) < 0) {
        ct_cli_put_err("remediate", err.buf);
        rc = CT_EXIT_REPO;
    } else {
        ct_sbuf m;
        ct_sbuf_init(&m);
        if (many) {
            many_summary(&p, "remediated", &m);
        } else {
            ct_sbuf_add(&m, "remediated: ");
            alert_summary(&s, a, &m);
            ct_sbuf_addf(&m, " -> %s", ct_status_name(a->status));
        }
        ct_sbuf_addf(&m, " (%zu step%s)", nsteps, nsteps == 1 ? "" : "s");
        print_done(oid, m.buf);
        ct_sbuf_free(&m);
        rc = CT_EXIT_OK;
    }
    ct_sbuf_free(&err);
    free(steps);
    picked_free(&p);
    ct_session_close(&s);
    return rc;
}

/* ---- fp ------------------------------------------------------------------------------- */

typedef struct fp_request_many {
    const entry_arg *args;
    size_t nargs;
    const char *reason;
    int64_t expires;
    int force, close_matching, dry;
} fp_request_many;

/* fp on several alerts: each alert's entries resolved against its own
 * candidates, then ONE commit (one exception per rule and entries). */
static int fp_many(ct_session *s, const picked *p, const fp_request_many *r)
{
    ct_exc_candidate **chosen = ct_xcalloc(p->n, sizeof *chosen);
    size_t *nchosen = ct_xcalloc(p->n, sizeof *nchosen);
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = CT_EXIT_OK;
    if (!r->nargs) {
        ct_cli_put_err("fp", "several alerts need --entry (the same entries for all; --dry-run with one alert lists its candidates)");
        rc = CT_EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < p->n; i++) {
        ct_exc_candidate *cands = NULL;
        size_t ncands = 0;
        ct_triage_fp_candidates(s, p->v[i], &cands, &ncands);
        chosen[i] = ct_xcalloc(r->nargs, sizeof **chosen);
        nchosen[i] = r->nargs;
        if (ct_cli_resolve_entries(s, p->v[i], cands, ncands, r->args, r->nargs, chosen[i], &err) < 0) {
            ct_sbuf m;
            ct_sbuf_init(&m);
            ct_sbuf_addf(&m, "alert %s: %s", p->v[i]->id, err.buf);
            ct_cli_put_err("fp", m.buf);
            ct_sbuf_free(&m);
            ct_cli_print_candidates(stderr, cands, ncands);
            ct_exc_candidates_free(cands, ncands);
            rc = CT_EXIT_USAGE;
            goto out;
        }
        if (r->dry) {
            ct_sbuf m;
            ct_sbuf_init(&m);
            alert_summary(s, p->v[i], &m);
            ct_out_printf(stdout, "%s\nstatus: %s\nentries:\n", m.buf, ct_status_name(p->v[i]->status));
            ct_sbuf_free(&m);
            for (size_t k = 0; k < nchosen[i]; k++) {
                ct_out_printf(stdout, "  %s%s %s", chosen[i][k].excluded ? "not " : "", chosen[i][k].field,
                       chosen[i][k].value ? "is \"" : "exists");
                if (chosen[i][k].value) {
                    put(stdout, chosen[i][k].value);
                    putchar('"');
                }
                putchar('\n');
            }
        }
        ct_exc_candidates_free(cands, ncands);
    }
    if (r->dry) goto out;
    if (check_identity("fp", s) < 0) {
        rc = CT_EXIT_REPO;
        goto out;
    }
    ct_fp_many_request rq = {p->v, p->n, (const ct_exc_candidate *const *)chosen, nchosen, r->reason,
                             r->expires, r->force, r->close_matching, p->label};
    char oid[41] = "";
    size_t nexc = 0;
    if (ct_triage_fp_many(s, &rq, oid, &nexc, &err) < 0) {
        ct_cli_put_err("fp", err.buf);
        rc = strstr(err.buf, "does not match alert") || strstr(err.buf, "would suppress every") ? CT_EXIT_FINDINGS
                                                                                               : CT_EXIT_REPO;
        goto out;
    }
    ct_sbuf m;
    ct_sbuf_init(&m);
    many_summary(p, "fp", &m);
    ct_sbuf_addf(&m, "; %zu exception%s", nexc, nexc == 1 ? "" : "s");
    print_done(oid, m.buf);
    ct_sbuf_free(&m);
out:
    for (size_t i = 0; i < p->n; i++) ct_exc_candidates_free(chosen[i], chosen[i] ? nchosen[i] : 0);
    free(chosen);
    free(nchosen);
    ct_sbuf_free(&err);
    return rc;
}

int ct_cmd_fp(int argc, char **argv)
{
    static const struct option opts[] = {{"entry", required_argument, NULL, 'e'},
                                         {"exclude", required_argument, NULL, 'x'},
                                         {"reason", required_argument, NULL, 'r'},
                                         {"expires", required_argument, NULL, 'E'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"close-matching", no_argument, NULL, 'c'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         COMMON_OPTS,
                                         {0, 0, 0, 0}};
    ct_session_opts o = {0};
    entry_arg *args = NULL;
    size_t nargs = 0;
    const char *reason = NULL;
    int64_t expires = CT_TIME_NONE;
    int force = 0, close_matching = 0, dry = 0, c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "e:x:r:E:fcnh", opts, NULL)) != -1) {
        switch (c) {
        case 'e':
        case 'x':
            args = ct_xrealloc(args, (nargs + 1) * sizeof *args);
            args[nargs].spec = optarg;
            args[nargs++].excluded = c == 'x';
            break;
        case 'r': reason = optarg; break;
        case 'E':
            if (ct_cli_parse_expiry(optarg, &expires) < 0) {
                free(args);
                return ct_cli_usage_error("fp", "--expires takes an ISO date/time or a duration (30d)");
            }
            break;
        case 'f': force = 1; break;
        case 'c': close_matching = 1; break;
        case 'n': dry = 1; break;
        case 'h':
            ct_out_printf(stdout, "usage: credtriage fp ALERT_ID|INCIDENT_ID... --entry FIELD[=VALUE]... [--exclude FIELD[=VALUE]]...\n"
                   "         --reason TEXT [--expires DATE|30d] [--force] [--close-matching] [--dry-run]\n"
                   "         [--repo DIR] [--analyst ID] FILE...\n"
                   "Mark an alert a false positive by adding a rule exception (a Kibana exception\n"
                   "list item) that keeps matching alerts of this rule suppressed, and commit it with\n"
                   "the alert's decision in one commit. Several alerts (or an incident id, all of\n"
                   "its alerts) are still ONE commit: one exception per rule whose alerts resolve\n"
                   "to the same entries, and a decision for every alert.\n"
                   "  --entry FIELD[=VALUE]    an entry that must match (ANDed); FIELD alone takes the\n"
                   "                           alert's value; a candidate label (actor, actor-id, target,\n"
                   "                           target-id, credential-type, user-agent, source-ip) works too\n"
                   "  --exclude FIELD[=VALUE]  an entry that must NOT match (true when the field is absent)\n"
                   "  --reason TEXT            why (required; the exception's comment)\n"
                   "  --expires DATE           the exception stops applying then (default: never)\n"
                   "  --force                  allow an exception that suppresses every loaded alert of its rule\n"
                   "  --close-matching         also mark every other open alert it matches false positive\n"
                   "  --dry-run                print the candidates and what it would suppress; write nothing\n");
            free(args);
            return CT_EXIT_OK;
        default:
            if (ct_cli_session_opt(c, optarg, &o) <= 0) {
                free(args);
                return ct_cli_usage_error("fp", "bad option");
            }
        }
    }
    if (optind >= argc) {
        free(args);
        return ct_cli_usage_error("fp", "no ALERT_ID given");
    }
    int nids = count_ids(argc, argv, optind);
    if (optind + nids >= argc) {
        free(args);
        return ct_cli_usage_error("fp", "no input FILE given");
    }
    if (!dry && !nargs) {
        free(args);
        return ct_cli_usage_error("fp", "no --entry given (an exception needs entries; --dry-run lists the candidates)");
    }
    if (!dry && (!reason || !*reason)) {
        free(args);
        return ct_cli_usage_error("fp", "--reason is required");
    }
    if (!dry && expires != CT_TIME_NONE && expires <= ct_exc_now()) {
        free(args);
        return ct_cli_usage_error("fp", "--expires is in the past");
    }
    ct_session s;
    rc = open_session("fp", &s, &o, argv + optind + nids, argc - optind - nids, !dry);
    if (rc) {
        free(args);
        return rc;
    }
    picked p;
    rc = pick("fp", &s, argv + optind, nids, &p);
    if (!rc && (p.n > 1 || p.label)) {
        fp_request_many r = {args, nargs, reason, expires, force, close_matching, dry};
        rc = fp_many(&s, &p, &r);
    }
    if (rc || p.n > 1 || p.label) {
        picked_free(&p);
        free(args);
        ct_session_close(&s);
        return rc;
    }
    ct_alert *a = p.v[0];
    picked_free(&p);
    ct_exc_candidate *cands = NULL, *chosen = NULL;
    size_t ncands = 0, nchosen = 0;
    ct_sbuf err;
    ct_sbuf_init(&err);
    ct_triage_fp_candidates(&s, a, &cands, &ncands);
    if (nargs) {
        chosen = ct_xcalloc(nargs, sizeof *chosen);
        rc = ct_cli_resolve_entries(&s, a, cands, ncands, args, nargs, chosen, &err);
        nchosen = nargs;
        if (rc < 0) {
            ct_cli_put_err("fp", err.buf);
            ct_cli_print_candidates(stderr, cands, ncands);
            rc = CT_EXIT_USAGE;
            goto out;
        }
    } else {
        /* dry run without entries: preview the default candidates */
        chosen = ct_xcalloc(ncands + 1, sizeof *chosen);
        for (size_t i = 0; i < ncands; i++) {
            chosen[i].field = ct_xstrdup(cands[i].field);
            chosen[i].value = cands[i].value ? ct_xstrdup(cands[i].value) : NULL;
            chosen[i].label = ct_xstrdup(cands[i].label);
            chosen[i].checked = cands[i].checked;
        }
        nchosen = ncands;
    }
    ct_fp_request rq = {a, chosen, nchosen, reason, expires, force, close_matching};
    ct_fp_preview pv;
    int prc = ct_triage_fp_preview(&s, &rq, &pv, &err);
    if (dry) {
        ct_sbuf m;
        ct_sbuf_init(&m);
        alert_summary(&s, a, &m);
        ct_out_printf(stdout, "%s\nstatus: %s\n", m.buf, ct_status_name(a->status));
        ct_sbuf_free(&m);
        ct_cli_print_candidates(stdout, cands, ncands);
        if (prc < 0) {
            ct_cli_put_err("fp", err.buf);
            rc = CT_EXIT_FINDINGS;
            goto out;
        }
        ct_out_printf(stdout, "entries%s:\n", nargs ? "" : " (default: the ids of actor and target)");
        for (size_t i = 0; i < nchosen; i++) {
            if (!chosen[i].checked) continue;
            ct_out_printf(stdout, "  %s%s %s", chosen[i].excluded ? "not " : "", chosen[i].field, chosen[i].value ? "is \"" : "exists");
            if (chosen[i].value) {
                put(stdout, chosen[i].value);
                putchar('"');
            }
            putchar('\n');
        }
        ct_out_printf(stdout, "would suppress %zu of %zu loaded alerts of this rule; the entries match %zu loaded "
               "alerts in all\n", pv.rule_matches, pv.rule_total, pv.total_matches);
        if (pv.rule_total > 1 && pv.rule_matches == pv.rule_total)
            ct_out_printf(stdout, "that is every alert of the rule: --force would be needed\n");
        rc = CT_EXIT_OK;
        goto out;
    }
    if (prc < 0) {
        ct_cli_put_err("fp", err.buf);
        rc = CT_EXIT_FINDINGS;
        goto out;
    }
    if (pv.rule_total > 1 && pv.rule_matches == pv.rule_total && !force) {
        ct_out_printf(stderr, "credtriage fp: refused: the exception would suppress every one of the %zu "
                        "loaded alerts of its rule; narrow the entries, or --force\n", pv.rule_total);
        rc = CT_EXIT_FINDINGS;
        goto out;
    }
    if (check_identity("fp", &s) < 0) {
        rc = CT_EXIT_REPO;
        goto out;
    }
    char oid[41] = "";
    size_t before_fp = 0;
    for (size_t i = 0; i < s.alerts.n; i++) before_fp += s.alerts.v[i].status == CT_STATUS_FALSE_POSITIVE;
    if (ct_triage_fp(&s, &rq, oid, &err) < 0) {
        ct_cli_put_err("fp", err.buf);
        /* a refusal from the checks, or git */
        rc = strstr(err.buf, "does not match alert") ? CT_EXIT_FINDINGS : CT_EXIT_REPO;
        goto out;
    }
    size_t after_fp = 0;
    for (size_t i = 0; i < s.alerts.n; i++) after_fp += s.alerts.v[i].status == CT_STATUS_FALSE_POSITIVE;
    {
        const ct_decision *d = ct_triage_decision(&s, a->id);
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_add(&m, "fp: ");
        alert_summary(&s, a, &m);
        ct_sbuf_addf(&m, " -> %s; exception %s suppresses %zu of %zu loaded alerts of the rule",
                     ct_status_name(a->status), d && d->exception ? d->exception : "?", pv.rule_matches,
                     pv.rule_total);
        if (close_matching && after_fp > before_fp + 1)
            ct_sbuf_addf(&m, "; %zu more closed as false positive", after_fp - before_fp - 1);
        print_done(oid, m.buf);
        ct_sbuf_free(&m);
    }
    rc = CT_EXIT_OK;
out:
    ct_exc_candidates_free(cands, ncands);
    ct_exc_candidates_free(chosen, nchosen);
    ct_sbuf_free(&err);
    free(args);
    ct_session_close(&s);
    return rc;
}
