/*
 * pricing.c -- Bayesian unit-demand item pricing (the paper's section 7).
 *
 * B posts a reward r_a >= 0 for each of A's actions; A plays the action
 * maximising u_A(a) + r_a, B best-responds to it and gets w(a) - r_a.
 * Ties in A's choice go to the action B prefers (then the lowest index):
 * the convention of the pricing literature, and the one the single offer
 * uses when A accepts an offer she is indifferent to.  Continuous models
 * break ties by the lowest index (they have probability zero there unless
 * two point masses meet).
 *
 * Finite models, small: a mixed-integer program solved to optimality with
 * GLPK's branch and cut (proved optimal).  Rewards need never exceed
 * Rmax = (m-1) * max_i (max_a u_ia - min_a u_ia): lowering every reward by
 * the smallest one, and closing any gap wider than A's largest payoff
 * spread between consecutive reward levels, never hurts B, so Rmax bounds
 * an optimal solution and serves as the big-M.
 *   max  sum_i alpha_i sum_a (w_a z_ia - y_ia)
 *   s.t. sum_a z_ia = 1,  U_i >= u_ia + r_a,  U_i <= u_ia + r_a + M_i (1 - z_ia),
 *        y_ia >= r_a - Rmax (1 - z_ia),  z binary, 0 <= r, y <= Rmax.
 * Larger finite models: coordinate ascent from many starts, each step the
 * exact best value of one reward given the others (a sorted sweep over the
 * points where some type switches), labelled a local optimum.  Continuous
 * models: Nelder-Mead (GSL) over r_a = x_a^2 from many starts, payoffs by
 * integration; also labelled local.
 */
#include "internal.h"
#include "oneway_mech.h"
#include <glpk.h>
#include <gsl/gsl_multimin.h>
#include <stdlib.h>
#include <string.h>

void ow_pricing_options_default(ow_pricing_options *o)
{
    memset(o, 0, sizeof *o);
    o->restarts = 32;
    o->seed = 1;
}

void ow_pricing_free(ow_pricing *p)
{
    if (!p) return;
    free(p->rewards); free(p->optimal); free(p->payoff_B_type); free(p);
}

/* ------------------------------------------------------------ evaluation */

/* finite: type i's choice under rewards r (B's preference breaks ties) */
static size_t choose(const double *u, const double *wj, const double *r, size_t m)
{
    size_t s = 0;
    double best = u[0] + r[0];
    for (size_t a = 1; a < m; a++) {
        double v = u[a] + r[a];
        if (v > best + ow__tol(best)) { best = v; s = a; }
        else if (v >= best - ow__tol(best) && wj[a] - r[a] > wj[s] - r[s] + ow__tol(wj[s] - r[s])) s = a;
    }
    /* a later action that won may tie with an earlier one B prefers */
    for (size_t a = 0; a < m; a++) {
        double v = u[a] + r[a];
        if (v >= u[s] + r[s] - ow__tol(u[s] + r[s]) && wj[a] - r[a] > wj[s] - r[s] + ow__tol(wj[s] - r[s])) s = a;
    }
    return s;
}

ow_status ow_pricing_eval(const ow_workspace *w, size_t j, const double *r,
                          double *payoff_A, double *payoff_B, ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m;
    if (j >= g->T) return ow__fail(err, OW_EINPUT, "B type %zu out of range", j);
    for (size_t a = 0; a < m; a++)
        if (!(r[a] >= 0) || !isfinite(r[a])) return ow__fail(err, OW_EINPUT, "reward %zu must be finite and >= 0, found %g", a, r[a]);
    double *wj = ow__malloc(m, sizeof *wj, err);
    if (!wj) return OW_ENOMEM;
    for (size_t a = 0; a < m; a++) wj[a] = ow__best_B(g, j, a, NULL);
    ow_status s = OW_OK;
    double pA = 0, pB = 0;
    if (g->finite && !g->compact) {
        for (size_t i = 0; i < g->n; i++) {
            double wt = g->equal_weights ? 1.0 / (double)g->n : g->wt[i];
            const double *u = g->u + i * m;
            size_t a = choose(u, wj, r, m);
            pA += wt * (u[a] + r[a]);
            pB += wt * (wj[a] - r[a]);
        }
    } else if (g->finite) {
        s = ow__fail(err, OW_EINPUT, "item pricing needs A's full payoff table, which a game with samples from CSV does not keep");
    } else {
        double *P = ow__malloc(m, sizeof *P, err);
        if (!P) { free(wj); return OW_ENOMEM; }
        if (!(s = ow__choice_probs_cont(w, r, P, err)) && !(s = ow__expected_max_cont(w, r, &pA, err)))
            for (size_t a = 0; a < m; a++) pB += P[a] * (wj[a] - r[a]);
        free(P);
    }
    free(wj);
    if (s) return s;
    *payoff_A = pA;
    *payoff_B = pB;
    return OW_OK;
}

/* ------------------------------------------------------------ exact (MIP) */

typedef struct fin {
    size_t n, m;
    const double *u, *wt;     /* wt NULL: equal */
    int eq;
    double *wj;               /* m */
    double rmax;
} fin;

static double fin_wt(const fin *f, size_t i) { return f->eq ? 1.0 / (double)f->n : f->wt[i]; }

static double fin_payoff_B(const fin *f, const double *r)
{
    double s = 0;
    for (size_t i = 0; i < f->n; i++) {
        size_t a = choose(f->u + i * f->m, f->wj, r, f->m);
        s += fin_wt(f, i) * (f->wj[a] - r[a]);
    }
    return s;
}

static int hook_quiet(void *info, const char *s) { (void)info; (void)s; return 1; }

/* 1 optimal, 0 not proved (time limit), -1 error */
static int mip_solve(const fin *f, double *r, double *obj)
{
    size_t n = f->n, m = f->m;
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MAX);
    /* columns: r (m), z (n*m), y (n*m), U (n) */
    size_t nc = m + 2 * n * m + n;
#define CR(a) (1 + (int)(a))
#define CZ(i, a) (1 + (int)(m + (i) * m + (a)))
#define CY(i, a) (1 + (int)(m + n * m + (i) * m + (a)))
#define CU(i) (1 + (int)(m + 2 * n * m + (i)))
    glp_add_cols(lp, (int)nc);
    double R = f->rmax;
    for (size_t a = 0; a < m; a++) glp_set_col_bnds(lp, CR(a), R > 0 ? GLP_DB : GLP_FX, 0, R);
    for (size_t i = 0; i < n; i++) {
        double wt = fin_wt(f, i);
        for (size_t a = 0; a < m; a++) {
            glp_set_col_kind(lp, CZ(i, a), GLP_BV);
            glp_set_obj_coef(lp, CZ(i, a), wt * f->wj[a]);
            glp_set_col_bnds(lp, CY(i, a), R > 0 ? GLP_DB : GLP_FX, 0, R);
            glp_set_obj_coef(lp, CY(i, a), -wt);
        }
        glp_set_col_bnds(lp, CU(i), GLP_FR, 0, 0);
    }
    size_t nr = n + 3 * n * m, ne = 0, cap = 1 + n * m + 3 * 2 * n * m + 2 * n * m;
    int *ia = malloc((cap + 1) * sizeof *ia), *ja = malloc((cap + 1) * sizeof *ja);
    double *ar = malloc((cap + 1) * sizeof *ar);
    if (!ia || !ja || !ar) { free(ia); free(ja); free(ar); glp_delete_prob(lp); return -1; }
    glp_add_rows(lp, (int)nr);
    int row = 0;
#define E(c, v) do { ne++; ia[ne] = row; ja[ne] = (c); ar[ne] = (v); } while (0)
    for (size_t i = 0; i < n; i++) {
        const double *u = f->u + i * m;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t a = 0; a < m; a++) { lo = fmin(lo, u[a]); hi = fmax(hi, u[a]); }
        double M = hi - lo + R + 1;
        glp_set_row_bnds(lp, ++row, GLP_FX, 1, 1);
        for (size_t a = 0; a < m; a++) E(CZ(i, a), 1);
        for (size_t a = 0; a < m; a++) {
            glp_set_row_bnds(lp, ++row, GLP_LO, u[a], 0);          /* U - r_a >= u_a */
            E(CU(i), 1); E(CR(a), -1);
            glp_set_row_bnds(lp, ++row, GLP_UP, 0, u[a] + M);      /* U - r_a + M z <= u_a + M */
            E(CU(i), 1); E(CR(a), -1); E(CZ(i, a), M);
            glp_set_row_bnds(lp, ++row, GLP_LO, -R, 0);            /* y - r_a - R z >= -R */
            E(CY(i, a), 1); E(CR(a), -1);
            if (R > 0) E(CZ(i, a), -R);
        }
    }
#undef E
    glp_load_matrix(lp, (int)ne, ia, ja, ar);
    free(ia); free(ja); free(ar);
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    parm.mip_gap = 0;
    parm.tm_lim = OW_PRICING_TIME_LIMIT_MS;
    int rc = glp_intopt(lp, &parm), st = glp_mip_status(lp), res;
    if ((rc == 0 || rc == GLP_ETMLIM) && (st == GLP_OPT || st == GLP_FEAS)) {
        *obj = glp_mip_obj_val(lp);
        res = (rc == 0 && st == GLP_OPT) ? 1 : 0;
        /* The solver's rewards carry its round-off.  For its assignment of
         * types to actions, the least rewards that keep every type on its
         * action are the longest-path potentials of the difference
         * constraints r_s(i) >= r_a + u_ia - u_is(i) from 0 (Bellman-Ford):
         * exact sums of the data, and no more costly for B. */
        size_t *sig = malloc(n * sizeof *sig);
        if (sig) {
            for (size_t i = 0; i < n; i++) {
                sig[i] = 0;
                for (size_t a = 1; a < m; a++) if (glp_mip_col_val(lp, CZ(i, a)) > glp_mip_col_val(lp, CZ(i, sig[i]))) sig[i] = a;
            }
            for (size_t a = 0; a < m; a++) r[a] = 0;
            for (size_t pass = 0; pass <= m; pass++) {
                int changed = 0;
                for (size_t i = 0; i < n; i++) {
                    const double *u = f->u + i * m;
                    size_t b = sig[i];
                    for (size_t a = 0; a < m; a++) {
                        double v = r[a] + (u[a] - u[b]);
                        if (a != b && v > r[b]) { r[b] = v; changed = 1; }
                    }
                }
                if (!changed) break;
            }
            free(sig);
        } else for (size_t a = 0; a < m; a++) r[a] = fmax(0, glp_mip_col_val(lp, CR(a)));
    } else res = -1;
#undef CR
#undef CZ
#undef CY
#undef CU
    glp_delete_prob(lp);
    return res;
}

/* ------------------------------------------------------ coordinate search */

typedef struct cand { double th, wt, alt; } cand;

static int cand_cmp(const void *x, const void *y)
{
    double a = ((const cand *)x)->th, b = ((const cand *)y)->th;
    return (a > b) - (a < b);
}

/* best r_a in [0, rmax] given the other rewards (B's payoff returned) */
static double best_coord(const fin *f, double *r, size_t a, cand *cs)
{
    size_t n = f->n, m = f->m;
    for (size_t i = 0; i < n; i++) {
        const double *u = f->u + i * m;
        /* the best other choice (B's preference on ties) */
        double save = r[a];
        r[a] = -INFINITY;
        size_t o = choose(u, f->wj, r, m);
        r[a] = save;
        if (o == a) { cs[i].th = INFINITY; cs[i].wt = fin_wt(f, i); cs[i].alt = -INFINITY; continue; }
        cs[i].th = u[o] + r[o] - u[a];      /* A takes a iff r_a >= th (tie: see below) */
        cs[i].wt = fin_wt(f, i);
        cs[i].alt = f->wj[o] - r[o];
    }
    qsort(cs, n, sizeof *cs, cand_cmp);
    double tot_alt = 0;
    for (size_t i = 0; i < n; i++) if (isfinite(cs[i].alt)) tot_alt += cs[i].wt * cs[i].alt;
    /* candidates: 0 and every threshold in (0, rmax] */
    double best = -INFINITY, bestr = r[a], wa = f->wj[a];
    double below_w = 0, below_alt = 0;   /* types with th < c */
    size_t i = 0;
    double c = 0;
    for (;;) {
        while (i < n && cs[i].th < c - ow__tol(c)) { below_w += cs[i].wt; below_alt += cs[i].wt * cs[i].alt; i++; }
        /* ties at c: each picks a iff B prefers it */
        double tie = 0, tie_alt = 0;
        size_t t = i;
        while (t < n && cs[t].th <= c + ow__tol(c)) {
            double v = fmax(wa - c, cs[t].alt);
            tie += cs[t].wt * v;
            tie_alt += cs[t].wt * cs[t].alt;
            t++;
        }
        double val = below_w * (wa - c) + tie + (tot_alt - below_alt - tie_alt);
        if (val > best + ow__tol(best)) { best = val; bestr = c; }
        if (t >= n || !(cs[t].th <= f->rmax)) break;
        c = cs[t].th;
    }
    r[a] = bestr;
    return best;
}

static double coord_search(const fin *f, double *r, cand *cs)
{
    double v = fin_payoff_B(f, r);
    for (int sweep = 0; sweep < 100; sweep++) {
        double before = v;
        for (size_t a = 0; a < f->m; a++) best_coord(f, r, a, cs);
        v = fin_payoff_B(f, r);
        if (!(v > before + ow__tol(before))) break;
    }
    return v;
}

/* ---------------------------------------------------- continuous (NM) */

typedef struct cctx { const ow_workspace *w; size_t j; double *r; ow_error *err; ow_status st; } cctx;

static double cont_f(const gsl_vector *x, void *arg)
{
    cctx *c = arg;
    size_t m = c->w->g->m;
    for (size_t a = 0; a < m; a++) { double v = gsl_vector_get(x, a); c->r[a] = v * v; }
    double pA, pB;
    ow_status s = ow_pricing_eval(c->w, c->j, c->r, &pA, &pB, c->err);
    if (s) { c->st = s; return GSL_POSINF; }
    return -pB;
}

/* one Nelder-Mead run from start s; its best rewards into rb, value into *v */
static ow_status cont_start(const ow_workspace *w, size_t j, const ow_pricing_options *o, size_t s,
                            double scale, double *rb, double *v, ow_error *err)
{
    size_t m = w->g->m;
    double *r = ow__malloc(m, sizeof *r, err);
    gsl_vector *x = gsl_vector_alloc(m), *step = gsl_vector_alloc(m);
    gsl_multimin_fminimizer *mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, m);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    ow_status st = OW_OK;
    if (!r || !x || !step || !mz || !rng) { st = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
    gsl_rng_set(rng, ow__mix64(o->seed * 0x9E3779B97F4A7C15ULL + j * 1000003ULL + s + 1));
    for (size_t a = 0; a < m; a++) gsl_vector_set(x, a, s == 0 ? 0.0 : sqrt(scale * gsl_rng_uniform(rng)));
    gsl_vector_set_all(step, 0.3 * sqrt(scale));
    cctx c = { w, j, r, err, OW_OK };
    gsl_multimin_function F = { cont_f, m, &c };
    gsl_multimin_fminimizer_set(mz, &F, x, step);
    for (int it = 0; it < 2000 && !c.st; it++) {
        if (gsl_multimin_fminimizer_iterate(mz)) break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), 1e-9 * sqrt(scale)) == GSL_SUCCESS) break;
    }
    if ((st = c.st)) goto out;
    *v = -gsl_multimin_fminimizer_minimum(mz);
    const gsl_vector *xb = gsl_multimin_fminimizer_x(mz);
    for (size_t a = 0; a < m; a++) rb[a] = gsl_vector_get(xb, a) * gsl_vector_get(xb, a);
out:
    free(r);
    gsl_vector_free(x); gsl_vector_free(step);
    if (mz) gsl_multimin_fminimizer_free(mz);
    if (rng) gsl_rng_free(rng);
    return st;
}

/* the best of o->restarts starts (in parallel; the pick does not depend on
 * the number of threads), tiny rewards then set to 0 where B loses nothing */
static ow_status cont_search(const ow_workspace *w, size_t j, const ow_pricing_options *o,
                             double *rbest, ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m, R = o->restarts ? o->restarts : 1;
    double scale = 0;
    for (size_t a = 0; a < m; a++) scale = fmax(scale, fabs(ow__best_B(g, j, a, NULL)));
    for (size_t a = 0; a < m; a++) scale = fmax(scale, g->dists[a].hi - g->dists[a].lo);
    if (!(scale > 0)) scale = 1;
    double *rs = ow__malloc(R * m, sizeof *rs, err), *vs = ow__malloc(R, sizeof *vs, err);
    ow_status *sts = calloc(R, sizeof *sts);
    ow_error *errs = calloc(R, sizeof *errs);
    ow_status st = OW_OK;
    if (!rs || !vs || !sts || !errs) { st = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t s = 0; s < R; s++) sts[s] = cont_start(w, j, o, s, scale, rs + s * m, &vs[s], &errs[s]);
    double best = -INFINITY;
    for (size_t a = 0; a < m; a++) rbest[a] = 0;
    for (size_t s = 0; s < R; s++) {
        if (sts[s]) { st = sts[s]; if (err) *err = errs[s]; goto out; }
        if (vs[s] > best + ow__tol(best)) { best = vs[s]; memcpy(rbest, rs + s * m, m * sizeof *rbest); }
    }
    for (size_t a = 0; a < m; a++) {
        if (rbest[a] == 0 || rbest[a] > 1e-6 * scale) continue;
        double keep = rbest[a], pA, pB;
        rbest[a] = 0;
        if ((st = ow_pricing_eval(w, j, rbest, &pA, &pB, err))) goto out;
        if (pB < best - ow__tol(best)) rbest[a] = keep; else best = fmax(best, pB);
    }
out:
    free(rs); free(vs); free(sts); free(errs);
    return st;
}

/* ------------------------------------------------------------------ solve */

ow_pricing *ow_pricing_solve(const ow_workspace *w, const ow_pricing_options *o,
                             ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m, T = g->T;
    ow_pricing_options def;
    if (!o) { ow_pricing_options_default(&def); o = &def; }
    if (g->finite && g->compact) {
        ow__fail(err, OW_EINPUT, "item pricing needs A's full payoff table, which a game with samples from CSV does not keep; "
                 "give the types inline (\"samples\" or \"discrete\")");
        return NULL;
    }
    ow_pricing *p = calloc(1, sizeof *p);
    cand *cs = NULL;
    double *rtry = NULL;
    gsl_rng *rng = NULL;
    fin f = { 0 };
    if (!p) goto nomem;
    p->m = m; p->T = T;
    p->rewards = calloc(T * m, sizeof *p->rewards);
    p->optimal = calloc(T, sizeof *p->optimal);
    p->payoff_B_type = calloc(T, sizeof *p->payoff_B_type);
    rtry = malloc(m * sizeof *rtry);
    if (!p->rewards || !p->optimal || !p->payoff_B_type || !rtry) goto nomem;
    if (g->finite) {
        f.n = g->n; f.m = m; f.u = g->u; f.wt = g->wt; f.eq = g->equal_weights;
        f.wj = malloc(m * sizeof *f.wj);
        cs = malloc(g->n * sizeof *cs);
        rng = gsl_rng_alloc(gsl_rng_mt19937);
        if (!f.wj || !cs || !rng) goto nomem;
        double span = 0;
        for (size_t i = 0; i < f.n; i++) {
            double lo = INFINITY, hi = -INFINITY;
            for (size_t a = 0; a < m; a++) { lo = fmin(lo, f.u[i * m + a]); hi = fmax(hi, f.u[i * m + a]); }
            span = fmax(span, hi - lo);
        }
        f.rmax = (double)(m - 1) * span;
    }
    p->all_optimal = 1;
    for (size_t j = 0; j < T; j++) {
        double *r = p->rewards + j * m;
        if (m == 1) p->optimal[j] = 1;       /* one action: rewards change nothing */
        else if (g->finite) {
            for (size_t a = 0; a < m; a++) f.wj[a] = ow__best_B(g, j, a, NULL);
            int exact = o->exact == 1 || (o->exact == 0 && f.n * m <= OW_PRICING_EXACT_MAX);
            double obj = -INFINITY, best = -INFINITY;
            int proved = 0;
            if (exact) {
                glp_term_hook(hook_quiet, NULL);
                int rc = mip_solve(&f, r, &obj);
                glp_term_hook(NULL, NULL);
                glp_free_env();
                if (rc < 0) for (size_t a = 0; a < m; a++) r[a] = 0;
                best = fin_payoff_B(&f, r);
                proved = rc == 1 && fabs(best - obj) <= 1e-7 * (1 + fabs(obj));
            }
            if (!proved) {
                /* coordinate search from zero rewards and from random ones */
                gsl_rng_set(rng, ow__mix64(o->seed * 0x9E3779B97F4A7C15ULL + j + 1));
                size_t R = o->restarts ? o->restarts : 1;
                if (!exact || best == -INFINITY) { for (size_t a = 0; a < m; a++) r[a] = 0; best = -INFINITY; }
                for (size_t s = 0; s < R; s++) {
                    for (size_t a = 0; a < m; a++) rtry[a] = s == 0 ? 0 : f.rmax * gsl_rng_uniform(rng) * gsl_rng_uniform(rng);
                    double v = coord_search(&f, rtry, cs);
                    if (v > best + ow__tol(best)) { best = v; memcpy(r, rtry, m * sizeof *r); }
                }
            }
            p->optimal[j] = proved;
        } else {
            if (cont_search(w, j, o, r, err)) goto fail;
            p->optimal[j] = 0;
        }
        if (!p->optimal[j]) p->all_optimal = 0;
        double pA, pB;
        if (ow_pricing_eval(w, j, r, &pA, &pB, err)) goto fail;
        p->payoff_B_type[j] = pB;
        p->payoff_A += g->pi[j] * pA;
        p->payoff_B += g->pi[j] * pB;
    }
    p->welfare = p->payoff_A + p->payoff_B;
    free(f.wj); free(cs); free(rtry);
    if (rng) gsl_rng_free(rng);
    return p;
nomem:
    ow__fail(err, OW_ENOMEM, "out of memory");
fail:
    free(f.wj); free(cs); free(rtry);
    if (rng) gsl_rng_free(rng);
    ow_pricing_free(p);
    return NULL;
}
