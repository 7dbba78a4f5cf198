/*
 * secondbest.c -- the best budget-balanced direct mechanism, and the least
 * subsidy that buys efficiency (paper section 4, spec section 4), by
 * linear programming with GLPK.
 *
 * A direct mechanism maps reports (i, j) to a lottery x_ij over A's actions
 * (B best-responds to the action played, so she gets w(a, theta_j)) and a
 * payment t_ij from B to A: budget balance holds outcome by outcome, and
 * by the spec's convention (section 3) t_ij >= 0; an option lifts that.
 * Incentive compatibility (Bayes-Nash) and interim individual rationality
 * (against each type's Nash payoff) involve t only through the interim
 * payments T_A(i) = sum_j pi_j t_ij and T_B(j) = sum_i alpha_i t_ij, and any
 * pair with sum_i alpha_i T_A(i) = sum_j pi_j T_B(j) = E is met by
 * t_ij = T_A(i) + T_B(j) - E, and, when T_A >= 0 and T_B >= 0, by the
 * non-negative t_ij = T_A(i) T_B(j) / E (so non-negative payments are two
 * bounds).  So the program is over x, T_A, T_B and the
 * interim allocations Q_A(i, a) = sum_j pi_j x_ija, Q_B(j, a) =
 * sum_i alpha_i x_ija, which keeps each incentive constraint to 2m + 2
 * entries:
 *
 *   max  sum_i alpha_i Q_A(i).u_i + sum_j pi_j Q_B(j).w_j
 *   s.t. sum_a x_ija = 1, 0 <= x <= 1
 *        IR_A(i)     Q_A(i).u_i + T_A(i) >= max_a u_ia
 *        IR_B(j)     Q_B(j).w_j - T_B(j) >= B's Nash payoff of type j
 *        IC_A(i,i')  (Q_A(i) - Q_A(i')).u_i + T_A(i) - T_A(i') >= 0
 *        IC_B(j,j')  (Q_B(j) - Q_B(j')).w_j - T_B(j) + T_B(j') >= 0
 *        sum_i alpha_i T_A(i) = sum_j pi_j T_B(j)
 *
 * The least subsidy fixes x at the efficient allocation and minimises
 * sum alpha T_A - sum pi T_B over the same IR and IC constraints (the
 * broker pays A T_A(i) and collects T_B(j) from B).
 *
 * Every returned mechanism is re-checked from x and t alone, constraint by
 * constraint; small programs are also solved with GLPK's exact rational
 * simplex (glp_exact).  Trade-off: GLPK's terminal hook is process-wide, so
 * a progress function makes concurrent solves in one process unsafe.
 */
#include "internal.h"
#include "oneway_mech.h"
#include <glpk.h>
#include <stdlib.h>
#include <string.h>

#ifndef OW_LP_EXACT_MAX
#define OW_LP_EXACT_MAX 400        /* A types x B types solved exactly too */
#endif
#ifndef OW_LP_MAX_BINDING
#define OW_LP_MAX_BINDING 10000    /* binding constraints listed */
#endif

/* ------------------------------------------------------------ the program */

typedef struct lpb {
    glp_prob *lp;
    int *ia, *ja;
    double *ar;
    size_t ne, cap;
} lpb;

static int lpb_add(lpb *b, int row, int col, double v)
{
    if (v == 0) return 0;
    if (b->ne + 1 >= b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 4096;
        int *ia = realloc(b->ia, nc * sizeof *ia);
        if (!ia) return -1;
        b->ia = ia;
        int *ja = realloc(b->ja, nc * sizeof *ja);
        if (!ja) return -1;
        b->ja = ja;
        double *ar = realloc(b->ar, nc * sizeof *ar);
        if (!ar) return -1;
        b->ar = ar;
        b->cap = nc;
    }
    b->ne++;
    b->ia[b->ne] = row; b->ja[b->ne] = col; b->ar[b->ne] = v;
    return 0;
}

static void lpb_free(lpb *b)
{
    if (b->lp) glp_delete_prob(b->lp);
    free(b->ia); free(b->ja); free(b->ar);
    memset(b, 0, sizeof *b);
}

typedef struct hookctx { ow_lp_progress_fn fn; void *arg; } hookctx;

static int term_hook(void *info, const char *s)
{
    hookctx *h = info;
    if (h && h->fn) h->fn(s, h->arg);
    return 1;                                   /* GLPK itself prints nothing */
}

/* the game on the table: u (n*m), alpha, w (T*m), Nash payoffs */
typedef struct tab {
    size_t n, T, m;
    const double *u, *al;
    double *w;          /* T*m */
    const double *pi;
    double *MA;         /* n: max_a u_ia */
    double *NB;         /* T: B's Nash payoff */
    double *q;          /* m */
    size_t *eff;        /* n*T: efficient action */
    double scale;
} tab;

static void tab_free(tab *t) { free(t->w); free(t->MA); free(t->NB); free(t->q); free(t->eff); }

static ow_status tab_init(tab *t, const ow_game *g, const ow_atable *at, ow_error *err)
{
    memset(t, 0, sizeof *t);
    size_t n = ow_atable_size(at), T = g->T, m = g->m, k = g->k;
    t->n = n; t->T = T; t->m = m;
    t->u = &at->u[0]; t->al = at->p; t->pi = g->pi;
    t->w = malloc(T * m * sizeof *t->w);
    t->MA = malloc(n * sizeof *t->MA);
    t->NB = malloc(T * sizeof *t->NB);
    t->q = calloc(m, sizeof *t->q);
    t->eff = malloc(n * T * sizeof *t->eff);
    if (!t->w || !t->MA || !t->NB || !t->q || !t->eff) { tab_free(t); return ow__fail(err, OW_ENOMEM, "out of memory"); }
    double sc = 0;
    for (size_t j = 0; j < T; j++)
        for (size_t a = 0; a < m; a++) { t->w[j * m + a] = ow__best_B(g, j, a, NULL); sc = fmax(sc, fabs(t->w[j * m + a])); }
    for (size_t i = 0; i < n; i++) {
        const double *ui = t->u + i * m;
        size_t s = 0;
        for (size_t a = 1; a < m; a++) if (ui[a] > ui[s]) s = a;
        t->MA[i] = ui[s];
        t->q[s] += t->al[i];
        for (size_t a = 0; a < m; a++) sc = fmax(sc, fabs(ui[a]));
    }
    for (size_t j = 0; j < T; j++) {
        double best = -INFINITY;
        for (size_t b = 0; b < k; b++) {
            double v = 0;
            for (size_t a = 0; a < m; a++) v += t->q[a] * ow__ub(g, j, a)[b];
            if (v > best + ow__tol(best)) best = v;
        }
        t->NB[j] = best;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < T; j++) {
            size_t s = 0;
            double bv = t->u[i * m] + t->w[j * m];
            for (size_t a = 1; a < m; a++) {
                double v = t->u[i * m + a] + t->w[j * m + a];
                if (v > bv + ow__tol(bv)) { bv = v; s = a; }
            }
            t->eff[i * T + j] = s;
        }
    t->scale = sc > 1 ? sc : 1;
    return OW_OK;
}

/* ------------------------------------------------------------ verification */

/* Re-check a mechanism from scratch: x the lotteries, tA what A receives
 * and tB what B pays for each report pair (the same array when budget
 * balanced, bb = 1, which is checked too): interim payoffs of truth and
 * of every lie, IR, lotteries; fills payoffs and (optionally) the binding
 * IR/IC constraints.  Returns the largest violation. */
static double verify(const tab *tb, const double *x, const double *tA, const double *tB,
                     int bb, int nonneg, double *pA, double *pB,
                     ow_binding *bind, size_t *nbind)
{
    size_t n = tb->n, T = tb->T, m = tb->m;
    double viol = 0, tol = 1e-9 * tb->scale;
    /* interim allocation and payment of each report, from x and t alone */
    double *QA = calloc(n * m, sizeof *QA), *QB = calloc(T * m, sizeof *QB);
    double *PA = calloc(n, sizeof *PA), *PB = calloc(T, sizeof *PB);
    if (!QA || !QB || !PA || !PB) { free(QA); free(QB); free(PA); free(PB); return INFINITY; }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < T; j++) {
            const double *xc = x + (i * T + j) * m;
            double s = 0;
            for (size_t a = 0; a < m; a++) {
                viol = fmax(viol, fmax(-xc[a], xc[a] - 1));
                s += xc[a];
                QA[i * m + a] += tb->pi[j] * xc[a];
                QB[j * m + a] += tb->al[i] * xc[a];
            }
            viol = fmax(viol, fabs(s - 1));
            /* what A receives and B pays for reports (i, j) */
            double ta = tA[i * T + j], tbp = tB[i * T + j];
            PA[i] += tb->pi[j] * ta;
            PB[j] += tb->al[i] * tbp;
            if (bb) viol = fmax(viol, fabs(tbp - ta));            /* budget balance */
            if (nonneg) viol = fmax(viol, fmax(-ta, -tbp));       /* from B to A */
        }
    size_t nb = 0;
    double sumA = 0, sumB = 0;
    for (size_t i = 0; i < n; i++) {
        const double *ui = tb->u + i * m;
        double truth = PA[i];
        for (size_t a = 0; a < m; a++) truth += QA[i * m + a] * ui[a];
        sumA += tb->al[i] * truth;
        double ir = truth - tb->MA[i];
        viol = fmax(viol, -ir);
        if (bind && fabs(ir) <= tol && nb < OW_LP_MAX_BINDING) { memcpy(bind[nb].kind, "IR_A", 5); bind[nb].i = i; bind[nb].i2 = i; nb++; }
        for (size_t r = 0; r < n; r++) {
            if (r == i) continue;
            double lie = PA[r];
            for (size_t a = 0; a < m; a++) lie += QA[r * m + a] * ui[a];
            viol = fmax(viol, lie - truth);
            if (bind && fabs(truth - lie) <= tol && nb < OW_LP_MAX_BINDING) { memcpy(bind[nb].kind, "IC_A", 5); bind[nb].i = i; bind[nb].i2 = r; nb++; }
        }
    }
    for (size_t j = 0; j < T; j++) {
        const double *wj = tb->w + j * m;
        double truth = -PB[j];
        for (size_t a = 0; a < m; a++) truth += QB[j * m + a] * wj[a];
        sumB += tb->pi[j] * truth;
        double ir = truth - tb->NB[j];
        viol = fmax(viol, -ir);
        if (bind && fabs(ir) <= tol && nb < OW_LP_MAX_BINDING) { memcpy(bind[nb].kind, "IR_B", 5); bind[nb].i = j; bind[nb].i2 = j; nb++; }
        for (size_t r = 0; r < T; r++) {
            if (r == j) continue;
            double lie = -PB[r];
            for (size_t a = 0; a < m; a++) lie += QB[r * m + a] * wj[a];
            viol = fmax(viol, lie - truth);
            if (bind && fabs(truth - lie) <= tol && nb < OW_LP_MAX_BINDING) { memcpy(bind[nb].kind, "IC_B", 5); bind[nb].i = j; bind[nb].i2 = r; nb++; }
        }
    }
    if (nbind) *nbind = nb;
    *pA = sumA; *pB = sumB;
    free(QA); free(QB); free(PA); free(PB);
    return viol;
}

/* ------------------------------------------------------------ the solver */

/* column numbers (1-based) */
#define COL_X(i, j, a)  (1 + (int)(((i) * T + (j)) * m + (a)))
#define COL_QA(i, a)    (1 + (int)(nx + (i) * m + (a)))
#define COL_QB(j, a)    (1 + (int)(nx + n * m + (j) * m + (a)))
#define COL_TA(i)       (1 + (int)(nx + n * m + T * m + (i)))
#define COL_TB(j)       (1 + (int)(nx + n * m + T * m + n + (j)))

static ow_status run_simplex(glp_prob *lp, int exact, const ow_secondbest_options *o, ow_error *err,
                             const char *what)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = (o && o->progress) ? GLP_MSG_ON : GLP_MSG_OFF;
    int rc;
    if (exact) rc = glp_exact(lp, &parm);
    else {
        parm.presolve = GLP_ON;
        glp_scale_prob(lp, GLP_SF_AUTO);
        rc = glp_simplex(lp, &parm);
    }
    if (rc) return ow__fail(err, OW_ENUMERIC, "GLPK could not solve the %s program (code %d)", what, rc);
    int st = glp_get_status(lp);
    if (st != GLP_OPT)
        return ow__fail(err, OW_ENUMERIC, "GLPK ended the %s program without an optimum (status %d)", what, st);
    return OW_OK;
}

void ow_secondbest_free(ow_secondbest *s)
{
    if (!s) return;
    free(s->x); free(s->t); free(s->binding); free(s);
}

ow_secondbest *ow_secondbest_solve(const ow_game *g, const ow_atable *at,
                                   const ow_secondbest_options *o, ow_error *err)
{
    tab tb;
    if (tab_init(&tb, g, at, err)) return NULL;
    size_t n = tb.n, T = tb.T, m = tb.m, nx = n * T * m;
    ow_secondbest *r = calloc(1, sizeof *r);
    lpb B = { 0 };
    double *tA = NULL, *tBp = NULL, *xe = NULL;
    hookctx hook = { o ? o->progress : NULL, o ? o->progress_arg : NULL };
    glp_term_hook(term_hook, &hook);
    if (!r) goto nomem;
    r->nA = n; r->T = T; r->m = m;
    r->signed_payments = o && o->signed_payments;
    r->x = malloc(nx * sizeof *r->x);
    r->t = malloc(n * T * sizeof *r->t);
    r->binding = malloc(OW_LP_MAX_BINDING * sizeof *r->binding);
    tA = malloc(n * T * sizeof *tA);
    tBp = malloc(n * T * sizeof *tBp);
    xe = calloc(nx, sizeof *xe);
    if (!r->x || !r->t || !r->binding || !tA || !tBp || !xe) goto nomem;

    /* first best and Nash on the table */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < T; j++) {
            double p = tb.al[i] * tb.pi[j];
            size_t e = tb.eff[i * T + j];
            xe[(i * T + j) * m + e] = 1;
            r->fb_payoff_A += p * tb.u[i * m + e];
            r->fb_payoff_B += p * tb.w[j * m + e];
        }
    r->fb_welfare = r->fb_payoff_A + r->fb_payoff_B;
    for (size_t i = 0; i < n; i++) r->nash_payoff_A += tb.al[i] * tb.MA[i];
    for (size_t j = 0; j < T; j++) r->nash_payoff_B += tb.pi[j] * tb.NB[j];
    r->nash_welfare = r->nash_payoff_A + r->nash_payoff_B;

    /* ---- the second-best program */
    /* payments: non-negative report by report exist iff T_A >= 0 and
     * T_B >= 0 (then t_ij = T_A(i) T_B(j) / E has those means), so the
     * spec's convention is two bounds; signed payments drop them */
    int nonneg = !(o && o->signed_payments);
    size_t ncols = nx + n * m + T * m + n + T;
    size_t nrows = n * T + n * m + T * m + 1 + n + T + n * (n - 1) + T * (T - 1);
    double nnz = (double)nx * 3 + (double)(n * (n - 1) + T * (T - 1)) * (double)(2 * m + 2) + (double)(n + T) * (double)(m + 2);
    if (nnz > OW_LP_MAX_NONZEROS || ncols > (size_t)INT32_MAX / 2 || nrows > (size_t)INT32_MAX / 2) {
        ow__fail(err, OW_ETOOBIG, "the second-best program would have %zu rows, %zu columns and %.3g entries, more than "
                 "OW_LP_MAX_NONZEROS (%d) allows: use fewer --points or fewer types", nrows, ncols, nnz, OW_LP_MAX_NONZEROS);
        goto fail;
    }
    B.lp = glp_create_prob();
    glp_set_prob_name(B.lp, "second-best");
    glp_set_obj_dir(B.lp, GLP_MAX);
    glp_add_cols(B.lp, (int)ncols);
    glp_add_rows(B.lp, (int)nrows);
    r->lp_rows = nrows; r->lp_cols = ncols;
    for (size_t c = 1; c <= nx; c++) glp_set_col_bnds(B.lp, (int)c, GLP_DB, 0, 1);
    for (size_t c = nx + 1; c <= nx + n * m + T * m; c++) glp_set_col_bnds(B.lp, (int)c, GLP_DB, 0, 1);
    for (size_t c = nx + n * m + T * m + 1; c <= ncols; c++) glp_set_col_bnds(B.lp, (int)c, nonneg ? GLP_LO : GLP_FR, 0, 0);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < m; a++) glp_set_obj_coef(B.lp, COL_QA(i, a), tb.al[i] * tb.u[i * m + a]);
    for (size_t j = 0; j < T; j++)
        for (size_t a = 0; a < m; a++) glp_set_obj_coef(B.lp, COL_QB(j, a), tb.pi[j] * tb.w[j * m + a]);
    int row = 0;
    int fail_mem = 0;
#define ADD(c, v) do { if (lpb_add(&B, row, (c), (v))) fail_mem = 1; } while (0)
    for (size_t i = 0; i < n; i++)                 /* lotteries */
        for (size_t j = 0; j < T; j++) {
            glp_set_row_bnds(B.lp, ++row, GLP_FX, 1, 1);
            for (size_t a = 0; a < m; a++) ADD(COL_X(i, j, a), 1);
        }
    for (size_t i = 0; i < n; i++)                 /* Q_A */
        for (size_t a = 0; a < m; a++) {
            glp_set_row_bnds(B.lp, ++row, GLP_FX, 0, 0);
            ADD(COL_QA(i, a), 1);
            for (size_t j = 0; j < T; j++) ADD(COL_X(i, j, a), -tb.pi[j]);
        }
    for (size_t j = 0; j < T; j++)                 /* Q_B */
        for (size_t a = 0; a < m; a++) {
            glp_set_row_bnds(B.lp, ++row, GLP_FX, 0, 0);
            ADD(COL_QB(j, a), 1);
            for (size_t i = 0; i < n; i++) ADD(COL_X(i, j, a), -tb.al[i]);
        }
    glp_set_row_bnds(B.lp, ++row, GLP_FX, 0, 0);   /* what A gets is what B pays */
    for (size_t i = 0; i < n; i++) ADD(COL_TA(i), tb.al[i]);
    for (size_t j = 0; j < T; j++) ADD(COL_TB(j), -tb.pi[j]);
    for (size_t i = 0; i < n; i++) {               /* IR_A */
        glp_set_row_bnds(B.lp, ++row, GLP_LO, tb.MA[i], 0);
        for (size_t a = 0; a < m; a++) ADD(COL_QA(i, a), tb.u[i * m + a]);
        ADD(COL_TA(i), 1);
    }
    for (size_t j = 0; j < T; j++) {               /* IR_B */
        glp_set_row_bnds(B.lp, ++row, GLP_LO, tb.NB[j], 0);
        for (size_t a = 0; a < m; a++) ADD(COL_QB(j, a), tb.w[j * m + a]);
        ADD(COL_TB(j), -1);
    }
    for (size_t i = 0; i < n; i++)                 /* IC_A */
        for (size_t i2 = 0; i2 < n; i2++) {
            if (i2 == i) continue;
            glp_set_row_bnds(B.lp, ++row, GLP_LO, 0, 0);
            for (size_t a = 0; a < m; a++) { ADD(COL_QA(i, a), tb.u[i * m + a]); ADD(COL_QA(i2, a), -tb.u[i * m + a]); }
            ADD(COL_TA(i), 1); ADD(COL_TA(i2), -1);
        }
    for (size_t j = 0; j < T; j++)                 /* IC_B */
        for (size_t j2 = 0; j2 < T; j2++) {
            if (j2 == j) continue;
            glp_set_row_bnds(B.lp, ++row, GLP_LO, 0, 0);
            for (size_t a = 0; a < m; a++) { ADD(COL_QB(j, a), tb.w[j * m + a]); ADD(COL_QB(j2, a), -tb.w[j * m + a]); }
            ADD(COL_TB(j), -1); ADD(COL_TB(j2), 1);
        }
#undef ADD
    if (fail_mem) goto nomem;
    glp_load_matrix(B.lp, (int)B.ne, B.ia, B.ja, B.ar);
    if (hook.fn) hook.fn("second best: solving the program with GLPK's simplex\n", hook.arg);
    if (run_simplex(B.lp, 0, o, err, "second-best")) goto fail;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < T; j++)
            for (size_t a = 0; a < m; a++) r->x[(i * T + j) * m + a] = glp_get_col_prim(B.lp, COL_X(i, j, a));
    double E = 0;
    for (size_t i = 0; i < n; i++) E += tb.al[i] * glp_get_col_prim(B.lp, COL_TA(i));
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < T; j++)
            r->t[i * T + j] = !nonneg ? glp_get_col_prim(B.lp, COL_TA(i)) + glp_get_col_prim(B.lp, COL_TB(j)) - E
                            : E > 0 ? fmax(0, glp_get_col_prim(B.lp, COL_TA(i))) * fmax(0, glp_get_col_prim(B.lp, COL_TB(j))) / E
                            : 0;
    int small = (o && o->exact == 1) || ((!o || o->exact == 0) && n * T <= OW_LP_EXACT_MAX);
    if (small) {
        if (hook.fn) hook.fn("second best: checking with GLPK's exact rational simplex\n", hook.arg);
        if (run_simplex(B.lp, 1, o, err, "second-best (exact)")) goto fail;
        r->exact_sb_welfare = glp_get_obj_val(B.lp);
    }
    lpb_free(&B);
    r->sb_violation = verify(&tb, r->x, r->t, r->t, 1, nonneg, &r->sb_payoff_A, &r->sb_payoff_B, r->binding, &r->nbinding);
    r->sb_welfare = r->sb_payoff_A + r->sb_payoff_B;

    /* ---- the least subsidy for the efficient allocation */
    size_t lcols = n + T, lrows = n + T + n * (n - 1) + T * (T - 1);
    B.lp = glp_create_prob();
    glp_set_prob_name(B.lp, "least-subsidy");
    glp_set_obj_dir(B.lp, GLP_MIN);
    glp_add_cols(B.lp, (int)lcols);
    glp_add_rows(B.lp, (int)lrows);
    double *qa = calloc(n * m, sizeof *qa), *qb = calloc(T * m, sizeof *qb);
    if (!qa || !qb) { free(qa); free(qb); goto nomem; }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < T; j++) {
            size_t e = tb.eff[i * T + j];
            qa[i * m + e] += tb.pi[j];
            qb[j * m + e] += tb.al[i];
        }
    int kind = nonneg ? GLP_LO : GLP_FR;          /* A receives, B pays: never negative */
    for (size_t i = 0; i < n; i++) { glp_set_col_bnds(B.lp, (int)(1 + i), kind, 0, 0); glp_set_obj_coef(B.lp, (int)(1 + i), tb.al[i]); }
    for (size_t j = 0; j < T; j++) { glp_set_col_bnds(B.lp, (int)(1 + n + j), kind, 0, 0); glp_set_obj_coef(B.lp, (int)(1 + n + j), -tb.pi[j]); }
    row = 0;
#define ADD(c, v) do { if (lpb_add(&B, row, (c), (v))) fail_mem = 1; } while (0)
    for (size_t i = 0; i < n; i++) {
        double v = 0;
        for (size_t a = 0; a < m; a++) v += qa[i * m + a] * tb.u[i * m + a];
        glp_set_row_bnds(B.lp, ++row, GLP_LO, tb.MA[i] - v, 0);
        ADD((int)(1 + i), 1);
    }
    for (size_t j = 0; j < T; j++) {
        double v = 0;
        for (size_t a = 0; a < m; a++) v += qb[j * m + a] * tb.w[j * m + a];
        glp_set_row_bnds(B.lp, ++row, GLP_UP, 0, v - tb.NB[j]);
        ADD((int)(1 + n + j), 1);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t i2 = 0; i2 < n; i2++) {
            if (i2 == i) continue;
            double v = 0;
            for (size_t a = 0; a < m; a++) v += (qa[i * m + a] - qa[i2 * m + a]) * tb.u[i * m + a];
            glp_set_row_bnds(B.lp, ++row, GLP_LO, -v, 0);
            ADD((int)(1 + i), 1); ADD((int)(1 + i2), -1);
        }
    for (size_t j = 0; j < T; j++)
        for (size_t j2 = 0; j2 < T; j2++) {
            if (j2 == j) continue;
            double v = 0;
            for (size_t a = 0; a < m; a++) v += (qb[j * m + a] - qb[j2 * m + a]) * tb.w[j * m + a];
            glp_set_row_bnds(B.lp, ++row, GLP_UP, 0, v);       /* T_B(j) - T_B(j2) <= v */
            ADD((int)(1 + n + j), 1); ADD((int)(1 + n + j2), -1);
        }
#undef ADD
    free(qa); free(qb);
    if (fail_mem) goto nomem;
    glp_load_matrix(B.lp, (int)B.ne, B.ia, B.ja, B.ar);
    if (hook.fn) hook.fn("least subsidy: solving the program with GLPK's simplex\n", hook.arg);
    if (run_simplex(B.lp, 0, o, err, "least-subsidy")) goto fail;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < T; j++) {
            tA[i * T + j] = glp_get_col_prim(B.lp, (int)(1 + i));
            tBp[i * T + j] = glp_get_col_prim(B.lp, (int)(1 + n + j));
        }
    r->subsidy = glp_get_obj_val(B.lp);
    if (small) {
        if (run_simplex(B.lp, 1, o, err, "least-subsidy (exact)")) goto fail;
        r->exact_subsidy = glp_get_obj_val(B.lp);
        r->exact_checked = 1;
    }
    lpb_free(&B);
    r->ls_violation = verify(&tb, xe, tA, tBp, 0, nonneg, &r->ls_payoff_A, &r->ls_payoff_B, NULL, NULL);
    free(tA); free(tBp); free(xe);
    tab_free(&tb);
    glp_term_hook(NULL, NULL);
    glp_free_env();
    return r;
nomem:
    ow__fail(err, OW_ENOMEM, "out of memory");
fail:
    lpb_free(&B);
    free(tA); free(tBp); free(xe);
    tab_free(&tb);
    ow_secondbest_free(r);
    glp_term_hook(NULL, NULL);
    glp_free_env();
    return NULL;
}
