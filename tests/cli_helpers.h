/* cli_helpers.h -- run the `oneway` binary as other programs do (header-only). */
#ifndef OW_TEST_CLI_HELPERS_H
#define OW_TEST_CLI_HELPERS_H
#include "helpers.h"
#include <sys/wait.h>
#include <jansson.h>

typedef struct run { int status; char *out, *err; } run;

static run sh(const char *args)
{
    run r = { -1, NULL, NULL };
    char errf[] = "/tmp/ow-cli-err-XXXXXX";
    int fd = mkstemp(errf);
    close(fd);
    char *cmd = fmt("'%s' %s 2>'%s'", OW_CLI, args, errf);
    FILE *p = popen(cmd, "r");
    size_t cap = 1 << 16, len = 0;
    r.out = malloc(cap);
    size_t got;
    while ((got = fread(r.out + len, 1, cap - len - 1, p)) > 0) {
        len += got;
        if (len + 1 >= cap) r.out = realloc(r.out, cap *= 2);
    }
    r.out[len] = 0;
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    FILE *e = fopen(errf, "r");
    r.err = calloc(1, 1 << 14);
    if (e) { size_t n = fread(r.err, 1, (1 << 14) - 1, e); r.err[n] = 0; fclose(e); }
    unlink(errf);
    free(cmd);
    return r;
}

static void run_free(run *r) { free(r->out); free(r->err); }

static void expect_usage_error(const char *args, const char *msg)
{
    run r = sh(args);
    if (r.status != 2) fail_msg("'%s': exit %d, expected 2", args, r.status);
    if (r.out[0]) fail_msg("'%s': stdout not empty: %s", args, r.out);
    if (!strstr(r.err, msg)) fail_msg("'%s': stderr \"%s\" lacks \"%s\"", args, r.err, msg);
    run_free(&r);
}

/* every key present in obj, or fail naming where.key */
static inline void expect_keys(json_t *obj, const char *const *keys, size_t n, const char *where)
{
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(obj, keys[i])) fail_msg("missing %s.%s", where, keys[i]);
}

#endif
