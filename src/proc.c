/* proc: run a helper program with stdin data and captured, bounded output. */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP (1u << 20)

extern char **environ;

static void set_env(const char *const *env)
{
    for (size_t i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        if (!eq) continue;
        char name[128];
        size_t n = (size_t)(eq - env[i]);
        if (n >= sizeof name) continue;
        memcpy(name, env[i], n);
        name[n] = 0;
        setenv(name, eq + 1, 1);
    }
}

static void child(const ct_proc *p, int in[2], int out[2], int errp[2], int report)
{
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(errp[1], 2);
    for (int fd = 3; fd < 256; fd++)
        if (fd != report) close(fd);
    signal(SIGPIPE, SIG_DFL);
    if (p->cwd && chdir(p->cwd) < 0) {
        int e = errno;
        (void)!write(report, &e, sizeof e);
        _exit(127);
    }
    set_env(p->env);
    execvp(p->argv[0], (char *const *)p->argv);
    int e = errno;
    (void)!write(report, &e, sizeof e);
    _exit(127);
}

static void take(int fd, ct_sbuf *b, int *open_)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        *open_ = 0;
        return;
    }
    if (b && b->len < CAP) ct_sbuf_addn(b, buf, (size_t)n < CAP - b->len ? (size_t)n : CAP - b->len);
}

int ct_proc_run(const ct_proc *p, ct_sbuf *out, ct_sbuf *errout, int *status, ct_sbuf *err)
{
    int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1}, rep[2] = {-1, -1};
    *status = -1;
    if (pipe(in) < 0 || pipe(o) < 0 || pipe(e) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
        ct_sbuf_addf(err, "cannot run %s: %s", p->argv[0], strerror(errno));
        goto fail;
    }
    pid_t pid = fork();
    if (pid < 0) {
        ct_sbuf_addf(err, "cannot run %s: %s", p->argv[0], strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        close(in[1]), close(o[0]), close(e[0]), close(rep[0]);
        child(p, in, o, e, rep[1]);
    }
    close(in[0]), close(o[1]), close(e[1]), close(rep[1]);
    in[0] = o[1] = e[1] = rep[1] = -1;
    int ce = 0;
    ssize_t rn = read(rep[0], &ce, sizeof ce);
    close(rep[0]);
    rep[0] = -1;
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    size_t off = 0;
    if (rn == (ssize_t)sizeof ce) {
        close(in[1]);
        in[1] = -1;
    } else if (!p->in || !p->inlen) {
        close(in[1]);
        in[1] = -1;
    } else {
        fcntl(in[1], F_SETFL, O_NONBLOCK);
    }
    int oo = 1, eo = 1;
    while (oo || eo || in[1] >= 0) {
        struct pollfd pf[3];
        int np = 0, io = -1, ip = -1, ie = -1;
        if (oo) pf[io = np++] = (struct pollfd){o[0], POLLIN, 0};
        if (eo) pf[ie = np++] = (struct pollfd){e[0], POLLIN, 0};
        if (in[1] >= 0) pf[ip = np++] = (struct pollfd){in[1], POLLOUT, 0};
        if (poll(pf, (nfds_t)np, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (io >= 0 && pf[io].revents) take(o[0], out, &oo);
        if (ie >= 0 && pf[ie].revents) take(e[0], errout, &eo);
        if (ip >= 0 && pf[ip].revents) {
            ssize_t w = (pf[ip].revents & POLLOUT) ? write(in[1], p->in + off, p->inlen - off) : -1;
            if (w > 0) off += (size_t)w;
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || off == p->inlen) {
                close(in[1]);
                in[1] = -1;
            }
        }
    }
    signal(SIGPIPE, old);
    close(o[0]), close(e[0]);
    if (in[1] >= 0) close(in[1]);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {}
    if (rn == (ssize_t)sizeof ce) {
        ct_sbuf_addf(err, "cannot run %s: %s", p->argv[0], strerror(ce));
        return -1;
    }
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    return 0;
fail:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0) close(in[i]);
        if (o[i] >= 0) close(o[i]);
        if (e[i] >= 0) close(e[i]);
        if (rep[i] >= 0) close(rep[i]);
    }
    return -1;
}
