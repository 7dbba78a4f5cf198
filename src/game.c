/*
 * game.c -- loading and validating game files (spec section 2).
 *
 * The whole document is parsed by jansson with duplicate keys rejected, so
 * syntax errors carry line:column.  Every value is then checked against the
 * schema by hand, and every message names the file, the path of the value
 * (B.types[1].prob), what was expected and what was found.  Sizes are
 * checked against OW_MAX_* and against the machine's memory before any
 * large allocation, so a hostile file is refused rather than crashing us.
 *
 * Trade-off: inline `samples` are held twice while loading (jansson's tree
 * and our matrix); large games should use {"csv": ...}, which is read in
 * one pass from a single buffer.
 */
#include "internal.h"
#include <jansson.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct ld {
    const char *label;      /* the file, as named in messages */
    const char *base_dir;   /* where {"csv": ...} paths start */
    ow_error *err;
} ld;

#define PATH_MAX_LEN 256
#ifndef OW_RELEASE_MIN
#define OW_RELEASE_MIN ((size_t)1 << 20)   /* arrays smaller than this are just freed */
#endif

static ow_status bad(ld *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ow_status bad(ld *c, const char *path, const char *fmt, ...)
{
    char what[OW_ERRMSG_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ow__fail(c->err, OW_EINPUT, "%s: %s: %s", c->label, path, what);
}

static const char *jtype(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

static uint64_t memory_budget(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || psz <= 0) return (uint64_t)1 << 34;
    return (uint64_t)((double)pages * (double)psz * OW_MEMORY_FRACTION);
}

/* Only the keys in `allowed` (NULL-terminated) may appear. */
static ow_status check_keys(ld *c, const json_t *obj, const char *path,
                            const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(key, *a)) { ok = 1; break; }
        if (!ok) {
            char list[256] = "";
            for (const char *const *a = allowed; *a; a++) {
                strncat(list, a == allowed ? "" : ", ", sizeof list - strlen(list) - 1);
                strncat(list, *a, sizeof list - strlen(list) - 1);
            }
            return bad(c, path, "unknown key \"%s\" (expected one of: %s)", key, list);
        }
    }
    return OW_OK;
}

static ow_status get_obj(ld *c, const json_t *v, const char *path)
{
    if (!json_is_object(v)) return bad(c, path, "expected an object, found %s", jtype(v));
    return OW_OK;
}

static json_t *need(ld *c, const json_t *obj, const char *key, const char *path)
{
    json_t *v = json_object_get(obj, key);
    if (!v) bad(c, path, "missing key \"%s\"", key);
    return v;
}

static ow_status num(ld *c, const json_t *v, const char *path, double *out)
{
    if (!json_is_number(v)) return bad(c, path, "expected a number, found %s", jtype(v));
    double x = json_number_value(v);
    if (!isfinite(x)) return bad(c, path, "expected a finite number, found %g", x);
    *out = x;
    return OW_OK;
}

static ow_status prob(ld *c, const json_t *v, const char *path, double *out)
{
    ow_status s = num(c, v, path, out);
    if (s) return s;
    if (*out < 0 || *out > 1) return bad(c, path, "expected a probability in [0, 1], found %.17g", *out);
    return OW_OK;
}

static ow_status check_sum(ld *c, double sum, const char *path)
{
    if (fabs(sum - 1.0) > 1e-9)
        return bad(c, path, "expected probabilities summing to 1 (tolerance 1e-9), found sum %.17g", sum);
    return OW_OK;
}

/* names: a non-empty array of distinct non-empty strings */
static ow_status names(ld *c, const json_t *v, const char *path, char ***out, size_t *n)
{
    if (!json_is_array(v)) return bad(c, path, "expected an array of names, found %s", jtype(v));
    size_t len = json_array_size(v);
    if (len == 0) return bad(c, path, "expected at least one action, found an empty array");
    if (len > OW_MAX_ACTIONS)
        return ow__fail(c->err, OW_ETOOBIG, "%s: %s: %zu actions exceed the limit of %d",
                        c->label, path, len, OW_MAX_ACTIONS);
    char **a = calloc(len, sizeof *a);
    if (!a) return ow__fail(c->err, OW_ENOMEM, "out of memory");
    *out = a;
    *n = len;
    for (size_t i = 0; i < len; i++) {
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s)) return bad(c, p, "expected a string, found %s", jtype(s));
        const char *str = json_string_value(s);
        if (!*str) return bad(c, p, "expected a non-empty name, found \"\"");
        if (strlen(str) > OW_NAME_MAX) return bad(c, p, "name longer than %d bytes", OW_NAME_MAX);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(a[j], str)) return bad(c, p, "duplicate action name \"%s\" (also at index %zu)", str, j);
        if (!(a[i] = ow__strdup(str))) return ow__fail(c->err, OW_ENOMEM, "out of memory");
    }
    return OW_OK;
}

/* numeric vector of exactly n entries */
static ow_status vec(ld *c, const json_t *v, const char *path, size_t n, double *out,
                     const char *rowname)
{
    if (!json_is_array(v)) return bad(c, path, "expected an array of %zu numbers, found %s", n, jtype(v));
    if (json_array_size(v) != n)
        return bad(c, path, "expected %zu numbers (one per %s), found %zu", n, rowname, json_array_size(v));
    for (size_t i = 0; i < n; i++) {
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        ow_status s = num(c, json_array_get(v, i), p, &out[i]);
        if (s) return s;
    }
    return OW_OK;
}

/* m x k matrix */
static ow_status matrix(ld *c, const json_t *v, const char *path, size_t m, size_t k, double *out)
{
    if (!json_is_array(v))
        return bad(c, path, "expected an %zu x %zu matrix (rows: A's actions, columns: B's actions), found %s", m, k, jtype(v));
    if (json_array_size(v) != m)
        return bad(c, path, "expected %zu rows (one per A action), found %zu", m, json_array_size(v));
    for (size_t a = 0; a < m; a++) {
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "%s[%zu]", path, a);
        ow_status s = vec(c, json_array_get(v, a), p, k, out + a * k, "B action");
        if (s) return s;
    }
    return OW_OK;
}

static ow_status size_check(ld *c, const char *path, double bytes)
{
    double budget = (double)memory_budget();
    if (bytes > budget)
        return ow__fail(c->err, OW_ETOOBIG,
                        "%s: %s: this game needs about %.3g GB, more than the %.3g GB this machine allows",
                        c->label, path, bytes / 1e9, budget / 1e9);
    return OW_OK;
}

/* ----------------------------------------------------------- distributions */

static ow_status dist(ld *c, const json_t *v, const char *path, ow__dist *d)
{
    ow_status s = get_obj(c, v, path);
    if (s) return s;
    char p[PATH_MAX_LEN];
    snprintf(p, sizeof p, "%s.dist", path);
    json_t *k = need(c, v, "dist", path);
    if (!k) return OW_EINPUT;
    if (!json_is_string(k)) return bad(c, p, "expected a distribution name, found %s", jtype(k));
    const char *name = json_string_value(k);
    static const struct {
        const char *name; ow__dist_kind kind; const char *keys[5]; int required;
        double defaults[4];
    } tab[] = {
        { "constant", OW_DIST_CONSTANT, { "value" }, 1, { 0 } },
        { "uniform", OW_DIST_UNIFORM, { "low", "high" }, 2, { 0 } },
        { "normal", OW_DIST_NORMAL, { "mean", "sd" }, 2, { 0 } },
        { "beta", OW_DIST_BETA, { "a", "b", "low", "high" }, 2, { 0, 0, 0, 1 } },
        { "power", OW_DIST_POWER, { "beta", "high" }, 2, { 0 } },
        { "exponential", OW_DIST_EXPONENTIAL, { "rate" }, 1, { 0 } },
        { "discrete", OW_DIST_DISCRETE, { "values", "probs" }, 2, { 0 } },
    };
    size_t t;
    for (t = 0; t < sizeof tab / sizeof tab[0]; t++)
        if (!strcmp(tab[t].name, name)) break;
    if (t == sizeof tab / sizeof tab[0])
        return bad(c, p, "expected one of constant, uniform, normal, beta, power, exponential, discrete; found \"%s\"", name);
    const char *allowed[7] = { "dist" };
    for (int i = 0; i < 4 && tab[t].keys[i]; i++) allowed[i + 1] = tab[t].keys[i];
    if ((s = check_keys(c, v, path, allowed))) return s;
    d->kind = tab[t].kind;
    if (d->kind == OW_DIST_DISCRETE) {
        json_t *vals = need(c, v, "values", path), *probs;
        if (!vals) return OW_EINPUT;
        if (!(probs = need(c, v, "probs", path))) return OW_EINPUT;
        snprintf(p, sizeof p, "%s.values", path);
        if (!json_is_array(vals)) return bad(c, p, "expected an array of numbers, found %s", jtype(vals));
        size_t n = json_array_size(vals);
        if (n == 0) return bad(c, p, "expected at least one value, found an empty array");
        if (n > OW_MAX_ATOMS) return ow__fail(c->err, OW_ETOOBIG, "%s: %s: %zu values exceed the limit of %d", c->label, p, n, OW_MAX_ATOMS);
        d->natoms = n;
        d->x = malloc(n * sizeof(double));
        d->px = malloc(n * sizeof(double));
        if (!d->x || !d->px) return ow__fail(c->err, OW_ENOMEM, "out of memory");
        if ((s = vec(c, vals, p, n, d->x, "value"))) return s;
        snprintf(p, sizeof p, "%s.probs", path);
        if (!json_is_array(probs)) return bad(c, p, "expected an array of probabilities, found %s", jtype(probs));
        if (json_array_size(probs) != n)
            return bad(c, p, "expected %zu probabilities (one per value), found %zu", n, json_array_size(probs));
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            char q[PATH_MAX_LEN];
            snprintf(q, sizeof q, "%s[%zu]", p, i);
            if ((s = prob(c, json_array_get(probs, i), q, &d->px[i]))) return s;
            sum += d->px[i];
        }
        if ((s = check_sum(c, sum, p))) return s;
    } else {
        for (int i = 0; i < 4 && tab[t].keys[i]; i++) {
            d->p[i] = tab[t].defaults[i];
            json_t *x = json_object_get(v, tab[t].keys[i]);
            snprintf(p, sizeof p, "%s.%s", path, tab[t].keys[i]);
            if (!x) {
                if (i < tab[t].required) return bad(c, path, "missing key \"%s\" for a %s distribution", tab[t].keys[i], name);
                continue;
            }
            if ((s = num(c, x, p, &d->p[i]))) return s;
        }
    }
    char msg[256];
    if (ow__dist_prepare(d, msg, sizeof msg)) return bad(c, path, "%s", msg);
    return OW_OK;
}

/* -------------------------------------------------------------- A's types */

static ow_status enumerate_product(ld *c, ow_game *g)
{
    /* an independent model whose distributions are all finite and whose
     * product is small is enumerated, so that everything is an exact sum */
    size_t m = g->m, n = 1;
    for (size_t a = 0; a < m; a++) {
        if (!ow__dist_is_atomic(&g->dists[a])) return OW_OK;
        if (n > OW_PRODUCT_LIMIT / g->dists[a].natoms) return OW_OK;
        n *= g->dists[a].natoms;
    }
    g->u = malloc(n * m * sizeof(double));
    g->wt = malloc(n * sizeof(double));
    size_t *idx = calloc(m, sizeof *idx);
    if (!g->u || !g->wt || !idx) { free(idx); return ow__fail(c->err, OW_ENOMEM, "out of memory"); }
    for (size_t i = 0; i < n; i++) {
        double p = 1;
        for (size_t a = 0; a < m; a++) {
            g->u[i * m + a] = g->dists[a].x[idx[a]];
            p *= g->dists[a].px[idx[a]];
        }
        g->wt[i] = p;
        for (size_t a = m; a-- > 0;) {               /* odometer */
            if (++idx[a] < g->dists[a].natoms) break;
            idx[a] = 0;
        }
    }
    free(idx);
    g->n = n;
    g->finite = 1;
    return OW_OK;
}

static ow_status load_A_types(ld *c, ow_game *g, const json_t *t)
{
    ow_status s;
    size_t m = g->m;
    if ((s = get_obj(c, t, "A.types"))) return s;
    static const char *const keys[] = { "independent", "discrete", "samples", NULL };
    if ((s = check_keys(c, t, "A.types", keys))) return s;
    if (json_object_size(t) != 1)
        return bad(c, "A.types", "expected exactly one of \"independent\", \"discrete\", \"samples\", found %zu keys", json_object_size(t));
    json_t *v;
    char p[PATH_MAX_LEN];
    if ((v = json_object_get(t, "independent"))) {
        if (!json_is_array(v)) return bad(c, "A.types.independent", "expected an array of distributions, found %s", jtype(v));
        if (json_array_size(v) != m)
            return bad(c, "A.types.independent", "expected %zu distributions (one per A action), found %zu", m, json_array_size(v));
        g->dists = calloc(m, sizeof *g->dists);
        if (!g->dists) return ow__fail(c->err, OW_ENOMEM, "out of memory");
        for (size_t a = 0; a < m; a++) {
            snprintf(p, sizeof p, "A.types.independent[%zu]", a);
            if ((s = dist(c, json_array_get(v, a), p, &g->dists[a]))) return s;
        }
        if ((s = enumerate_product(c, g))) return s;
        if (!g->finite && m > OW_MAX_CONT_ACTIONS)
            return ow__fail(c->err, OW_ETOOBIG,
                            "%s: A.types.independent: %zu actions with continuous payoffs exceed the limit of %d "
                            "(each integral costs O(m^2); use samples for larger games)", c->label, m, OW_MAX_CONT_ACTIONS);
        return OW_OK;
    }
    g->finite = 1;
    if ((v = json_object_get(t, "discrete"))) {
        if (!json_is_array(v)) return bad(c, "A.types.discrete", "expected an array of types, found %s", jtype(v));
        size_t n = json_array_size(v);
        if (n == 0) return bad(c, "A.types.discrete", "expected at least one type, found an empty array");
        if ((s = size_check(c, "A.types.discrete", (double)n * (double)m * 24.0))) return s;
        g->n = n;
        g->u = malloc(n * m * sizeof(double));
        g->wt = malloc(n * sizeof(double));
        if (!g->u || !g->wt) return ow__fail(c->err, OW_ENOMEM, "out of memory");
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            json_t *ty = json_array_get(v, i), *x;
            snprintf(p, sizeof p, "A.types.discrete[%zu]", i);
            static const char *const tk[] = { "prob", "payoff", NULL };
            if ((s = get_obj(c, ty, p)) || (s = check_keys(c, ty, p, tk))) return s;
            if (!(x = need(c, ty, "prob", p))) return OW_EINPUT;
            char q[PATH_MAX_LEN];
            snprintf(q, sizeof q, "%s.prob", p);
            if ((s = prob(c, x, q, &g->wt[i]))) return s;
            sum += g->wt[i];
            if (!(x = need(c, ty, "payoff", p))) return OW_EINPUT;
            snprintf(q, sizeof q, "%s.payoff", p);
            if ((s = vec(c, x, q, m, g->u + i * m, "A action"))) return s;
        }
        return check_sum(c, sum, "A.types.discrete[].prob");
    }
    v = json_object_get(t, "samples");
    g->equal_weights = 1;
    if (json_is_object(v)) {
        static const char *const sk[] = { "csv", NULL };
        if ((s = check_keys(c, v, "A.types.samples", sk))) return s;
        json_t *f = need(c, v, "csv", "A.types.samples");
        if (!f) return OW_EINPUT;
        if (!json_is_string(f)) return bad(c, "A.types.samples.csv", "expected a file name, found %s", jtype(f));
        char file[4096];
        const char *rel = json_string_value(f);
        if (rel[0] == '/' || !c->base_dir) snprintf(file, sizeof file, "%s", rel);
        else snprintf(file, sizeof file, "%s/%s", c->base_dir, rel);
        return ow__csv_load(g, file, c->label, "A.types.samples.csv", c->err);
    } else if (json_is_array(v)) {
        size_t n = json_array_size(v);
        if (n == 0) return bad(c, "A.types.samples", "expected at least one sample, found an empty array");
        if ((s = size_check(c, "A.types.samples", (double)n * (double)m * 24.0))) return s;
        g->n = n;
        g->u = malloc(n * m * sizeof(double));
        if (!g->u) return ow__fail(c->err, OW_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            snprintf(p, sizeof p, "A.types.samples[%zu]", i);
            if ((s = vec(c, json_array_get(v, i), p, m, g->u + i * m, "A action"))) return s;
        }
    } else {
        return bad(c, "A.types.samples", "expected an array of payoff rows or {\"csv\": FILE}, found %s", jtype(v));
    }
    g->wt = malloc(g->n * sizeof(double));
    if (!g->wt) return ow__fail(c->err, OW_ENOMEM, "out of memory");
    for (size_t i = 0; i < g->n; i++) g->wt[i] = 1.0 / (double)g->n;
    return OW_OK;
}

/* -------------------------------------------------------------- B's types */

static ow_status load_B(ld *c, ow_game *g, const json_t *B)
{
    ow_status s;
    static const char *const bk[] = { "actions", "types", "payoff", NULL };
    if ((s = get_obj(c, B, "B")) || (s = check_keys(c, B, "B", bk))) return s;
    json_t *v = need(c, B, "actions", "B");
    if (!v) return OW_EINPUT;
    if ((s = names(c, v, "B.actions", &g->b_names, &g->k))) return s;
    json_t *types = json_object_get(B, "types"), *pay = json_object_get(B, "payoff");
    if (types && pay) return bad(c, "B", "expected either \"types\" or the shorthand \"payoff\", found both");
    if (!types && !pay) return bad(c, "B", "missing key \"types\" (or the shorthand \"payoff\")");
    size_t m = g->m, k = g->k;
    if (pay) {
        g->T = 1;
        g->pi = malloc(sizeof(double));
        g->ub = malloc(m * k * sizeof(double));
        g->t_names = calloc(1, sizeof(char *));
        if (!g->pi || !g->ub || !g->t_names || !(g->t_names[0] = ow__strdup("0")))
            return ow__fail(c->err, OW_ENOMEM, "out of memory");
        g->pi[0] = 1.0;
        return matrix(c, pay, "B.payoff", m, k, g->ub);
    }
    if (!json_is_array(types)) return bad(c, "B.types", "expected an array of types, found %s", jtype(types));
    size_t T = json_array_size(types);
    if (T == 0) return bad(c, "B.types", "expected at least one type, found an empty array");
    if (T > OW_MAX_TYPES_B) return ow__fail(c->err, OW_ETOOBIG, "%s: B.types: %zu types exceed the limit of %d", c->label, T, OW_MAX_TYPES_B);
    if ((s = size_check(c, "B.types", (double)T * (double)m * (double)k * 8.0))) return s;
    g->T = T;
    g->pi = malloc(T * sizeof(double));
    g->ub = malloc(T * m * k * sizeof(double));
    g->t_names = calloc(T, sizeof(char *));
    if (!g->pi || !g->ub || !g->t_names) return ow__fail(c->err, OW_ENOMEM, "out of memory");
    double sum = 0;
    for (size_t j = 0; j < T; j++) {
        char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
        json_t *t = json_array_get(types, j), *x;
        snprintf(p, sizeof p, "B.types[%zu]", j);
        static const char *const tk[] = { "name", "prob", "payoff", NULL };
        if ((s = get_obj(c, t, p)) || (s = check_keys(c, t, p, tk))) return s;
        if ((x = json_object_get(t, "name"))) {
            snprintf(q, sizeof q, "%s.name", p);
            if (!json_is_string(x)) return bad(c, q, "expected a string, found %s", jtype(x));
            if (!*json_string_value(x)) return bad(c, q, "expected a non-empty name, found \"\"");
            if (strlen(json_string_value(x)) > OW_NAME_MAX) return bad(c, q, "name longer than %d bytes", OW_NAME_MAX);
            g->t_names[j] = ow__strdup(json_string_value(x));
        } else {
            snprintf(q, sizeof q, "%zu", j);
            g->t_names[j] = ow__strdup(q);
        }
        if (!g->t_names[j]) return ow__fail(c->err, OW_ENOMEM, "out of memory");
        if (!(x = need(c, t, "prob", p))) return OW_EINPUT;
        snprintf(q, sizeof q, "%s.prob", p);
        if ((s = prob(c, x, q, &g->pi[j]))) return s;
        sum += g->pi[j];
        if (!(x = need(c, t, "payoff", p))) return OW_EINPUT;
        snprintf(q, sizeof q, "%s.payoff", p);
        if ((s = matrix(c, x, q, m, k, g->ub + j * m * k))) return s;
    }
    return check_sum(c, sum, "B.types[].prob");
}

/* ------------------------------------------------------------------ game */

static ow_game *load_doc(json_t *doc, ld *c, const char *default_name)
{
    ow_game *g = calloc(1, sizeof *g);
    ow_status s;
    json_t *v;
    if (!g) { ow__fail(c->err, OW_ENOMEM, "out of memory"); return NULL; }
    static const char *const top[] = { "oneway", "name", "A", "B", NULL };
    if ((s = get_obj(c, doc, "(top level)")) || (s = check_keys(c, doc, "(top level)", top))) goto err;
    if (!(v = need(c, doc, "oneway", "(top level)"))) goto err;
    if (!json_is_number(v) || json_number_value(v) != 1.0) {
        if (json_is_number(v)) bad(c, "oneway", "expected format version 1, found %g", json_number_value(v));
        else bad(c, "oneway", "expected format version 1, found %s", jtype(v));
        goto err;
    }
    if ((v = json_object_get(doc, "name"))) {
        if (!json_is_string(v)) { bad(c, "name", "expected a string, found %s", jtype(v)); goto err; }
        g->name = ow__strdup(json_string_value(v));
    } else {
        g->name = ow__strdup(default_name);
    }
    if (!g->name) { ow__fail(c->err, OW_ENOMEM, "out of memory"); goto err; }
    json_t *A = need(c, doc, "A", "(top level)");
    if (!A) goto err;
    static const char *const ak[] = { "actions", "types", NULL };
    if (get_obj(c, A, "A") || check_keys(c, A, "A", ak)) goto err;
    if (!(v = need(c, A, "actions", "A"))) goto err;
    if (names(c, v, "A.actions", &g->a_names, &g->m)) goto err;
    json_t *B = need(c, doc, "B", "(top level)");
    if (!B) goto err;
    if (load_B(c, g, B)) goto err;
    if (!(v = need(c, A, "types", "A"))) goto err;
    if (load_A_types(c, g, v)) goto err;
    return g;
err:
    ow_game_free(g);
    return NULL;
}

static ow_game *load_json(json_t *doc, json_error_t *je, const char *label,
                          const char *base_dir, const char *default_name, ow_error *err)
{
    ld c = { label, base_dir, err };
    if (!doc) {
        if (je->line > 0)
            ow__fail(err, OW_EINPUT, "%s:%d:%d: JSON syntax error: %s", label, je->line, je->column, je->text);
        else
            ow__fail(err, OW_EIO, "%s: %s", label, je->text);
        return NULL;
    }
    ow_game *g = load_doc(doc, &c, default_name);
    json_decref(doc);
    return g;
}

ow_game *ow__game_from_json(const json_t *doc, const char *label,
                            const char *base_dir, const char *default_name,
                            ow_error *err)
{
    ld c = { label, base_dir ? base_dir : ".", err };
    return load_doc((json_t *)doc, &c, default_name);
}

/* directory and base name (without .json) of a path; caller frees both */
int ow__path_split(const char *path, char **dir, char **base)
{
    *dir = ow__strdup(path);
    *base = NULL;
    char *b0 = ow__strdup(path);
    if (!*dir || !b0) { free(*dir); free(b0); *dir = NULL; return -1; }
    char *slash = strrchr(*dir, '/');
    if (slash) *slash = 0; else strcpy(*dir, ".");
    char *b = strrchr(b0, '/') ? strrchr(b0, '/') + 1 : b0;
    size_t bl = strlen(b);
    if (bl > 5 && !strcmp(b + bl - 5, ".json")) b[bl - 5] = 0;
    *base = ow__strdup(b);
    free(b0);
    if (!*base) { free(*dir); *dir = NULL; return -1; }
    return 0;
}

json_t *ow__json_load_file(const char *path, ow_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) { ow__fail(err, OW_EIO, "%s: cannot open: %s", path, strerror(errno)); return NULL; }
    struct stat st;
    if (fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
        fclose(f);
        ow__fail(err, OW_EIO, "%s: not a regular file", path);
        return NULL;
    }
    ld c = { path, NULL, err };
    if (size_check(&c, "(file size)", (double)st.st_size * 12.0)) { fclose(f); return NULL; }
    json_error_t je;
    json_t *doc = json_loadf(f, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
    fclose(f);
    if (!doc) {
        if (je.line > 0) ow__fail(err, OW_EINPUT, "%s:%d:%d: JSON syntax error: %s", path, je.line, je.column, je.text);
        else ow__fail(err, OW_EIO, "%s: %s", path, je.text);
    }
    return doc;
}

ow_game *ow_game_load(const char *path, ow_error *err)
{
    json_t *doc = ow__json_load_file(path, err);
    if (!doc) return NULL;
    char *dir, *base;
    if (ow__path_split(path, &dir, &base)) {
        json_decref(doc);
        ow__fail(err, OW_ENOMEM, "out of memory");
        return NULL;
    }
    ow_game *g = ow__game_from_json(doc, path, dir, base, err);
    json_decref(doc);
    free(dir);
    free(base);
    return g;
}

ow_game *ow_game_load_string(const char *text, const char *label,
                             const char *base_dir, ow_error *err)
{
    json_error_t je;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
    return load_json(doc, &je, label ? label : "(string)", base_dir ? base_dir : ".",
                     label ? label : "game", err);
}

/* The pages of a CSV game's kept entries go back to the kernel from every
 * thread before the arrays are freed: taking pages out of the address
 * space runs in parallel (madvise), unmapping does not (munmap serializes
 * on it), so freeing the bench's large game (1 GB) takes 0.05 s on 2
 * threads instead of 0.1 s.  One thread: nothing to gain, nothing done. */
static void release_pages(void *p, size_t n, uintptr_t ps)
{
    uintptr_t b = ((uintptr_t)p + ps - 1) & ~(ps - 1), e = ((uintptr_t)p + n) & ~(ps - 1);
    if (p && n >= OW_RELEASE_MIN && e > b) madvise((void *)b, e - b, MADV_DONTNEED);
}

static void release_kept(const ow_game *g)
{
#ifdef _OPENMP
    if (omp_get_max_threads() < 2) return;
    uintptr_t ps = (uintptr_t)sysconf(_SC_PAGESIZE);
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t a = 0; a < g->m; a++) {
        release_pages(g->cd[a], g->cn[a] * sizeof **g->cd, ps);
        release_pages(g->cr[a], g->cn[a] * sizeof **g->cr, ps);
    }
#else
    (void)g;
#endif
}

void ow_game_free(ow_game *g)
{
    if (!g) return;
    for (size_t a = 0; a < g->m && g->a_names; a++) free(g->a_names[a]);
    for (size_t b = 0; b < g->k && g->b_names; b++) free(g->b_names[b]);
    for (size_t j = 0; j < g->T && g->t_names; j++) free(g->t_names[j]);
    if (g->dists) for (size_t a = 0; a < g->m; a++) ow__dist_clear(&g->dists[a]);
    free(g->a_names); free(g->b_names); free(g->t_names);
    free(g->pi); free(g->ub); free(g->u); free(g->wt); free(g->dists);
    free(g->M); free(g->sN); free(g->colmean); free(g->tau);
    if (g->cd && g->cn) release_kept(g);
    for (size_t a = 0; a < g->m && g->cd; a++) { free(g->cd[a]); free(g->cr[a]); }
    free(g->cd); free(g->cr); free(g->cn);
    free(g->name);
    free(g);
}

int ow__game_force_integration(ow_game *g)
{
    if (!g->dists || !g->finite) return -1;
    free(g->u); free(g->wt);
    g->u = g->wt = NULL;
    g->n = 0;
    g->finite = 0;
    return 0;
}

const char *ow_game_name(const ow_game *g) { return g->name; }
size_t ow_game_num_actions_A(const ow_game *g) { return g->m; }
size_t ow_game_num_actions_B(const ow_game *g) { return g->k; }
size_t ow_game_num_types_B(const ow_game *g) { return g->T; }
const char *ow_game_action_A(const ow_game *g, size_t a) { return g->a_names[a]; }
const char *ow_game_action_B(const ow_game *g, size_t b) { return g->b_names[b]; }
const char *ow_game_type_B(const ow_game *g, size_t j) { return g->t_names[j]; }
double ow_game_type_prob(const ow_game *g, size_t j) { return g->pi[j]; }
double ow_game_payoff_B(const ow_game *g, size_t j, size_t a, size_t b) { return ow__ub(g, j, a)[b]; }
int ow_game_is_finite(const ow_game *g) { return g->finite; }
size_t ow_game_num_types_A(const ow_game *g) { return g->finite ? g->n : 0; }

double ow__best_B(const ow_game *g, size_t j, size_t a, size_t *b)
{
    const double *r = ow__ub(g, j, a);
    double best = r[0];
    for (size_t i = 1; i < g->k; i++) if (r[i] > best) best = r[i];
    size_t bi = 0;
    while (r[bi] < best - ow__tol(best)) bi++;          /* lowest index among ties */
    if (b) *b = bi;
    return best;
}
