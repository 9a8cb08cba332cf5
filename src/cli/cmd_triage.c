/* credtriage ack / fp / remediate / reopen: decisions on one alert, each a
 * commit in the rules repo. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "decisions.h"
#include "exceptions.h"
#include "guide.h"
#include "sanitize.h"
#include "session.h"
#include "triage.h"

#define COMMON_OPTS {"repo", required_argument, NULL, 'R'}, {"analyst", required_argument, NULL, 'A'}, \
                    {"help", no_argument, NULL, 'h'}

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
            ct_out_printf(stdout, "usage: credtriage %s ALERT_ID [--note TEXT] [--repo DIR] [--analyst ID] FILE...\n", cmd);
            ct_out_printf(stdout, reopen ? "Reopen an alert: its decision file says open again (it then wins over an\n"
                            "exception that matches it). One commit in the rules repo.\n"
                          : "Acknowledge an alert: someone is on it. Writes the alert's decision file\n"
                            "decisions/YYYY/MM/<alert id>.json and commits it as the analyst.\n");
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) return ct_cli_usage_error(cmd, "bad option");
    }
    if (optind >= argc) return ct_cli_usage_error(cmd, "no ALERT_ID given");
    if (optind + 1 >= argc) return ct_cli_usage_error(cmd, "no input FILE given");
    const char *id = argv[optind];
    ct_session s;
    int rc = open_session(cmd, &s, &o, argv + optind + 1, argc - optind - 1, 1);
    if (rc) return rc;
    ct_alert *a = find_alert(cmd, &s, id);
    if (!a) {
        ct_session_close(&s);
        return CT_EXIT_NOTFOUND;
    }
    if (check_identity(cmd, &s) < 0) {
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    if (reopen && a->status == CT_STATUS_OPEN) {
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, "alert %s is already open", a->id);
        ct_cli_put_err(cmd, m.buf);
        ct_sbuf_free(&m);
        ct_session_close(&s);
        return CT_EXIT_FINDINGS;
    }
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    rc = reopen ? ct_triage_reopen(&s, a, note, oid, &err) : ct_triage_ack(&s, a, note, oid, &err);
    if (rc < 0) {
        ct_cli_put_err(cmd, err.buf);
        rc = CT_EXIT_REPO;
    } else {
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, "%s: ", reopen ? "reopen" : "ack");
        alert_summary(&s, a, &m);
        ct_sbuf_addf(&m, " -> %s", ct_status_name(a->status));
        print_done(oid, m.buf);
        ct_sbuf_free(&m);
        rc = CT_EXIT_OK;
    }
    ct_sbuf_free(&err);
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
            ct_out_printf(stdout, "usage: credtriage remediate ALERT_ID --step N... --note TEXT [--repo DIR] [--analyst ID] FILE...\n"
                   "       credtriage remediate ALERT_ID --list-steps FILE...\n"
                   "Mark an alert remediated with the response steps of its rule's guide that were\n"
                   "done (numbers as --list-steps shows them) and a note. One commit.\n");
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
    if (optind + 1 >= argc) {
        free(steps);
        return ct_cli_usage_error("remediate", "no input FILE given");
    }
    const char *id = argv[optind];
    ct_session s;
    int rc = open_session("remediate", &s, &o, argv + optind + 1, argc - optind - 1, !list);
    if (rc) {
        free(steps);
        return rc;
    }
    ct_alert *a = find_alert("remediate", &s, id);
    if (!a) {
        free(steps);
        ct_session_close(&s);
        return CT_EXIT_NOTFOUND;
    }
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
            ct_session_close(&s);
            return CT_EXIT_FINDINGS;
        }
    ct_guide_steps_free(all, nall);
    if (check_identity("remediate", &s) < 0) {
        free(steps);
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_triage_remediate(&s, a, steps, nsteps, note, oid, &err) < 0) {
        ct_cli_put_err("remediate", err.buf);
        rc = CT_EXIT_REPO;
    } else {
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_add(&m, "remediated: ");
        alert_summary(&s, a, &m);
        ct_sbuf_addf(&m, " -> %s (%zu step%s)", ct_status_name(a->status), nsteps, nsteps == 1 ? "" : "s");
        print_done(oid, m.buf);
        ct_sbuf_free(&m);
        rc = CT_EXIT_OK;
    }
    ct_sbuf_free(&err);
    free(steps);
    ct_session_close(&s);
    return rc;
}

/* ---- fp ------------------------------------------------------------------------------- */

typedef struct {
    char *spec;
    int excluded;
} entry_arg;

/* "actor id", "actor-id", "actor_id", "ACTOR ID" are one label. */
static int label_eq(const char *label, const char *arg)
{
    for (; *label && *arg; label++, arg++) {
        char a = *label == ' ' ? '-' : *label, b = (*arg == ' ' || *arg == '_') ? '-' : *arg;
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
        if (a != b) return 0;
    }
    return !*label && !*arg;
}

/* Resolve the --entry/--exclude arguments into checked candidates. 0 ok. */
static int resolve_entries(ct_session *s, const ct_alert *a, const ct_exc_candidate *cands, size_t ncands,
                           const entry_arg *args, size_t nargs, ct_exc_candidate *out, ct_sbuf *err)
{
    for (size_t i = 0; i < nargs; i++) {
        const char *spec = args[i].spec;
        const char *eq = strchr(spec, '=');
        char *field = eq ? ct_xstrndup(spec, (size_t)(eq - spec)) : ct_xstrdup(spec);
        ct_exc_candidate *c = &out[i];
        memset(c, 0, sizeof *c);
        c->checked = 1;
        c->excluded = args[i].excluded;
        const ct_exc_candidate *lab = NULL;
        for (size_t k = 0; k < ncands && !lab; k++)
            if (label_eq(cands[k].label, field)) lab = &cands[k];
        if (lab) {
            c->field = ct_xstrdup(lab->field);
            c->label = ct_xstrdup(lab->label);
            c->value = ct_xstrdup(eq ? eq + 1 : lab->value);
            free(field);
            continue;
        }
        if (!strchr(field, '.')) {
            ct_sbuf_addf(err, "'%s' is neither a candidate label of this alert nor a dotted field name "
                              "(see --dry-run)", field);
            free(field);
            return -1;
        }
        c->field = field;
        for (size_t k = 0; k < ncands; k++)
            if (!strcmp(cands[k].field, field)) c->label = ct_xstrdup(cands[k].label);
        if (eq) {
            c->value = ct_xstrdup(eq + 1);
        } else {
            c->value = ct_triage_field_value(s, a, field);
            if (!c->value && !c->excluded) {
                ct_sbuf_addf(err, "the alert has no value for %s (give FIELD=VALUE)", field);
                return -1;
            }
            /* --exclude FIELD the alert does not have: the field must be absent */
        }
        if (c->value && !*c->value) {
            ct_sbuf_addf(err, "empty value for %s", field);
            return -1;
        }
    }
    return 0;
}

static void print_candidates(FILE *f, const ct_exc_candidate *c, size_t n)
{
    ct_out_printf(f, "candidate entries (--entry LABEL, --entry FIELD[=VALUE], --exclude FIELD[=VALUE]):\n");
    for (size_t i = 0; i < n; i++) {
        ct_sbuf lab;
        ct_sbuf_init(&lab);
        for (const char *p = c[i].label; *p; p++) ct_sbuf_addc(&lab, *p == ' ' ? '-' : *p);
        ct_out_printf(f, "  %-16s %s = \"", lab.buf, c[i].field);
        put(f, c[i].value);
        ct_out_printf(f, "\"\n");
        ct_sbuf_free(&lab);
    }
}

static int parse_expiry(const char *s, int64_t *out)
{
    if (ct_time_parse(s, strlen(s), out) == 0) return 0;
    int64_t d;
    if (ct_duration_parse(s, &d) == 0 && d > 0) {
        *out = ct_exc_now() + d;
        return 0;
    }
    return -1;
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
            if (parse_expiry(optarg, &expires) < 0) {
                free(args);
                return ct_cli_usage_error("fp", "--expires takes an ISO date/time or a duration (30d)");
            }
            break;
        case 'f': force = 1; break;
        case 'c': close_matching = 1; break;
        case 'n': dry = 1; break;
        case 'h':
            ct_out_printf(stdout, "usage: credtriage fp ALERT_ID --entry FIELD[=VALUE]... [--exclude FIELD[=VALUE]]...\n"
                   "         --reason TEXT [--expires DATE|30d] [--force] [--close-matching] [--dry-run]\n"
                   "         [--repo DIR] [--analyst ID] FILE...\n"
                   "Mark an alert a false positive by adding a rule exception (a Kibana exception\n"
                   "list item) that keeps matching alerts of this rule suppressed, and commit it with\n"
                   "the alert's decision in one commit.\n"
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
    if (optind + 1 >= argc) {
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
    const char *id = argv[optind];
    ct_session s;
    rc = open_session("fp", &s, &o, argv + optind + 1, argc - optind - 1, !dry);
    if (rc) {
        free(args);
        return rc;
    }
    ct_alert *a = find_alert("fp", &s, id);
    if (!a) {
        free(args);
        ct_session_close(&s);
        return CT_EXIT_NOTFOUND;
    }
    ct_exc_candidate *cands = NULL, *chosen = NULL;
    size_t ncands = 0, nchosen = 0;
    ct_sbuf err;
    ct_sbuf_init(&err);
    ct_triage_fp_candidates(&s, a, &cands, &ncands);
    if (nargs) {
        chosen = ct_xcalloc(nargs, sizeof *chosen);
        rc = resolve_entries(&s, a, cands, ncands, args, nargs, chosen, &err);
        nchosen = nargs;
        if (rc < 0) {
            ct_cli_put_err("fp", err.buf);
            print_candidates(stderr, cands, ncands);
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
        print_candidates(stdout, cands, ncands);
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
