/* credtriage fp: mark alerts false positive with a rule exception (a Kibana
 * exception list item), the exception and the decisions in ONE commit. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "decisions.h"
#include "exceptions.h"
#include "pick.h"
#include "sanitize.h"
#include "session.h"
#include "triage.h"

typedef struct fp_request_many {
    const entry_arg *args;
    size_t nargs;
    const char *reason;
    int64_t expires;
    int force, close_matching, dry;
} fp_request_many;

/* fp on several alerts: each alert's entries resolved against its own
 * candidates, then ONE commit (one exception per rule and entries). */
static int fp_many(ct_session *s, const ct_picked *p, const fp_request_many *r)
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
            ct_pick_alert_summary(s, p->v[i], &m);
            ct_out_printf(stdout, "%s\nstatus: %s\nentries:\n", m.buf, ct_status_name(p->v[i]->status));
            ct_sbuf_free(&m);
            for (size_t k = 0; k < nchosen[i]; k++) {
                ct_out_printf(stdout, "  %s%s %s", chosen[i][k].excluded ? "not " : "", chosen[i][k].field,
                       chosen[i][k].value ? "is \"" : "exists");
                if (chosen[i][k].value) {
                    ct_pick_put(stdout, chosen[i][k].value);
                    putchar('"');
                }
                putchar('\n');
            }
        }
        ct_exc_candidates_free(cands, ncands);
    }
    if (r->dry) goto out;
    if (ct_pick_check_identity("fp", s) < 0) {
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
    ct_pick_summary(p, "fp", &m);
    ct_sbuf_addf(&m, "; %zu exception%s", nexc, nexc == 1 ? "" : "s");
    ct_pick_done(oid, m.buf);
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
                   "         [--repo DIR] [--analyst ID] [--strict] FILE...\n"
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
                   "  --dry-run                print the candidates and what it would suppress; write nothing\n"
                   "  --strict                 exit 6 when any record was skipped (malformed) or not\n"
                   "                           recognized (and refuses: nothing is written)\n");
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
    int nids = ct_pick_count_ids(argc, argv, optind);
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
    rc = ct_pick_open_session("fp", &s, &o, argv + optind + nids, argc - optind - nids, !dry);
    if (rc) {
        free(args);
        return rc;
    }
    ct_picked p;
    rc = ct_pick("fp", &s, argv + optind, nids, &p);
    if (!rc && (p.n > 1 || p.label)) {
        fp_request_many r = {args, nargs, reason, expires, force, close_matching, dry};
        rc = fp_many(&s, &p, &r);
    }
    if (rc || p.n > 1 || p.label) {
        ct_pick_free(&p);
        free(args);
        ct_session_close(&s);
        return rc;
    }
    ct_alert *a = p.v[0];
    ct_pick_free(&p);
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
        ct_pick_alert_summary(&s, a, &m);
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
                ct_pick_put(stdout, chosen[i].value);
                putchar('"');
            }
            putchar('\n');
        }
        ct_out_printf(stdout, "would suppress %zu of %zu loaded alert%s of this rule; the entries match %zu loaded "
               "alert%s in all\n", pv.rule_matches, pv.rule_total, pv.rule_total == 1 ? "" : "s", pv.total_matches,
               pv.total_matches == 1 ? "" : "s");
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
    if (ct_pick_check_identity("fp", &s) < 0) {
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
        ct_pick_alert_summary(&s, a, &m);
        ct_sbuf_addf(&m, " -> %s; exception %s suppresses %zu of %zu loaded alert%s of the rule",
                     ct_status_name(a->status), d && d->exception ? d->exception : "?", pv.rule_matches,
                     pv.rule_total, pv.rule_total == 1 ? "" : "s");
        if (close_matching && after_fp > before_fp + 1)
            ct_sbuf_addf(&m, "; %zu more closed as false positive", after_fp - before_fp - 1);
        ct_pick_done(oid, m.buf);
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
