/* world: Entra record renderers shared by the stories and the background. */
#ifndef WORLD_ENTRA_H
#define WORLD_ENTRA_H
#include "world.h"

typedef struct {
    const char *city, *state, *cc;
    double lat, lon;
} Place;
void place_of(const char *ip, Place *p); /* documentation ranges and home ISPs */

typedef struct {
    int64_t t;
    const char *rid, *corr;
    int user;
    const Client *c;
    int err;
    const char *upn, *ip, *method, *ua;
    int risky;
} SignIn;
void render_signin(Buf *b, const SignIn *s);

typedef struct {
    int64_t t;
    const char *rid, *corr;
    int sp;
    const char *keyid;
    int err;
    const char *ip, *resource;
} SpSignIn;
void render_spsignin(Buf *b, const SpSignIn *s);

/* the diagnostic-settings AuditLogs record of a, with its id and correlation */
void render_audit(Buf *b, const Audit *a, const char *rid, const char *corr);

#endif
