/*
 * sweep.c -- solving a game over a grid of one or two of its values.
 *
 * The game file is parsed once; each grid point writes its values into the
 * parsed document, loads the game from it with the ordinary loader (so a
 * value that makes the game invalid is caught with the loader's message,
 * plus the point), solves it, and flattens the `solve --json` document into
 * named figures ("poa.single_offer", "single_offer.B[0].payment").  The
 * figures therefore are exactly what `solve` prints at that point.
 *
 * Trade-off: a game with CSV samples re-reads its CSV at every point; that
 * keeps one code path for loading and is cheap next to solving.
 */
#include "internal.h"
#include "oneway_mech.h"
#include "oneway_plot.h"
#include "oneway_report.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- paths */

typedef struct tok { char key[128]; long idx; } tok;   /* idx < 0: key */

static int tokenize(const char *path, tok *t, int max)
{
    int n = 0;
    const char *p = path;
    while (*p) {
        if (n == max) return -1;
        if (*p == '[') {
            char *e;
            errno = 0;
            long v = strtol(p + 1, &e, 10);
            if (e == p + 1 || *e != ']' || v < 0 || errno) return -1;
            t[n].idx = v; t[n].key[0] = 0; n++;
            p = e + 1;
        } else {
            if (*p == '.') { if (n == 0) return -1; p++; }
            size_t l = strcspn(p, ".[");
            if (l == 0 || l >= sizeof t[n].key) return -1;
            memcpy(t[n].key, p, l);
            t[n].key[l] = 0;
            t[n].idx = -1;
            n++;
            p += l;
        }
    }
    return n;
}

static json_t *walk(json_t *doc, const tok *t, int n)
{
    json_t *v = doc;
    for (int i = 0; i < n && v; i++)
        v = t[i].idx < 0 ? json_object_get(v, t[i].key) : json_array_get(v, (size_t)t[i].idx);
    return v;
}

static const char *name_at(json_t *doc, const char *a, const char *b, long i)
{
    json_t *v = json_array_get(json_object_get(json_object_get(doc, a), b), (size_t)i);
    return json_is_string(v) ? json_string_value(v) : "?";
}

/* the varied value in the game's own words */
static char *axis_label(json_t *doc, const char *path, const tok *t, int n)
{
    char buf[512];
#define K(i, s) (n > (i) && t[i].idx < 0 && !strcmp(t[i].key, s))
#define I(i) (n > (i) && t[i].idx >= 0)
    if (n == 6 && K(0, "B") && K(1, "types") && I(2) && K(3, "payoff") && I(4) && I(5)) {
        json_t *ty = json_array_get(json_object_get(json_object_get(doc, "B"), "types"), (size_t)t[2].idx);
        json_t *nm = json_object_get(ty, "name");
        char tn[64];
        if (json_is_string(nm)) snprintf(tn, sizeof tn, "%s", json_string_value(nm));
        else snprintf(tn, sizeof tn, "%ld", t[2].idx);
        snprintf(buf, sizeof buf, "B's payoff when A plays %s and B plays %s (B type %s)",
                 name_at(doc, "A", "actions", t[4].idx), name_at(doc, "B", "actions", t[5].idx), tn);
    } else if (n == 4 && K(0, "B") && K(1, "payoff") && I(2) && I(3)) {
        snprintf(buf, sizeof buf, "B's payoff when A plays %s and B plays %s",
                 name_at(doc, "A", "actions", t[2].idx), name_at(doc, "B", "actions", t[3].idx));
    } else if (n == 4 && K(0, "B") && K(1, "types") && I(2) && K(3, "prob")) {
        json_t *nm = json_object_get(json_array_get(json_object_get(json_object_get(doc, "B"), "types"), (size_t)t[2].idx), "name");
        snprintf(buf, sizeof buf, "probability of B type %s", json_is_string(nm) ? json_string_value(nm) : "?");
    } else if (n == 5 && K(0, "A") && K(1, "types") && K(2, "independent") && I(3) && t[4].idx < 0) {
        snprintf(buf, sizeof buf, "%s of A's payoff for %s", t[4].key, name_at(doc, "A", "actions", t[3].idx));
    } else if (n == 6 && K(0, "A") && K(1, "types") && K(2, "independent") && I(3) && I(5)) {
        snprintf(buf, sizeof buf, "%s[%ld] of A's payoff for %s", t[4].key, t[5].idx, name_at(doc, "A", "actions", t[3].idx));
    } else if (n == 6 && K(0, "A") && K(1, "types") && K(2, "discrete") && I(3) && K(4, "payoff") && I(5)) {
        snprintf(buf, sizeof buf, "A's payoff for %s in A type %ld", name_at(doc, "A", "actions", t[5].idx), t[3].idx);
    } else if (n == 5 && K(0, "A") && K(1, "types") && K(2, "discrete") && I(3) && K(4, "prob")) {
        snprintf(buf, sizeof buf, "probability of A type %ld", t[3].idx);
    } else {
        snprintf(buf, sizeof buf, "%s", path);
    }
#undef K
#undef I
    return ow__strdup(buf);
}

ow_status ow_axis_parse(const char *spec, ow_axis *out, ow_error *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strrchr(spec, '=');
    if (!eq || eq == spec)
        return ow__fail(err, OW_EINPUT, "--vary '%s': expected PATH=FROM:TO:STEPS", spec);
    char *e;
    const char *p = eq + 1;
    errno = 0;
    double from = strtod(p, &e);
    if (e == p || *e != ':' || !isfinite(from)) return ow__fail(err, OW_EINPUT, "--vary '%s': FROM is not a number", spec);
    p = e + 1;
    double to = strtod(p, &e);
    if (e == p || *e != ':' || !isfinite(to)) return ow__fail(err, OW_EINPUT, "--vary '%s': TO is not a number", spec);
    p = e + 1;
    if (*p == '-') return ow__fail(err, OW_EINPUT, "--vary '%s': STEPS must be a whole number >= 1", spec);
    unsigned long long steps = strtoull(p, &e, 10);
    if (e == p || *e || errno) return ow__fail(err, OW_EINPUT, "--vary '%s': STEPS must be a whole number >= 1", spec);
    if (steps == 0) return ow__fail(err, OW_EINPUT, "--vary '%s': the grid is empty (STEPS = 0)", spec);
    if (steps > OW_SWEEP_MAX_POINTS) return ow__fail(err, OW_ETOOBIG, "--vary '%s': %llu steps exceed the limit of %d", spec, steps, OW_SWEEP_MAX_POINTS);
    if (steps == 1 && from != to) return ow__fail(err, OW_EINPUT, "--vary '%s': one step needs FROM = TO", spec);
    out->path = malloc((size_t)(eq - spec) + 1);
    if (!out->path) return ow__fail(err, OW_ENOMEM, "out of memory");
    memcpy(out->path, spec, (size_t)(eq - spec));
    out->path[eq - spec] = 0;
    out->from = from; out->to = to; out->steps = (size_t)steps;
    return OW_OK;
}

/* ----------------------------------------------------------- flattening */

typedef struct flat { size_t n, cap; char **names; double *vals; } flat;

static int flat_add(flat *f, const char *name, double v)
{
    if (f->n == f->cap) {
        size_t c = f->cap ? 2 * f->cap : 64;
        char **nn = realloc(f->names, c * sizeof *nn);
        if (!nn) return -1;
        f->names = nn;
        double *nv = realloc(f->vals, c * sizeof *nv);
        if (!nv) return -1;
        f->vals = nv;
        f->cap = c;
    }
    if (!(f->names[f->n] = ow__strdup(name))) return -1;
    f->vals[f->n++] = v;
    return 0;
}

static void flat_clear(flat *f)
{
    for (size_t i = 0; i < f->n; i++) free(f->names[i]);
    free(f->names); free(f->vals);
    memset(f, 0, sizeof *f);
}

static int flatten(json_t *v, char *path, size_t len, size_t at, flat *f)
{
    if (json_is_number(v)) return flat_add(f, path, json_number_value(v));
    if (json_is_null(v)) return flat_add(f, path, NAN);
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            int w = snprintf(path + at, len - at, at ? ".%s" : "%s", k);
            if (w < 0 || (size_t)w >= len - at) continue;
            if (flatten(x, path, len, at + (size_t)w, f)) return -1;
            path[at] = 0;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            int w = snprintf(path + at, len - at, "[%zu]", i);
            if (w < 0 || (size_t)w >= len - at) continue;
            if (flatten(x, path, len, at + (size_t)w, f)) return -1;
            path[at] = 0;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- sweep */

void ow_sweep_free(ow_sweep *s)
{
    if (!s) return;
    for (size_t i = 0; i < 2; i++) { free(s->axes[i].path); free(s->axis_labels[i]); free(s->values[i]); }
    for (size_t i = 0; i < s->ncols && s->cols; i++) free(s->cols[i]);
    for (size_t i = 0; i < s->npoints && s->docs; i++) json_decref(s->docs[i]);
    free(s->cols); free(s->table); free(s->docs); free(s->game);
    free(s);
}

long ow_sweep_col(const ow_sweep *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++) if (!strcmp(s->cols[i], name)) return (long)i;
    return -1;
}

/* flatten doc into row p of the table (columns from point 0) */
static ow_status fill_row(ow_sweep *s, size_t p, ow_error *err)
{
    flat f = { 0 };
    char path[512] = "";
    if (flatten(s->docs[p], path, sizeof path, 0, &f)) { flat_clear(&f); return ow__fail(err, OW_ENOMEM, "out of memory"); }
    if (!s->cols) {
        s->ncols = f.n;
        s->cols = f.names;
        f.names = NULL;
        s->table = ow__malloc(s->npoints * s->ncols, sizeof *s->table, err);
        if (!s->table) { flat_clear(&f); return OW_ENOMEM; }
        for (size_t i = 0; i < s->npoints * s->ncols; i++) s->table[i] = NAN;
        for (size_t c = 0; c < s->ncols; c++) s->table[p * s->ncols + c] = f.vals[c];
        free(f.vals);
        return OW_OK;
    }
    for (size_t c = 0; c < s->ncols; c++) {
        double v = NAN;
        if (c < f.n && !strcmp(f.names[c], s->cols[c])) v = f.vals[c];
        else for (size_t k = 0; k < f.n; k++) if (!strcmp(f.names[k], s->cols[c])) { v = f.vals[k]; break; }
        s->table[p * s->ncols + c] = v;
    }
    flat_clear(&f);
    return OW_OK;
}

ow_status ow_sweep_set_point(ow_sweep *s, size_t p, json_t *doc, ow_error *err)
{
    if (p >= s->npoints || !doc) { json_decref(doc); return ow__fail(err, OW_EINPUT, "sweep point %zu out of range", p); }
    if (!s->cols && p != 0) { json_decref(doc); return ow__fail(err, OW_EINPUT, "set point 0 first"); }
    json_decref(s->docs[p]);
    s->docs[p] = doc;
    return fill_row(s, p, err);
}

ow_sweep *ow_sweep_run(const char *game_path, const ow_axis *axes, size_t naxes,
                       const ow_solve_options *opt, ow_progress_fn progress,
                       void *progress_arg, ow_error *err)
{
    return ow_sweep_run_part(game_path, axes, naxes, opt, 0, 1, progress, progress_arg, err);
}

ow_sweep *ow_sweep_run_part(const char *game_path, const ow_axis *axes, size_t naxes,
                            const ow_solve_options *opt, size_t part, size_t nparts,
                            ow_progress_fn progress, void *progress_arg, ow_error *err)
{
    if (nparts == 0 || part >= nparts) { ow__fail(err, OW_EINPUT, "part %zu of %zu", part, nparts); return NULL; }
    if (naxes < 1 || naxes > 2) { ow__fail(err, OW_EINPUT, "a sweep varies one or two values, found %zu", naxes); return NULL; }
    ow_sweep *s = ow__malloc(1, sizeof *s, err);
    json_t *doc = NULL;
    char *dir = NULL, *base = NULL;
    json_t *node[2] = { NULL, NULL };
    if (!s) return NULL;
    s->naxes = naxes;
    if (!(doc = ow__json_load_file(game_path, err))) goto err;
    if (ow__path_split(game_path, &dir, &base)) { ow__fail(err, OW_ENOMEM, "out of memory"); goto err; }
    s->npoints = 1;
    for (size_t i = 0; i < naxes; i++) {
        tok t[32];
        int n = tokenize(axes[i].path, t, 32);
        if (n <= 0) { ow__fail(err, OW_EINPUT, "--vary: '%s' is not a path like B.types[0].payoff[0][1]", axes[i].path); goto err; }
        node[i] = walk(doc, t, n);
        if (!node[i]) { ow__fail(err, OW_EINPUT, "--vary: %s: no such value in %s", axes[i].path, game_path); goto err; }
        if (!json_is_number(node[i])) { ow__fail(err, OW_EINPUT, "--vary: %s in %s is not a number", axes[i].path, game_path); goto err; }
        if (i == 1 && node[1] == node[0]) { ow__fail(err, OW_EINPUT, "--vary: the two paths name the same value"); goto err; }
        s->axes[i] = axes[i];
        s->axes[i].path = ow__strdup(axes[i].path);
        s->axis_labels[i] = axis_label(doc, axes[i].path, t, n);
        s->values[i] = ow__malloc(axes[i].steps, sizeof(double), err);
        if (!s->axes[i].path || !s->axis_labels[i] || !s->values[i]) { ow__fail(err, OW_ENOMEM, "out of memory"); goto err; }
        for (size_t k = 0; k < axes[i].steps; k++)
            s->values[i][k] = axes[i].steps == 1 ? axes[i].from
                : axes[i].from + (axes[i].to - axes[i].from) * (double)k / (double)(axes[i].steps - 1);
        if (axes[i].steps > 1) s->values[i][axes[i].steps - 1] = axes[i].to;
        s->npoints *= axes[i].steps;
    }
    if (s->npoints > OW_SWEEP_MAX_POINTS) { ow__fail(err, OW_ETOOBIG, "the grid has %zu points, more than %d", s->npoints, OW_SWEEP_MAX_POINTS); goto err; }
    s->docs = ow__malloc(s->npoints, sizeof *s->docs, err);
    if (!s->docs) goto err;
    size_t mine = 0, done = 0;
    for (size_t p = part; p < s->npoints; p += nparts) mine++;
    for (size_t p = part; p < s->npoints; p += nparts) {
        size_t k0 = naxes == 2 ? p / axes[1].steps : p, k1 = naxes == 2 ? p % axes[1].steps : 0;
        double v0 = s->values[0][k0], v1 = naxes == 2 ? s->values[1][k1] : 0;
        json_real_set(node[0], v0);
        if (naxes == 2) json_real_set(node[1], v1);
        char where[512];
        if (naxes == 2) snprintf(where, sizeof where, "at grid point %zu (%s = %.17g, %s = %.17g)", p + 1, axes[0].path, v0, axes[1].path, v1);
        else snprintf(where, sizeof where, "at grid point %zu (%s = %.17g)", p + 1, axes[0].path, v0);
        ow_error e = { OW_OK, "" };
        ow_game *g = ow__game_from_json(doc, game_path, dir, base, &e);
        ow_workspace *w = g ? ow_workspace_alloc(g, &e) : NULL;
        ow_solution *sol = w ? ow_solve(w, opt, &e) : NULL;
        if (sol) {
            s->docs[p] = ow_report_solve_json(g, sol);
            if (!s->game) s->game = ow__strdup(g->name);
            if (s->docs[p] && opt && opt->mechanisms) {
                /* every mechanism, by name: compare.<name>.<figure> */
                ow_compare_options co;
                ow_compare_options_default(&co);
                co.seed = opt->seed;
                json_t *cmp = ow_compare(w, &co, &e), *byname = json_object();
                size_t i;
                json_t *row;
                json_array_foreach(json_object_get(cmp, "mechanisms"), i, row) {
                    json_t *fig = json_object();
                    static const char *const keys[] = { "welfare", "payoff_A", "payoff_B", "poa" };
                    for (int k = 0; k < 4; k++) json_object_set(fig, keys[k], json_object_get(row, keys[k]));
                    json_object_set_new(byname, json_string_value(json_object_get(row, "name")), fig);
                }
                if (!cmp) { json_decref(byname); ow_solution_free(sol); sol = NULL; }
                else json_object_set_new(s->docs[p], "compare", byname);
                json_decref(cmp);
            }
        }
        ow_solution_free(sol);
        ow_workspace_free(w);
        ow_game_free(g);
        if (!sol) { ow__fail(err, e.status, "%s: %s", where, e.msg); goto err; }
        if (!s->docs[p]) { ow__fail(err, OW_ENOMEM, "out of memory"); goto err; }
        if (fill_row(s, p, err)) goto err;
        if (progress && progress(++done, mine, progress_arg)) { ow__fail(err, OW_EINPUT, "stopped"); goto err; }
    }
    json_decref(doc);
    free(dir); free(base);
    return s;
err:
    json_decref(doc);
    free(dir); free(base);
    ow_sweep_free(s);
    return NULL;
}

/* --------------------------------------------------------------- output */

char *ow_sweep_csv(const ow_sweep *s, const char *const *metrics, size_t nm)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    long *idx = malloc((metrics ? nm : s->ncols) * sizeof *idx + 1);
    if (!idx) { fclose(f); free(buf); return NULL; }
    size_t n = metrics ? nm : s->ncols;
    for (size_t i = 0; i < n; i++) idx[i] = metrics ? ow_sweep_col(s, metrics[i]) : (long)i;
    for (size_t a = 0; a < s->naxes; a++) fprintf(f, "%s%s", a ? "," : "", s->axes[a].path);
    for (size_t i = 0; i < n; i++) fprintf(f, ",%s", metrics ? metrics[i] : s->cols[i]);
    fputc('\n', f);
    for (size_t p = 0; p < s->npoints; p++) {
        size_t k0 = s->naxes == 2 ? p / s->axes[1].steps : p;
        fprintf(f, "%.17g", s->values[0][k0]);
        if (s->naxes == 2) fprintf(f, ",%.17g", s->values[1][p % s->axes[1].steps]);
        for (size_t i = 0; i < n; i++) {
            double v = idx[i] >= 0 ? s->table[p * s->ncols + (size_t)idx[i]] : NAN;
            if (isfinite(v)) fprintf(f, ",%.17g", v); else fputc(',', f);
        }
        fputc('\n', f);
    }
    free(idx);
    fclose(f);
    return buf;
}

json_t *ow_sweep_json(const ow_sweep *s)
{
    json_t *vary = json_array(), *pts = json_array();
    for (size_t a = 0; a < s->naxes; a++)
        json_array_append_new(vary, json_pack("{s:s, s:s, s:f, s:f, s:I}", "path", s->axes[a].path,
                                              "label", s->axis_labels[a], "from", s->axes[a].from,
                                              "to", s->axes[a].to, "steps", (json_int_t)s->axes[a].steps));
    for (size_t p = 0; p < s->npoints; p++) {
        json_t *vals = json_object();
        size_t k0 = s->naxes == 2 ? p / s->axes[1].steps : p;
        json_object_set_new(vals, s->axes[0].path, json_real(s->values[0][k0]));
        if (s->naxes == 2) json_object_set_new(vals, s->axes[1].path, json_real(s->values[1][p % s->axes[1].steps]));
        json_array_append_new(pts, json_pack("{s:o, s:O}", "values", vals, "solve", s->docs[p]));
    }
    return json_pack("{s:s, s:o, s:o}", "game", s->game ? s->game : "", "vary", vary, "points", pts);
}

const char *ow_metric_label(const char *name, char *buf, size_t len)
{
    static const struct { const char *k, *v; } tab[] = {
        { "poa.nash", "PoA without payments" },
        { "poa.nash_expected", "PoA without payments, E[OPT/SW] (Def. 2)" },
        { "poa.single_offer", "PoA with the single offer" },
        { "nash.welfare", "welfare without payments" },
        { "nash.payoff_A", "A's payoff without payments" },
        { "nash.payoff_B", "B's payoff without payments" },
        { "optimum.welfare", "optimal welfare" },
        { "optimum.welfare_ex_ante", "optimal welfare (B's type known only)" },
        { "single_offer.welfare", "welfare with the single offer" },
        { "single_offer.payoff_A", "A's payoff with the single offer" },
        { "single_offer.payoff_B", "B's payoff with the single offer" },
        { "single_offer.payment", "payment offered" },
        { "single_offer.transfer", "payment made" },
        { "single_offer.accept_prob", "probability A accepts" },
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (!strcmp(tab[i].k, name)) { snprintf(buf, len, "%s", tab[i].v); return buf; }
    if (!strncmp(name, "compare.", 8)) {      /* compare.<mechanism>.<figure> */
        const char *mech = name + 8, *dot = strrchr(mech, '.');
        if (dot) {
            const char *fig = dot + 1;
            const char *what = !strcmp(fig, "poa") ? "PoA" : !strcmp(fig, "welfare") ? "welfare"
                             : !strcmp(fig, "payoff_A") ? "A's payoff" : !strcmp(fig, "payoff_B") ? "B's payoff" : fig;
            int n = snprintf(buf, len, "%s, %.*s", what, (int)(dot - mech), mech);
            for (int i = 0; i < n && (size_t)i < len; i++) if (buf[i] == '_') buf[i] = ' ';
            return buf;
        }
    }
    snprintf(buf, len, "%s", name);
    return buf;
}

ow_status ow_sweep_plot(const ow_sweep *s, const char *file, const char *const *metrics,
                        size_t nm, ow_error *err)
{
    static const char *const def[] = { "poa.nash", "poa.single_offer" };
    if (!metrics || nm == 0) { metrics = def; nm = 2; }
    for (size_t i = 0; i < nm; i++)
        if (ow_sweep_col(s, metrics[i]) < 0)
            return ow__fail(err, OW_EINPUT, "--metrics: no figure named '%s' (names are JSON paths of solve --json, e.g. poa.single_offer)", metrics[i]);
    char title[512], cap[512], lab[128];
    int allpoa = 1;
    for (size_t i = 0; i < nm; i++) if (strncmp(metrics[i], "poa.", 4)) allpoa = 0;
    if (s->naxes == 1) {
        size_t n = s->npoints;
        double **ys = calloc(nm, sizeof *ys);
        char **names = calloc(nm, sizeof *names);
        ow_status st = OW_OK;
        if (!ys || !names) { free(ys); free(names); return ow__fail(err, OW_ENOMEM, "out of memory"); }
        for (size_t i = 0; i < nm; i++) {
            ys[i] = malloc(n * sizeof **ys);
            names[i] = ow__strdup(ow_metric_label(metrics[i], lab, sizeof lab));
            if (!ys[i] || !names[i]) { st = ow__fail(err, OW_ENOMEM, "out of memory"); goto out1; }
            long c = ow_sweep_col(s, metrics[i]);
            for (size_t p = 0; p < n; p++) ys[i][p] = s->table[p * s->ncols + (size_t)c];
        }
        snprintf(title, sizeof title, "%s: %s", s->game, allpoa ? "price of anarchy" : nm == 1 ? names[0] : "figures");
        snprintf(cap, sizeof cap, "Each of the %zu points solves the game exactly with %s set to the value on the x axis (%s).",
                 n, s->axis_labels[0], s->axes[0].path);
        st = ow_plot_lines(file, title, s->axis_labels[0], allpoa ? "price of anarchy" : "value", cap,
                           s->values[0], n, (const double *const *)ys, (const char *const *)names, NULL, nm, err);
    out1:
        for (size_t i = 0; i < nm; i++) { free(ys[i]); free(names[i]); }
        free(ys); free(names);
        return st;
    }
    long c = ow_sweep_col(s, metrics[0]);
    double *z = malloc(s->npoints * sizeof *z);
    if (!z) return ow__fail(err, OW_ENOMEM, "out of memory");
    for (size_t p = 0; p < s->npoints; p++) z[p] = s->table[p * s->ncols + (size_t)c];
    ow_metric_label(metrics[0], lab, sizeof lab);
    snprintf(title, sizeof title, "%s: %s", s->game, lab);
    snprintf(cap, sizeof cap, "Heat map over %zu x %zu grid points, each solved exactly (x: %s, y: %s).",
             s->axes[0].steps, s->axes[1].steps, s->axes[0].path, s->axes[1].path);
    ow_status st = ow_plot_heatmap(file, title, s->axis_labels[0], s->axis_labels[1], lab, cap,
                                   s->values[0], s->axes[0].steps, s->values[1], s->axes[1].steps, z, err);
    free(z);
    return st;
}
