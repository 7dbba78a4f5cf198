/* helpers.h -- small helpers shared by the tests (header-only). */
#ifndef OW_TEST_HELPERS_H
#define OW_TEST_HELPERS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include "oneway.h"

/* |a - b| <= rel * max(1, |a|, |b|) or fail with both values shown */
#define assert_close(a, b, rel) do { double a_ = (a), b_ = (b); \
    if (!(fabs(a_ - b_) <= (rel) * fmax(1.0, fmax(fabs(a_), fabs(b_))))) \
        fail_msg("%s = %.17g, expected %s = %.17g (rel %g)", #a, a_, #b, b_, (double)(rel)); } while (0)

static inline char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    if (vasprintf(&s, f, ap) < 0) s = NULL;
    va_end(ap);
    return s;
}

/* n JSON names "<prefix>0","<prefix>1",... written at p; returns the end */
static inline char *put_names(char *p, const char *prefix, size_t n)
{
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s\"%s%zu\"", i ? "," : "", prefix, i);
    return p;
}

/* load from text, failing the test on error */
static inline ow_game *load_ok(const char *json)
{
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load_string(json, "test", OW_SOURCE_DIR "/tests/data", &e);
    if (!g) fail_msg("load failed: %s\n%s", e.msg, json);
    return g;
}

/* the paper's Example 1 with x = 150, as shipped in examples/ */
#define EXAMPLE1_FILE OW_SOURCE_DIR "/examples/example-1.json"

/* load a game file, failing the test on error */
static inline ow_game *load_file_ok(const char *path)
{
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load(path, &e);
    if (!g) fail_msg("load failed: %s", e.msg);
    return g;
}

static inline ow_solution *solve_ok(ow_workspace *w, ow_model model)
{
    ow_error e = { OW_OK, "" };
    ow_solve_options o;
    ow_solve_options_default(&o);
    o.model = model;
    o.mc_samples = 0;
    ow_solution *s = ow_solve(w, &o, &e);
    if (!s) fail_msg("solve failed: %s", e.msg);
    return s;
}

static inline ow_workspace *ws_ok(const ow_game *g)
{
    ow_error e = { OW_OK, "" };
    ow_workspace *w = ow_workspace_alloc(g, &e);
    if (!w) fail_msg("workspace failed: %s", e.msg);
    return w;
}

#endif
