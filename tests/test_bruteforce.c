/* test_bruteforce.c -- the engine against brute-force enumeration on small
 * random finite games with many ties.  The brute force below shares no code
 * with the engine: it evaluates every candidate payment (0 and every
 * Delta_A value) of every action, and in the bayes model every outside
 * action too, by direct sums over A's types, without the engine's sorting,
 * prefix scans or pruning. */
#include "helpers.h"
#include <gsl/gsl_rng.h>

#include "randgame.h"

static double tol(double x) { return isfinite(x) ? 1e-12 * fmax(1, fabs(x)) : 0; }

typedef struct bres { int a, b; double c, P, pA, pB; } bres;

/* brute-force solution for type j */
static void brute(const bg *g, int j, int bayes, bres *out, double *q, double *EM)
{
    int sN[MAXN];
    double M[MAXN];
    for (int a = 0; a < g->m; a++) q[a] = 0;
    *EM = 0;
    for (int i = 0; i < g->n; i++) {
        sN[i] = 0;
        for (int a = 1; a < g->m; a++) if (g->u[i][a] > g->u[i][sN[i]]) sN[i] = a;
        M[i] = g->u[i][sN[i]];
        q[sN[i]] += g->p[i];
        *EM += g->p[i] * M[i];
    }
    double best = -INFINITY;
    for (int a = 0; a < g->m; a++) {
        double w = -INFINITY;
        for (int c = 0; c < g->k; c++) w = fmax(w, g->ub[j][a][c]);
        /* outside option */
        double uO, rest[MAXK];
        int bO = 0;
        if (q[a] >= 1 - 1e-12) {
            uO = w;
            while (g->ub[j][a][bO] < w - tol(w)) bO++;
        } else {
            double mx = -INFINITY;
            for (int c = 0; c < g->k; c++) {
                rest[c] = 0;
                for (int a2 = 0; a2 < g->m; a2++) if (a2 != a) rest[c] += q[a2] * g->ub[j][a2][c];
                mx = fmax(mx, rest[c]);
            }
            while (rest[bO] < mx - tol(mx)) bO++;
            uO = mx / (1 - q[a]);
        }
        double x = w - uO;
        /* candidates in increasing order */
        double cand[MAXN + 1];
        int nc = 0;
        cand[nc++] = 0;
        for (int i = 0; i < g->n; i++) {
            double d = M[i] - g->u[i][a];
            if (d > 0) cand[nc++] = d;
        }
        for (int s1 = 1; s1 < nc; s1++)
            for (int s2 = s1; s2 > 0 && cand[s2] < cand[s2 - 1]; s2--) {
                double t = cand[s2]; cand[s2] = cand[s2 - 1]; cand[s2 - 1] = t;
            }
        for (int ci = 0; ci < nc; ci++) {
            double c = cand[ci];
            if (!bayes && (c > x && c > 0)) continue;
            for (int b = 0; b < (bayes ? g->k : 1); b++) {
                int bb = bayes ? b : bO;
                double P = 0, pA = 0, pB = 0;
                for (int i = 0; i < g->n; i++) {
                    int acc = M[i] - g->u[i][a] <= c;
                    P += acc * g->p[i];
                    pA += g->p[i] * (acc ? g->u[i][a] + c : M[i]);
                    pB += g->p[i] * (acc ? w - c : g->ub[j][sN[i]][bb]);
                }
                double v = bayes ? pB : uO + P * (x - c);
                if (v > best + tol(best)) {
                    best = v;
                    out->a = a; out->b = bb; out->c = c; out->P = P; out->pA = pA; out->pB = pB;
                }
            }
        }
    }
}

static void run(int discrete, int model)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345 + (unsigned long)(discrete * 2 + model));
    for (int t = 0; t < 300; t++) {
        bg b;
        gen(r, &b, discrete);
        char *json = to_json(&b, discrete);
        ow_game *g = load_ok(json);
        ow_workspace *w = ws_ok(g);
        ow_solution *s = solve_ok(w, (ow_model)model);
        double q[MAXM], EM = 0, opt = 0, ratio = 0;
        for (int j = 0; j < b.T; j++) {
            bres br = { 0, 0, 0, 0, 0, 0 };
            brute(&b, j, model, &br, q, &EM);
            const ow_offer *o = &s->offers[j];
            assert_close(o->payoff_B, br.pB, 1e-12);
            if (model == OW_MODEL_PAPER) {
                assert_int_equal(o->action, (size_t)br.a);
                assert_close(o->payment, br.c, 1e-12);
                assert_close(o->accept_prob, br.P, 1e-12);
                assert_close(o->payoff_A, br.pA, 1e-12);
            }
            /* full-information optimum and Definition 2, by direct sums */
            for (int i = 0; i < b.n; i++) {
                int sn = 0;
                for (int a = 1; a < b.m; a++) if (b.u[i][a] > b.u[i][sn]) sn = a;
                double best = -INFINITY;
                for (int a = 0; a < b.m; a++) {
                    double wa = -INFINITY;
                    for (int c = 0; c < b.k; c++) wa = fmax(wa, b.ub[j][a][c]);
                    best = fmax(best, b.u[i][a] + wa);
                }
                opt += b.pi[j] * b.p[i] * best;
                double swn = b.u[i][sn] + b.ub[j][sn][s->nash_B[j]];
                ratio += b.pi[j] * b.p[i] * best / swn;
            }
        }
        for (int a = 0; a < b.m; a++) assert_close(s->q[a], q[a], 1e-12);
        assert_close(s->nash_payoff_A, EM, 1e-12);
        assert_close(s->opt_welfare, opt, 1e-12);
        assert_close(s->poa_nash_expected, ratio, 1e-12);
        ow_solution_free(s);
        ow_workspace_free(w);
        ow_game_free(g);
        free(json);
    }
    gsl_rng_free(r);
}

static void paper_model_should_match_brute_force_on_samples(void **s) { (void)s; run(0, OW_MODEL_PAPER); }
static void paper_model_should_match_brute_force_on_discrete(void **s) { (void)s; run(1, OW_MODEL_PAPER); }
static void bayes_model_should_match_brute_force_on_samples(void **s) { (void)s; run(0, OW_MODEL_BAYES); }
static void bayes_model_should_match_brute_force_on_discrete(void **s) { (void)s; run(1, OW_MODEL_BAYES); }

static void bayes_should_never_give_B_less_than_paper(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    for (int t = 0; t < 300; t++) {
        bg b;
        gen(r, &b, t % 2);
        char *json = to_json(&b, t % 2);
        ow_game *g = load_ok(json);
        ow_workspace *w = ws_ok(g);
        ow_solution *p = solve_ok(w, OW_MODEL_PAPER), *y = solve_ok(w, OW_MODEL_BAYES);
        for (int j = 0; j < b.T; j++)
            if (y->offers[j].payoff_B < p->offers[j].payoff_B - 1e-12 * fmax(1, fabs(p->offers[j].payoff_B)))
                fail_msg("game %d type %d: bayes %.17g < paper %.17g", t, j, y->offers[j].payoff_B, p->offers[j].payoff_B);
        /* and A is never worse off than alone (Proposition 2) */
        for (int j = 0; j < b.T; j++) assert_true(p->offers[j].payoff_A >= p->nash_payoff_A - 1e-12);
        ow_solution_free(p); ow_solution_free(y);
        ow_workspace_free(w); ow_game_free(g); free(json);
    }
    gsl_rng_free(r);
}

/* A's answer to a schedule by backward induction, against enumerating her
 * stopping rules: she accepts at step i iff no later stopping step gives
 * her more in expectation */
static void schedule_answer_should_be_the_best_stopping_rule(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int t = 0; t < 20000; t++) {
        size_t n = 1 + gsl_rng_uniform_int(r, 4), i = gsl_rng_uniform_int(r, n);
        double c[4], p[4], delta = 10 * gsl_rng_uniform(r);
        for (size_t k = 0; k < n; k++) { c[k] = (double)gsl_rng_uniform_int(r, 12); p[k] = k ? (double)gsl_rng_uniform_int(r, 5) / 4 : 1; }
        /* value of "accept the first offer at or after step s" for s > i */
        double best_later = 0;
        for (size_t s = i + 1; s < n; s++) {
            double reach = 1;
            for (size_t k = i + 1; k <= s; k++) reach *= p[k];
            best_later = fmax(best_later, reach * (c[s] - delta));
        }
        /* A learns nothing from the coins, so her stopping rules are "accept
         * at step s if it is reached": rejecting now is worth the best of
         * them, or 0 */
        int acc = ow_schedule_accepts(delta, c, p, n, i);
        double now = c[i] - delta, wait = fmax(0, best_later);
        if (fabs(now - wait) > 1e-9) assert_int_equal(acc, now > wait);
        if (n == 1) assert_int_equal(acc, delta <= c[0]);
    }
    gsl_rng_free(r);
}

/* More than 256 actions: the Nash action of each entry is stored in 32
 * bits, not 8.  The optimum, Definition 2 and true offer outcomes against
 * direct sums over the rows. */
static void wide_games_should_match_direct_sums(void **state)
{
    (void)state;
    enum { M = 300, N = 40, K2 = 2, T2 = 2 };
    static double u[N][M], ub[T2][M][K2];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 777);
    size_t cap = 1 << 20;
    char *js = malloc(cap), *q = js;
    q += sprintf(q, "{\"oneway\":1,\"A\":{\"actions\":[");
    q = put_names(q, "a", M);
    q += sprintf(q, "],\"types\":{\"samples\":[");
    for (int i = 0; i < N; i++) {
        q += sprintf(q, "%s[", i ? "," : "");
        for (int a = 0; a < M; a++) {
            u[i][a] = (double)gsl_rng_uniform_int(r, 30);
            q += sprintf(q, "%s%g", a ? "," : "", u[i][a]);
        }
        q += sprintf(q, "]");
    }
    q += sprintf(q, "]}},\"B\":{\"actions\":[\"b0\",\"b1\"],\"types\":[");
    for (int j = 0; j < T2; j++) {
        q += sprintf(q, "%s{\"prob\":0.5,\"payoff\":[", j ? "," : "");
        for (int a = 0; a < M; a++) {
            for (int b = 0; b < K2; b++) ub[j][a][b] = (double)gsl_rng_uniform_int(r, 25);
            q += sprintf(q, "%s[%g,%g]", a ? "," : "", ub[j][a][0], ub[j][a][1]);
        }
        q += sprintf(q, "]}");
    }
    sprintf(q, "]}}");
    ow_game *g = load_ok(js);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, OW_MODEL_PAPER);
    int sN[N];
    for (int i = 0; i < N; i++) {
        sN[i] = 0;
        for (int a = 1; a < M; a++) if (u[i][a] > u[i][sN[i]]) sN[i] = a;
    }
    double opt = 0, ratio = 0;
    for (int j = 0; j < T2; j++)
        for (int i = 0; i < N; i++) {
            double best = -INFINITY;
            for (int a = 0; a < M; a++) best = fmax(best, u[i][a] + fmax(ub[j][a][0], ub[j][a][1]));
            opt += 0.5 * best / N;
            ratio += 0.5 * best / (u[i][sN[i]] + ub[j][sN[i]][s->nash_B[j]]) / N;
        }
    assert_close(s->opt_welfare, opt, 1e-12);
    assert_close(s->poa_nash_expected, ratio, 1e-12);
    for (int t = 0; t < 200; t++) {
        size_t j = gsl_rng_uniform_int(r, T2), a = gsl_rng_uniform_int(r, M), b = gsl_rng_uniform_int(r, K2);
        double c = (double)gsl_rng_uniform_int(r, 12), wa = fmax(ub[j][a][0], ub[j][a][1]), P = 0, pB = 0;
        for (int i = 0; i < N; i++) {
            int acc = u[i][sN[i]] - u[i][a] <= c;
            P += acc / (double)N;
            pB += (acc ? wa - c : ub[j][sN[i]][b]) / N;
        }
        ow_offer o;
        ow_error e = { OW_OK, "" };
        assert_int_equal(ow_offer_eval(w, j, a, c, b, &o, &e), OW_OK);
        assert_close(o.accept_prob, P, 1e-12);
        assert_close(o.payoff_B, pB, 1e-12);
    }
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
    free(js);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paper_model_should_match_brute_force_on_samples),
        cmocka_unit_test(paper_model_should_match_brute_force_on_discrete),
        cmocka_unit_test(bayes_model_should_match_brute_force_on_samples),
        cmocka_unit_test(bayes_model_should_match_brute_force_on_discrete),
        cmocka_unit_test(bayes_should_never_give_B_less_than_paper),
        cmocka_unit_test(schedule_answer_should_be_the_best_stopping_rule),
        cmocka_unit_test(wide_games_should_match_direct_sums),
    };
    return cmocka_run_group_tests_name("bruteforce", tests, NULL, NULL);
}
