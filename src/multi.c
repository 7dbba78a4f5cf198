/*
 * multi.c -- committed multi-offer schedules (paper section 6).
 *
 * Evaluation.  A type whose cost of playing a is delta = Delta_A(a) plans,
 * before the first offer, the step l at which she will accept: the coins
 * are her only uncertainty, so her value is max(0, max_l rho_l (c_l - delta))
 * with rho_l = p_1 ... p_l the probability of reaching offer l, and backward
 * induction picks the earliest maximiser.  Each step's plan is a line in
 * delta, so step l is chosen on an interval (lo_l, hi_l] of costs, and the
 * exact outcome needs only three moments of delta at the interval ends:
 * P(t) = Pr[delta <= t], G(t) = E[1{delta <= t} delta] and, per outside
 * action b, R_b(t) = E[1{delta <= t} u_B(s^N_A, b)].  Under the paper's
 * conditions (3)-(4) A accepts at the first reached step with
 * delta <= min(c_i, S_i Delta_B): intervals again.
 *
 * Finite models: prefix sums over the sorted Delta_A list (one pass per
 * action searched), so an evaluation costs O(n^2 + n log K).  Continuous
 * models: the integrals of amodel.c at each interval end.
 *
 * Optimisation is deliberately agnostic: Nelder-Mead (GSL multimin) over
 * gamma_i = (1 - cos x_i)/2 and p_i = (1 - cos y_i)/2 from many starts,
 * the protocol evaluated as it is played.  Theorem 10 says the best is the
 * single offer; the search is how a user sees it rather than assumes it.
 */
#include "internal.h"
#include "oneway_mech.h"
#include <gsl/gsl_multimin.h>
#include <stdlib.h>
#include <string.h>

#ifndef OW_MULTI_MAX_ITER
#define OW_MULTI_MAX_ITER 4000     /* Nelder-Mead iterations per start */
#endif
#ifndef OW_MULTI_POLISH_ITER
#define OW_MULTI_POLISH_ITER 300   /* exact polish of a continuous model's best */
#endif

/* ------------------------------------------------------------- moments */

typedef struct mom {
    const ow_workspace *w;
    size_t j, a, k;
    double wa, uO, dB, cmax;
    size_t bO;
    /* finite: prefix sums over the first cnt sorted entries */
    size_t cnt;
    double *cP, *cG, *cR;      /* (cnt+1), (cnt+1), (cnt+1)*k */
    /* continuous, for the search only: the moments tabulated at knots
     * (a jump point twice: its left limit, then its value) */
    size_t nk;
    double *kx, *kv;           /* nk, nk*(2+k) */
} mom;

static void mom_free(mom *mo)
{
    if (!mo) return;
    free(mo->cP); free(mo->cG); free(mo->cR);
    free(mo->kx); free(mo->kv);
    memset(mo, 0, sizeof *mo);
}

static ow_status mom_init(mom *mo, const ow_workspace *w, size_t j, size_t a, ow_error *err)
{
    const ow_game *g = w->g;
    memset(mo, 0, sizeof *mo);
    mo->w = w; mo->j = j; mo->a = a; mo->k = g->k;
    mo->wa = ow__best_B(g, j, a, NULL);
    ow_outside_option(w, j, a, &mo->bO, &mo->uO);
    mo->dB = mo->wa - mo->uO;
    mo->cmax = mo->dB > 0 ? mo->dB : 0;
    if (!g->finite) return OW_OK;
    size_t k = g->k, cnt = ow__count_le(w, a, fmin(mo->cmax, w->tau[a]));
    mo->cnt = cnt;
    mo->cP = ow__malloc(cnt + 1, sizeof(double), err);
    mo->cG = ow__malloc(cnt + 1, sizeof(double), err);
    mo->cR = ow__malloc((cnt + 1) * k, sizeof(double), err);
    if (!mo->cP || !mo->cG || !mo->cR) { mom_free(mo); return OW_ENOMEM; }
    const double *D = w->D[a];
    const uint32_t *P = w->P[a];
    double eq = 1.0 / (double)w->n;
    mo->cP[0] = mo->cG[0] = 0;
    for (size_t b = 0; b < k; b++) mo->cR[b] = 0;
    for (size_t i = 0; i < cnt; i++) {
        double wt = g->equal_weights ? eq : g->wt[P[i]];
        const double *u = ow__ub(g, j, ow__entry_nash(w, a, i));
        mo->cP[i + 1] = mo->cP[i] + wt;
        mo->cG[i + 1] = mo->cG[i] + wt * D[i];
        for (size_t b = 0; b < k; b++) mo->cR[(i + 1) * k + b] = mo->cR[i * k + b] + wt * u[b];
    }
    return OW_OK;
}

/* P(t), G(t) and R_b(t) for every b (R has k entries; Rs: m scratch) */
static ow_status mom_at(const mom *mo, double t, double *P, double *G, double *R,
                        double *Rs, ow_error *err)
{
    const ow_workspace *w = mo->w;
    const ow_game *g = w->g;
    size_t k = mo->k;
    if (!(t >= 0)) {                     /* nobody has a negative cost */
        *P = *G = 0;
        for (size_t b = 0; b < k; b++) R[b] = 0;
        return OW_OK;
    }
    if (t > mo->cmax) t = mo->cmax;
    if (mo->nk) {                        /* tabulated: linear between knots */
        size_t lo = 0, hi = mo->nk - 1, st = 2 + k;
        while (hi - lo > 1) {            /* kx[lo] <= t < kx[hi], or t at the end */
            size_t mid = (lo + hi) / 2;
            if (mo->kx[mid] <= t) lo = mid; else hi = mid;
        }
        if (t >= mo->kx[hi]) lo = hi;
        const double *v0 = mo->kv + lo * st, *v1 = mo->kv + hi * st;
        double f = (lo == hi || mo->kx[hi] == mo->kx[lo]) ? 0 : (t - mo->kx[lo]) / (mo->kx[hi] - mo->kx[lo]);
        *P = v0[0] + f * (v1[0] - v0[0]);
        *G = v0[1] + f * (v1[1] - v0[1]);
        for (size_t b = 0; b < k; b++) R[b] = v0[2 + b] + f * (v1[2 + b] - v0[2 + b]);
        return OW_OK;
    }
    if (g->finite) {
        size_t i = ow__count_le(w, mo->a, t);
        if (i > mo->cnt) i = mo->cnt;
        *P = mo->cP[i];
        *G = mo->cG[i];
        for (size_t b = 0; b < k; b++) R[b] = mo->cR[i * k + b];
        return OW_OK;
    }
    double Pa, accA, rejA;
    ow_status s;
    if ((s = ow__accept_prob_cont(w, mo->a, t, &Pa, NULL, err)) ||
        (s = ow__accepted_A_cont(w, mo->a, t, &accA, err)) ||
        (s = ow__reject_probs_cont(w, mo->a, t, Rs, NULL, &rejA, err))) return s;
    *P = Pa;
    *G = (w->EM - rejA) - (accA - Pa * t);
    const double *tot = w->tot + mo->j * k;
    for (size_t b = 0; b < k; b++) {
        double r = 0;
        for (size_t i = 0; i < g->m; i++) r += Rs[i] * ow__ub(g, mo->j, i)[b];
        R[b] = tot[b] - r;
    }
    return OW_OK;
}

#ifndef OW_MULTI_KNOTS
#define OW_MULTI_KNOTS 512         /* tabulation of a continuous model's moments */
#endif

/* a knot: where the moments are tabulated; a jump point comes twice, its
 * left limit (left = 1) first */
typedef struct knot { double x; int left; } knot;

static int knot_cmp(const void *p, const void *q)
{
    const knot *u = p, *v = q;
    if (u->x != v->x) return (u->x > v->x) - (u->x < v->x);
    return v->left - u->left;
}

/* Tabulate a continuous model's moments on [0, cmax] for the search.  The
 * search only ranks schedules; what is reported is evaluated exactly. */
static ow_status mom_tabulate(mom *mo, ow_error *err)
{
    const ow_workspace *w = mo->w;
    size_t a = mo->a, k = mo->k, st = 2 + k, nj = w->njumps[a], N = OW_MULTI_KNOTS;
    if (!(mo->cmax > 0)) return OW_OK;
    knot *kn = ow__malloc(N + 1 + 2 * nj, sizeof *kn, err);
    if (!kn) return OW_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i <= N; i++) kn[n++] = (knot){ mo->cmax * (double)i / (double)N, 0 };
    for (size_t i = 0; i < nj; i++) {
        double x = w->jumps[w->jump_off[a] + i];
        if (x > 0 && x < mo->cmax) { kn[n++] = (knot){ x, 1 }; kn[n++] = (knot){ x, 0 }; }
    }
    qsort(kn, n, sizeof *kn, knot_cmp);
    size_t nk = 0;                                 /* drop repeated knots */
    for (size_t i = 0; i < n; i++)
        if (!nk || kn[i].x != kn[nk - 1].x || kn[i].left != kn[nk - 1].left) kn[nk++] = kn[i];
    double *kx = ow__malloc(nk, sizeof *kx, err), *kv = ow__malloc(nk * st, sizeof *kv, err);
    ow_status s = (kx && kv) ? OW_OK : OW_ENOMEM;
    if (!s) {
        #pragma omp parallel
        {
            double *Rs = malloc(w->g->m * sizeof *Rs);
            ow_error e2;
            #pragma omp for schedule(dynamic, 8)
            for (size_t i = 0; i < nk; i++) {
                ow_status r = OW_ENOMEM;
                kx[i] = kn[i].x;
                double t = kn[i].left ? kn[i].x - 1e-9 * mo->cmax : kn[i].x, *v = kv + i * st;
                if (Rs && !(r = mom_at(mo, t, &v[0], &v[1], v + 2, Rs, &e2))) continue;
                #pragma omp critical
                {
                    if (!s) { s = r; if (err) { if (Rs) *err = e2; else ow__fail(err, OW_ENOMEM, "out of memory"); } }
                }
            }
            free(Rs);
        }
    }
    free(kn);
    if (s) { free(kx); free(kv); return s; }
    mo->kx = kx; mo->kv = kv; mo->nk = nk;
    return OW_OK;
}

/* ------------------------------------------------------------- evaluation */

ow_status ow_schedule_check(const ow_game *g, const ow_schedule *s, ow_error *err)
{
    if (s->n < 1 || s->n > OW_MAX_OFFERS)
        return ow__fail(err, OW_EINPUT, "a schedule has 1 to %d offers, found %zu", OW_MAX_OFFERS, s->n);
    if (s->action >= g->m)
        return ow__fail(err, OW_EINPUT, "schedule action %zu out of range (A has %zu actions)", s->action, g->m);
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->gamma[i] >= 0 && s->gamma[i] <= 1))
            return ow__fail(err, OW_EINPUT, "gamma_%zu must be in [0, 1], found %g", i + 1, s->gamma[i]);
        if (!(s->prob[i] >= 0 && s->prob[i] <= 1))
            return ow__fail(err, OW_EINPUT, "p_%zu must be in [0, 1], found %g", i + 1, s->prob[i]);
    }
    if (s->prob[0] != 1)
        return ow__fail(err, OW_EINPUT, "p_1 must be 1 (the first offer is always made), found %g", s->prob[0]);
    return OW_OK;
}

/* the cost interval (lo[i], hi[i]] on which A accepts at step i */
static void intervals(const double *c, const double *rho, const double *p, size_t n,
                      ow_a_rule rule, double *lo, double *hi)
{
    if (rule == OW_RULE_CONDITION4) {
        double run = -INFINITY;                  /* the largest earlier threshold */
        for (size_t i = 0; i < n; i++) {
            double t = c[i];
            if (i + 1 < n) {
                double pn = p[i + 1];
                if (pn < 1) t = fmin(t, c[i + 1] + (c[i] - c[i + 1]) / (1 - pn));
                else if (c[i] < c[i + 1]) t = -INFINITY;
            }
            lo[i] = run; hi[i] = t;
            if (t > run) run = t;
        }
        return;
    }
    /* step i is the earliest best plan of delta iff delta <= hi_i (i weakly
     * beats every later step and never accepting) and delta > hi_l for every
     * earlier l: so the lower ends are running maxima of the upper ones,
     * each boundary computed once and the steps a partition */
    double run = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double h = rho[i] > 0 ? c[i] : -INFINITY;    /* accepting beats never accepting */
        for (size_t o = i + 1; o < n && rho[i] > 0; o++) {
            if (rho[o] <= 0) break;
            if (rho[i] > rho[o]) h = fmin(h, c[o] + rho[i] * (c[i] - c[o]) / (rho[i] - rho[o]));
            else if (!(c[i] >= c[o])) h = -INFINITY;
        }
        lo[i] = run; hi[i] = h;
        if (h > run) run = h;
    }
}

/* scratch: 3k + m doubles */
static ow_status eval_with(const mom *mo, const ow_schedule *s, ow_model model,
                           ow_a_rule rule, double *scratch, ow_schedule_value *out,
                           ow_error *err)
{
    const ow_workspace *w = mo->w;
    size_t n = s->n, k = mo->k;
    double c[OW_MAX_OFFERS], rho[OW_MAX_OFFERS], lo[OW_MAX_OFFERS], hi[OW_MAX_OFFERS];
    for (size_t i = 0; i < n; i++) {
        c[i] = s->gamma[i] * mo->cmax;
        rho[i] = i ? rho[i - 1] * s->prob[i] : 1.0;
    }
    intervals(c, rho, s->prob, n, rule, lo, hi);
    double *RB = scratch, *Rh = scratch + k, *Rl = scratch + 2 * k, *Rs = scratch + 3 * k;
    for (size_t b = 0; b < k; b++) RB[b] = 0;
    double accA = 0, accB = 0, obj = 0, acc = 0;
    ow_schedule_value v;
    memset(&v, 0, sizeof v);
    for (size_t i = 0; i < n; i++) {
        v.payment[i] = c[i];
        if (!(lo[i] < hi[i]) || rho[i] <= 0) continue;
        double Ph, Gh, Pl, Gl;
        ow_status st;
        if ((st = mom_at(mo, hi[i], &Ph, &Gh, Rh, Rs, err)) ||
            (st = mom_at(mo, lo[i], &Pl, &Gl, Rl, Rs, err))) return st;
        double dP = Ph - Pl, dG = Gh - Gl;
        if (dP <= 0) continue;
        v.accept_by_step[i] = rho[i] * dP;
        acc += rho[i] * dP;
        accA += rho[i] * (dP * c[i] - dG);
        accB += rho[i] * dP * (mo->wa - c[i]);
        obj += rho[i] * dP * (mo->dB - c[i]);
        for (size_t b = 0; b < k; b++) RB[b] += rho[i] * (Rh[b] - Rl[b]);
    }
    const double *tot = w->tot + mo->j * k;
    size_t b = mo->bO;
    if (model == OW_MODEL_BAYES) {
        double best = -INFINITY;
        for (size_t o = 0; o < k; o++) best = fmax(best, tot[o] - RB[o]);
        b = 0;
        while (tot[b] - RB[b] < best - ow__tol(best)) b++;
    }
    v.type = mo->j; v.action = mo->a; v.n = n; v.outside = b;
    v.delta_B = mo->dB; v.outside_value = mo->uO;
    v.accept_prob = acc;
    v.payoff_A = w->EM + accA;
    v.payoff_B = tot[b] - RB[b] + accB;
    v.welfare = v.payoff_A + v.payoff_B;
    v.objective = model == OW_MODEL_BAYES ? v.payoff_B : mo->uO + obj;
    *out = v;
    return OW_OK;
}

ow_status ow_schedule_eval(const ow_workspace *w, size_t j, const ow_schedule *s,
                           ow_model model, ow_a_rule rule, ow_schedule_value *out,
                           ow_error *err)
{
    const ow_game *g = w->g;
    if (j >= g->T) return ow__fail(err, OW_EINPUT, "B type %zu out of range", j);
    ow_status st = ow_schedule_check(g, s, err);
    if (st) return st;
    mom mo;
    if ((st = mom_init(&mo, w, j, s->action, err))) return st;
    double *scratch = ow__malloc(3 * g->k + g->m, sizeof *scratch, err);
    if (!scratch) { mom_free(&mo); return OW_ENOMEM; }
    st = eval_with(&mo, s, model, rule, scratch, out, err);
    free(scratch);
    mom_free(&mo);
    return st;
}

/* ------------------------------------------------------------ optimisation */

void ow_multi_options_default(ow_multi_options *o)
{
    memset(o, 0, sizeof *o);
    o->model = OW_MODEL_PAPER;
    o->offers = 3;
    o->restarts = 24;
    o->seed = 1;
    o->action = -1;
}

typedef struct nmctx {
    const mom *mo;
    ow_model model;
    size_t n;
    double *scratch;
    ow_error *err;
    ow_status st;
} nmctx;

static double unit(double x) { return 0.5 * (1.0 - cos(x)); }

static void decode(const gsl_vector *x, size_t n, size_t a, ow_schedule *s)
{
    s->action = a; s->n = n;
    for (size_t i = 0; i < n; i++) {
        s->gamma[i] = unit(gsl_vector_get(x, i));
        s->prob[i] = i ? unit(gsl_vector_get(x, n + i - 1)) : 1.0;
    }
}

static double nm_f(const gsl_vector *x, void *arg)
{
    nmctx *c = arg;
    ow_schedule s;
    ow_schedule_value v;
    decode(x, c->n, c->mo->a, &s);
    ow_status st = eval_with(c->mo, &s, c->model, OW_RULE_BACKWARD, c->scratch, &v, c->err);
    if (st) { c->st = st; return GSL_POSINF; }
    return -v.objective;
}

/* x with unit(x) = u */
static double inv_unit(double u) { return acos(1.0 - 2.0 * fmin(fmax(u, 0), 1)); }

/* one start; returns the best schedule's value in *v */
/* one Nelder-Mead run: from start r, or from *init (a short polish) */
static ow_status one_start(const mom *mo, ow_model model, size_t n, size_t r, uint64_t seed,
                           double gstar, const ow_schedule *init, double *scratch, ow_schedule *s,
                           ow_schedule_value *v, ow_error *err)
{
    size_t dim = 2 * n - 1;
    gsl_vector *x = gsl_vector_alloc(dim), *step = gsl_vector_alloc(dim);
    gsl_multimin_fminimizer *mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, dim);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    ow_status st = OW_OK;
    if (!x || !step || !mz || !rng) { st = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
    gsl_rng_set(rng, ow__mix64(seed * 0x9E3779B97F4A7C15ULL + r + 1));
    /* start 0: the single offer repeated; 1: rising to it; others: random */
    double gs[OW_MAX_OFFERS];
    for (size_t i = 0; i < n; i++) {
        if (r == 0) gs[i] = gstar;
        else if (r == 1) gs[i] = gstar * (double)(i + 1) / (double)n;
        else gs[i] = gsl_rng_uniform(rng);
    }
    if (r >= 2 && r % 2 == 0)                         /* half the random starts rising */
        for (size_t i = 1; i < n; i++)
            for (size_t t = i; t > 0 && gs[t] < gs[t - 1]; t--) { double y = gs[t]; gs[t] = gs[t - 1]; gs[t - 1] = y; }
    for (size_t i = 0; i < n; i++) gsl_vector_set(x, i, inv_unit(init ? init->gamma[i] : gs[i]));
    for (size_t i = 1; i < n; i++)
        gsl_vector_set(x, n + i - 1, inv_unit(init ? init->prob[i] : r < 2 ? 0.5 : gsl_rng_uniform(rng)));
    gsl_vector_set_all(step, init ? 0.02 : 0.6);
    nmctx c = { mo, model, n, scratch, err, OW_OK };
    gsl_multimin_function F = { nm_f, dim, &c };
    gsl_multimin_fminimizer_set(mz, &F, x, step);
    if (c.st) { st = c.st; goto out; }
    for (int it = 0; it < (init ? OW_MULTI_POLISH_ITER : OW_MULTI_MAX_ITER); it++) {
        if (gsl_multimin_fminimizer_iterate(mz)) break;
        if (c.st) break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), 1e-10) == GSL_SUCCESS) break;
    }
    if ((st = c.st)) goto out;
    decode(gsl_multimin_fminimizer_x(mz), n, mo->a, s);
    st = eval_with(mo, s, model, OW_RULE_BACKWARD, scratch, v, err);
out:
    gsl_vector_free(x); gsl_vector_free(step);
    if (mz) gsl_multimin_fminimizer_free(mz);
    if (rng) gsl_rng_free(rng);
    return st;
}

ow_status ow_multi_optimise(const ow_workspace *w, size_t j,
                            const ow_multi_options *o, ow_schedule *best,
                            ow_schedule_value *val, ow_error *err)
{
    const ow_game *g = w->g;
    if (j >= g->T) return ow__fail(err, OW_EINPUT, "B type %zu out of range", j);
    if (o->offers < 1 || o->offers > OW_MAX_OFFERS)
        return ow__fail(err, OW_EINPUT, "--offers must be 1 to %d, found %zu", OW_MAX_OFFERS, o->offers);
    if (o->action >= (long)g->m)
        return ow__fail(err, OW_EINPUT, "action %ld out of range", o->action);
    size_t n = o->offers, R = o->restarts ? o->restarts : 1;
    size_t a0 = o->action >= 0 ? (size_t)o->action : 0, a1 = o->action >= 0 ? a0 + 1 : g->m;
    double bestv = -INFINITY;
    int have = 0;
    ow_status st = OW_OK;
    for (size_t a = a0; a < a1; a++) {
        mom mo;
        if ((st = mom_init(&mo, w, j, a, err))) return st;
        /* the single offer's gamma for this action (the model's own) */
        ow_offer so;
        double gstar = 0;
        if (mo.dB > 0 && !(st = ow_offer_solve_action(w, j, a, &so, err))) gstar = fmin(so.payment / mo.dB, 1);
        if (st) { mom_free(&mo); return st; }
        /* continuous models: search on tabulated moments, then rank exactly */
        if (!g->finite && mo.dB > 0 && (st = mom_tabulate(&mo, err))) { mom_free(&mo); return st; }
        mom exact = mo;
        exact.nk = 0;
        size_t Ra = mo.dB > 0 ? R : 1;       /* nothing to search when all payments are 0 */
        ow_schedule *ss = calloc(Ra, sizeof *ss);
        ow_schedule_value *vs = calloc(Ra, sizeof *vs);
        ow_status *sts = calloc(Ra, sizeof *sts);
        ow_error *errs = calloc(Ra, sizeof *errs);
        if (!ss || !vs || !sts || !errs) {
            free(ss); free(vs); free(sts); free(errs); mom_free(&mo);
            return ow__fail(err, OW_ENOMEM, "out of memory");
        }
        #pragma omp parallel
        {
            double *scratch = malloc((3 * g->k + g->m) * sizeof *scratch);
            #pragma omp for schedule(dynamic, 1)
            for (size_t r = 0; r < Ra; r++) {
                if (!scratch) { sts[r] = ow__fail(&errs[r], OW_ENOMEM, "out of memory"); continue; }
                sts[r] = one_start(&mo, o->model, n, r, o->seed, gstar, NULL, scratch, &ss[r], &vs[r], &errs[r]);
                if (!sts[r] && mo.nk)
                    sts[r] = eval_with(&exact, &ss[r], o->model, OW_RULE_BACKWARD, scratch, &vs[r], &errs[r]);
            }
            free(scratch);
        }
        size_t rb = 0;
        for (size_t r = 0; r < Ra && !st; r++) {
            if (sts[r]) { st = sts[r]; if (err) *err = errs[r]; break; }
            if (vs[r].objective > vs[rb].objective + ow__tol(vs[rb].objective)) rb = r;
        }
        if (!st && mo.nk) {                  /* polish the best with exact moments */
            double *scratch = ow__malloc(3 * g->k + g->m, sizeof *scratch, err);
            ow_schedule ps;
            ow_schedule_value pv;
            if (!scratch) st = OW_ENOMEM;
            else if (!(st = one_start(&exact, o->model, n, 0, o->seed, gstar, &ss[rb], scratch, &ps, &pv, err)) &&
                     pv.objective > vs[rb].objective + ow__tol(vs[rb].objective)) { ss[rb] = ps; vs[rb] = pv; }
            free(scratch);
        }
        if (!st && (!have || vs[rb].objective > bestv + ow__tol(bestv))) {
            have = 1; bestv = vs[rb].objective; *best = ss[rb]; *val = vs[rb];
        }
        free(ss); free(vs); free(sts); free(errs);
        mom_free(&mo);
        if (st) return st;
    }
    return OW_OK;
}
