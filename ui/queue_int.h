/* queue internals shared by view_queue.c (rows, folding, requests, commands),
 * queue_filter.c (filters, sort keys, search matching; below view_queue.c) and
 * queue_draw.c (columns for the width, incident headers, the detail lines). */
#ifndef CT_UI_QUEUE_INT_H
#define CT_UI_QUEUE_INT_H
#include "incident.h"
#include "ui_int.h"

enum { SORT_SCORE, SORT_TIME, SORT_SEV, SORT_RULE, SORT_ACTOR, SORT__COUNT };
enum { GROUP_INCIDENT, GROUP_ACTOR, GROUP_TARGET, GROUP_NONE, GROUP__COUNT };
enum { ROW_ALERT, ROW_GROUP, ROW_INC, ROW_REASONS };
#define FILTER_ALL (-1)

/* 16 bytes: a queue has a row per alert (230k), and more with incidents */
typedef struct qrow {
    uint32_t alert;     /* ROW_ALERT: alert index; ROW_GROUP: the group's first alert */
    uint32_t inc;       /* ROW_INC, ROW_REASONS, and an alert of an incident: incident index */
    uint32_t count;     /* alerts shown under a header */
    uint8_t kind;
    uint8_t folded;
} qrow;

/* what the wide layout shows per alert, computed once when first drawn */
typedef struct qwide {
    int done;
    char used[8];       /* "yes" / "no" / "-" (no credential made) */
    char country[8];
    int asg_done;
    char *assignee;     /* the assignment's (assignments/), else the last decision's
                         * analyst, else Elastic's workflow_user; NULL: nobody */
} qwide;

typedef struct queue {
    qrow *rows;
    size_t nrows;
    size_t cur, top;
    int sort, group;
    int status;         /* ct_status or FILTER_ALL */
    int min_sev;
    char *rule, *text;
    size_t *corr;       /* cached ct_corr_count per alert, SIZE_MAX = not yet */
    size_t ncorr;
    qwide *wide;
    size_t nwide, nasg; /* nasg: assignee strings held in wide */
    size_t ntagged;
    char cur_id[21];    /* the alert or incident under the cursor at the last draw */
    int cur_kind;       /* and its row's kind, alert index, and ui.gen then */
    size_t cur_alert;
    unsigned cur_gen;
    ct_incidents inc;
    int inc_built;
    size_t inc_nalerts;
    int64_t inc_window;
    char **folded;      /* fold keys: incident ids, group labels */
    size_t nfolded;
    size_t nshown, nincs; /* alerts the filter keeps, incident headers: counted by rebuild */
    int moved;          /* the analyst moved the cursor */
    int inc_shown;      /* the rows have shown incidents */
    int settled;        /* a rebuild ran after the load ended */
    unsigned inc_gen;   /* counts the incidents taken (queue_inc.c) */
    int inc_fresh;      /* their statuses were read from the alerts at ui.gen inc_status_gen */
    unsigned inc_status_gen;
    qrow *rowbuf;       /* rows = rowbuf + rowoff: the list by time grows at its front */
    size_t rowcap, rowoff;
    int flat;           /* the rows are the list by time (flat_splice), no headers */
    /* every alert in the queue's order, as seqs (ui_queue_ordered) */
    uint32_t *ord, *pos; /* pos: seq -> alert index */
    size_t nord;
    uint32_t ord_nseq;
    int ord_sort, ord_group, ord_ok;
    unsigned ord_inc;
} queue;

extern const char *const ui_queue_sort_names[SORT__COUNT];
extern const char *const ui_queue_group_names[GROUP__COUNT];
const char *ui_queue_actor(size_t alert);
const char *ui_queue_target(size_t alert);
/* queue_filter.c */
int ui_queue_cmpstr(const char *a, const char *b); /* case-blind, NULL as "" */
const ct_incident *ui_queue_inc_of(queue *q, size_t alert);
int ui_queue_visible(queue *q, size_t alert);      /* the filters keep it */
const char *ui_queue_row_label(const queue *q, const qrow *r); /* ROW_GROUP: its actor / target */
/* the alerts the filters keep, in the queue's order (sort, group), into idx
 * (room for every alert); only the alerts added since the last call are sorted */
size_t ui_queue_ordered(queue *q, size_t *idx);
void ui_queue_free_order(queue *q);
void ui_queue_sort_incidents(queue *q, size_t *order, size_t n);
void ui_queue_filter_cmd(queue *q, const char *cmd, const char *args);
int ui_queue_row_matches_search(queue *q, const qrow *r);
size_t ui_queue_corr_count(queue *q, size_t alert);
/* the rows' lines of the queue (w wide, h high from y, the detail lines included) */
void ui_queue_draw(queue *q, int y, int h, int w);
void ui_queue_free_wide(queue *q);
/* queue_wide.c: the actor IP's country ("-" none) of event ev; an Elastic
 * alert's workflow_user (NULL none); read through indexes kept for the session */
void ui_queue_country(size_t ev, char out[8]);
char *ui_queue_elastic_user(const ct_alert *a);
void ui_queue_wide_index_free(void);
/* every row as plain text, untruncated (| pipes it) */
void ui_queue_text(queue *q, ct_sbuf *out);
void ui_queue_rebuild(ui_view *v); /* the rows again (the incidents are ready) */
/* queue_rows.c: the list by time (no incidents yet, sort by time or score,
 * no actor/target groups), made again in part after a load step */
int ui_queue_flat_view(queue *q);
int ui_queue_in_order(size_t from); /* the session's list in order (time, id) over [from, n) */
/* rows [0, r) give way to those of alerts [start, n) (start begins a time) */
void ui_queue_flat_splice(queue *q, size_t start, size_t r);
int ui_queue_flat_published(queue *q, size_t from); /* 0: not the list by time */
/* queue_inc.c: the incidents grouped on a thread of their own. Starts the
 * grouping when the load has ended and q has none for these alerts and this
 * window, takes a finished one, refreshes the statuses of those shown. */
void ui_queue_incidents(queue *q);
void ui_queue_incidents_stop(void); /* end a grouping under way (the session closes) */
/* the height of the detail lines under the list */
#define QUEUE_DETAIL_ROWS 3

#endif
