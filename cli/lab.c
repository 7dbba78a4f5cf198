/*
 * lab.c -- the mechanism lab on the command line: `oneway multi`,
 * `oneway secondbest`, `oneway pricing` and `oneway compare`.
 *
 * Like main.c, a thin shell: parse, call liboneway (oneway_mech.h), show a
 * table or one JSON document.  Exit status 2 for bad usage or input (the
 * message on stderr, nothing on stdout), 1 for anything else.
 */
#include "oneway.h"
#include "oneway_mech.h"
#include "lab.h"
#include "common.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct lab_args {
    const char *cmd, *game, *type, *action, *gamma, *prob;
    int json, model, quiet;
    uint64_t offers, restarts, seed, points, threads;
    int have_offers, have_points, exact, signed_pay;
} lab_args;


static int lab_fail(const ow_error *e)
{
    fprintf(stderr, "oneway: %s\n", e->msg);
    return cli_status(e->status);
}

static int lab_parse(int argc, char **argv, lab_args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = argv[1];
    a->seed = 1;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **dst = !strcmp(s, "--type") ? &a->type : !strcmp(s, "--action") ? &a->action
                         : !strcmp(s, "--gamma") ? &a->gamma : !strcmp(s, "--prob") ? &a->prob : NULL;
        if (!strcmp(s, "--json")) a->json = 1;
        else if (!strcmp(s, "--quiet")) a->quiet = 1;
        else if (!strcmp(s, "--signed")) a->signed_pay = 1;
        else if (!strcmp(s, "--exact") || !strcmp(s, "--no-exact")) a->exact = s[2] == 'e' ? 1 : -1;
        else if (dst) {
            if (!v) return cli_usage("%s needs a value", s);
            *dst = v; i++;
        } else if (!strcmp(s, "--model")) {
            if (!v) return cli_usage("%s needs a value (paper or bayes)", s);
            if ((a->model = ow_model_parse(v)) < 0) return cli_usage("unknown model '%s' (expected paper or bayes)", v);
            i++;
        } else if (!strcmp(s, "--offers") || !strcmp(s, "--restarts") || !strcmp(s, "--seed") ||
                   !strcmp(s, "--points") || !strcmp(s, "--threads")) {
            uint64_t x;
            if (!v) return cli_usage("%s needs a value", s);
            if (cli_u64(v, &x)) {
                fprintf(stderr, "oneway: %s expects a non-negative whole number, found '%s'\n", s, v);
                return 2;
            }
            if ((!strcmp(s, "--restarts") && (x < 1 || x > 100000)) || (!strcmp(s, "--points") && x > 1000000)) {
                fprintf(stderr, "oneway: %s expects a whole number from 1 to %s, found '%s'\n", s,
                        !strcmp(s, "--restarts") ? "100000" : "1000000", v);
                return 2;
            }
            if (!strcmp(s, "--offers")) { a->offers = x; a->have_offers = 1; }
            else if (!strcmp(s, "--restarts")) a->restarts = x;
            else if (!strcmp(s, "--seed")) a->seed = x;
            else if (!strcmp(s, "--points")) { a->points = x; a->have_points = 1; }
            else a->threads = x;
            i++;
        } else if (s[0] == '-' && s[1]) return cli_usage("unknown option '%s'", s);
        else if (!a->game) a->game = s;
        else return cli_usage("unexpected argument '%s'", s);
    }
    if (!a->game) return cli_usage("%s needs a game file", a->cmd);
    return 0;
}

static void emit(json_t *doc)
{
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    fputc('\n', stdout);
}

static json_t *num(double x) { return isnan(x) ? json_null() : json_real(x); }

/* B's type by name, else by 0-based index; (size_t)-1 if none */
static size_t find_type(const ow_game *g, const char *s)
{
    size_t T = ow_game_num_types_B(g);
    for (size_t j = 0; j < T; j++) if (!strcmp(ow_game_type_B(g, j), s)) return j;
    uint64_t x;
    if (!cli_u64(s, &x) && x < T) return (size_t)x;
    return (size_t)-1;
}

static size_t find_action(const ow_game *g, const char *s)
{
    size_t m = ow_game_num_actions_A(g);
    for (size_t a = 0; a < m; a++) if (!strcmp(ow_game_action_A(g, a), s)) return a;
    return (size_t)-1;
}


/* ------------------------------------------------------------------ multi */

static json_t *schedule_json(const ow_game *g, const ow_schedule *s, const ow_schedule_value *v)
{
    json_t *o = json_object(), *ga = json_array(), *pr = json_array(), *pay = json_array(), *acc = json_array();
    for (size_t i = 0; i < s->n; i++) {
        json_array_append_new(ga, json_real(s->gamma[i]));
        json_array_append_new(pr, json_real(s->prob[i]));
        json_array_append_new(pay, json_real(v->payment[i]));
        json_array_append_new(acc, json_real(v->accept_by_step[i]));
    }
    json_object_set_new(o, "action", json_string(ow_game_action_A(g, s->action)));
    json_object_set_new(o, "gamma", ga);
    json_object_set_new(o, "prob", pr);
    json_object_set_new(o, "payment", pay);
    json_object_set_new(o, "accept_by_step", acc);
    json_object_set_new(o, "accept_prob", json_real(v->accept_prob));
    json_object_set_new(o, "outside", json_string(ow_game_action_B(g, v->outside)));
    json_object_set_new(o, "payoff_A", json_real(v->payoff_A));
    json_object_set_new(o, "payoff_B", json_real(v->payoff_B));
    json_object_set_new(o, "welfare", json_real(v->welfare));
    json_object_set_new(o, "objective", json_real(v->objective));
    return o;
}

static void schedule_text(const char *title, const ow_game *g, const ow_schedule *s, const ow_schedule_value *v)
{
    printf("%s: action %s, %zu offer%s\n", title, ow_game_action_A(g, s->action), s->n, s->n == 1 ? "" : "s");
    printf("  %4s  %12s  %12s  %12s  %14s\n", "step", "gamma", "p", "payment", "Pr[accept]");
    for (size_t i = 0; i < s->n; i++)
        printf("  %4zu  %12.6g  %12.6g  %12.6g  %14.6g\n", i + 1, s->gamma[i], s->prob[i], v->payment[i], v->accept_by_step[i]);
    printf("  accepted %.6g;  payoff A %.10g  B %.10g  welfare %.10g  (B's objective %.10g)\n",
           v->accept_prob, v->payoff_A, v->payoff_B, v->welfare, v->objective);
}

static int cmd_multi(const lab_args *a)
{
    ow_error err = { OW_OK, "" };
    if (!a->type) return cli_usage("%s", "multi needs --type T (a B type's name or index)");
    if (a->gamma && a->have_offers) return cli_usage("%s", "give either a schedule (--gamma, --prob) or --offers N to search, not both");
    if (!a->gamma && a->prob) return cli_usage("%s", "--prob needs --gamma");
    ow_game *g = ow_game_load(a->game, &err);
    if (!g) return lab_fail(&err);
    ow_workspace *w = NULL;
    json_t *doc = NULL;
    int rc = 0;
    size_t j = find_type(g, a->type);
    if (j == (size_t)-1) { fprintf(stderr, "oneway: no B type '%s' in %s\n", a->type, a->game); rc = 2; goto done; }
    long act = -1;
    if (a->action) {
        size_t x = find_action(g, a->action);
        if (x == (size_t)-1) { fprintf(stderr, "oneway: A has no action '%s' in %s\n", a->action, a->game); rc = 2; goto done; }
        act = (long)x;
    }
    if (!(w = ow_workspace_alloc(g, &err))) { rc = lab_fail(&err); goto done; }
    ow_schedule s;
    ow_schedule_value v, v4;
    memset(&s, 0, sizeof s);
    ow_multi_options mo;
    ow_multi_options_default(&mo);
    mo.model = (ow_model)a->model;
    if (a->gamma) {
        if (act < 0) { rc = cli_usage("%s", "a schedule needs --action A"); goto done; }
        long n = cli_numbers(a->gamma, s.gamma, OW_MAX_OFFERS);
        if (n == -2) { fprintf(stderr, "oneway: at most %d offers in a schedule\n", OW_MAX_OFFERS); rc = 2; goto done; }
        if (n <= 0) { fprintf(stderr, "oneway: --gamma expects comma-separated numbers, found '%s'\n", a->gamma); rc = 2; goto done; }
        s.n = (size_t)n;
        s.action = (size_t)act;
        if (a->prob) {
            long np = cli_numbers(a->prob, s.prob, OW_MAX_OFFERS);
            if (np < 0) { fprintf(stderr, "oneway: --prob expects comma-separated numbers, found '%s'\n", a->prob); rc = 2; goto done; }
            if (np != n) { fprintf(stderr, "oneway: --gamma has %ld values but --prob has %ld\n", n, np); rc = 2; goto done; }
        } else for (size_t i = 0; i < s.n; i++) s.prob[i] = 1;
        if (ow_schedule_eval(w, j, &s, mo.model, OW_RULE_BACKWARD, &v, &err)) { rc = lab_fail(&err); goto done; }
    } else {
        if (a->have_offers) mo.offers = a->offers;
        if (a->restarts) mo.restarts = a->restarts;
        mo.seed = a->seed;
        mo.action = act;
        if (ow_multi_optimise(w, j, &mo, &s, &v, &err)) { rc = lab_fail(&err); goto done; }
    }
    if (ow_schedule_eval(w, j, &s, mo.model, OW_RULE_CONDITION4, &v4, &err)) { rc = lab_fail(&err); goto done; }
    /* the single offer of the same model, and its objective */
    ow_offer so;
    if (ow_offer_solve(w, j, mo.model, &so, &err)) { rc = lab_fail(&err); goto done; }
    double so_obj = mo.model == OW_MODEL_BAYES ? so.payoff_B
                  : so.outside_value + so.accept_prob * (so.delta_B - so.payment);
    double gain = v.objective - so_obj;
    if (a->json) {
        doc = json_object();
        json_object_set_new(doc, "game", json_string(ow_game_name(g)));
        json_object_set_new(doc, "type", json_string(ow_game_type_B(g, j)));
        json_object_set_new(doc, "model", json_string(ow_model_name(mo.model)));
        json_object_set_new(doc, "mode", json_string(a->gamma ? "evaluate" : "optimise"));
        json_object_set_new(doc, "schedule", schedule_json(g, &s, &v));
        json_object_set_new(doc, "condition4", schedule_json(g, &s, &v4));
        json_t *sj = json_object();
        json_object_set_new(sj, "action", json_string(ow_game_action_A(g, so.action)));
        json_object_set_new(sj, "payment", json_real(so.payment));
        json_object_set_new(sj, "gamma", num(so.gamma));
        json_object_set_new(sj, "accept_prob", json_real(so.accept_prob));
        json_object_set_new(sj, "payoff_A", json_real(so.payoff_A));
        json_object_set_new(sj, "payoff_B", json_real(so.payoff_B));
        json_object_set_new(sj, "welfare", json_real(so.welfare));
        json_object_set_new(sj, "objective", json_real(so_obj));
        json_object_set_new(doc, "single_offer", sj);
        json_object_set_new(doc, "gain", json_real(gain));
        json_object_set_new(doc, "gain_payoff_B", json_real(v.payoff_B - so.payoff_B));
        if (!a->gamma) {
            json_t *se = json_object();
            json_object_set_new(se, "offers", json_integer((json_int_t)mo.offers));
            json_object_set_new(se, "restarts", json_integer((json_int_t)mo.restarts));
            json_object_set_new(se, "seed", json_integer((json_int_t)mo.seed));
            json_object_set_new(se, "method", json_string("Nelder-Mead simplex (GSL nmsimplex2) from every start, A by backward induction"));
            json_object_set_new(doc, "search", se);
        }
        emit(doc);
    } else {
        printf("game %s, B type %s, %s model\n\n", ow_game_name(g), ow_game_type_B(g, j), ow_model_name(mo.model));
        schedule_text(a->gamma ? "schedule (A by backward induction)" : "best schedule found (A by backward induction)", g, &s, &v);
        printf("\n");
        schedule_text("the same schedule, A by the paper's conditions (3)-(4)", g, &s, &v4);
        printf("\nsingle offer: action %s, payment %.10g, accepted %.6g; payoff B %.10g, welfare %.10g (objective %.10g)\n",
               ow_game_action_A(g, so.action), so.payment, so.accept_prob, so.payoff_B, so.welfare, so_obj);
        printf("gain of the schedule over the single offer (B's objective): %.3g\n", gain);
        if (!a->gamma) printf("(searched %zu-offer schedules, %zu starts per action, seed %llu)\n", mo.offers, mo.restarts,
                              (unsigned long long)mo.seed);
    }
done:
    json_decref(doc);
    ow_workspace_free(w);
    ow_game_free(g);
    return rc;
}

/* ------------------------------------------------------------- second best */

static void lp_progress(const char *text, void *arg)
{
    (void)arg;
    fputs(text, stderr);
}

static json_t *binding_json(const ow_game *g, const ow_secondbest *sb, size_t max)
{
    json_t *arr = json_array();
    char buf[600];
    for (size_t i = 0; i < sb->nbinding && i < max; i++) {
        const ow_binding *b = &sb->binding[i];
        int isB = b->kind[3] == 'B';
        if (b->kind[1] == 'R') {
            if (isB) snprintf(buf, sizeof buf, "IR_B[%s]", ow_game_type_B(g, b->i));
            else snprintf(buf, sizeof buf, "IR_A[%zu]", b->i);
        } else if (isB) snprintf(buf, sizeof buf, "IC_B[%s->%s]", ow_game_type_B(g, b->i), ow_game_type_B(g, b->i2));
        else snprintf(buf, sizeof buf, "IC_A[%zu->%zu]", b->i, b->i2);
        json_array_append_new(arr, json_string(buf));
    }
    return arr;
}

static json_t *mechanism_json(const ow_game *g, const ow_secondbest *sb)
{
    size_t n = sb->nA, T = sb->T, m = sb->m;
    json_t *o = json_object();
    if (n * T <= 400) {
        json_t *cells = json_array();
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < T; j++) {
                json_t *c = json_object(), *lot = json_object();
                for (size_t a = 0; a < m; a++) {
                    double x = sb->x[(i * T + j) * m + a];
                    if (fabs(x) > 1e-12) json_object_set_new(lot, ow_game_action_A(g, a), json_real(x));
                }
                json_object_set_new(c, "A", json_integer((json_int_t)i));
                json_object_set_new(c, "B", json_string(ow_game_type_B(g, j)));
                json_object_set_new(c, "lottery", lot);
                json_object_set_new(c, "payment", json_real(sb->t[i * T + j]));
                json_array_append_new(cells, c);
            }
        json_object_set_new(o, "cells", cells);
    } else {
        size_t det = 0;
        double tmin = INFINITY, tmax = -INFINITY;
        for (size_t c = 0; c < n * T; c++) {
            int d = 0;
            for (size_t a = 0; a < m; a++) if (sb->x[c * m + a] > 1 - 1e-9) d = 1;
            det += (size_t)d;
            tmin = fmin(tmin, sb->t[c]); tmax = fmax(tmax, sb->t[c]);
        }
        json_object_set_new(o, "report_pairs", json_integer((json_int_t)(n * T)));
        json_object_set_new(o, "deterministic_fraction", json_real((double)det / (double)(n * T)));
        json_object_set_new(o, "payment_min", json_real(tmin));
        json_object_set_new(o, "payment_max", json_real(tmax));
    }
    return o;
}

static json_t *trio(double w, double pa, double pb)
{
    json_t *o = json_object();
    json_object_set_new(o, "welfare", json_real(w));
    json_object_set_new(o, "payoff_A", json_real(pa));
    json_object_set_new(o, "payoff_B", json_real(pb));
    return o;
}

static int cmd_secondbest(const lab_args *a)
{
    ow_error err = { OW_OK, "" };
    ow_game *g = ow_game_load(a->game, &err);
    if (!g) return lab_fail(&err);
    int rc = 0;
    ow_secondbest *sb = NULL;
    json_t *doc = NULL;
    size_t K = a->have_points ? a->points : 64;
    if (a->have_points && ow_game_is_finite(g))
        fprintf(stderr, "oneway: note: A's types are finite; --points applies to continuous models only and is ignored\n");
    ow_atable *t = ow_atable_alloc(g, K, &err);
    if (!t) { rc = lab_fail(&err); goto done; }
    ow_secondbest_options so = { a->quiet ? NULL : lp_progress, NULL, a->exact, a->signed_pay };
    if (!(sb = ow_secondbest_solve(g, t, &so, &err))) { rc = lab_fail(&err); goto done; }
    if (a->json) {
        doc = json_object();
        json_object_set_new(doc, "game", json_string(ow_game_name(g)));
        json_t *dz = json_object();
        json_object_set_new(dz, "A_types", json_integer((json_int_t)sb->nA));
        json_object_set_new(dz, "B_types", json_integer((json_int_t)sb->T));
        json_object_set_new(dz, "discretised", json_boolean(ow_atable_discretised(t)));
        if (ow_atable_discretised(t)) {
            json_object_set_new(dz, "points", json_integer((json_int_t)K));
            json_object_set_new(dz, "method", json_string("midpoint quantiles (i + 1/2)/K per action, Latin hypercube across actions"));
        }
        json_object_set_new(doc, "types", dz);
        json_object_set_new(doc, "payments", json_string(sb->signed_payments ? "signed" : "non-negative, from B to A"));
        json_object_set_new(doc, "nash", trio(sb->nash_welfare, sb->nash_payoff_A, sb->nash_payoff_B));
        json_object_set_new(doc, "first_best", trio(sb->fb_welfare, sb->fb_payoff_A, sb->fb_payoff_B));
        json_t *s2 = trio(sb->sb_welfare, sb->sb_payoff_A, sb->sb_payoff_B);
        json_object_set_new(s2, "poa", num(sb->sb_welfare > 0 ? sb->fb_welfare / sb->sb_welfare : NAN));
        json_object_set_new(s2, "binding", binding_json(g, sb, 1000));
        json_object_set_new(s2, "binding_total", json_integer((json_int_t)sb->nbinding));
        json_object_set_new(s2, "max_violation", json_real(sb->sb_violation));
        json_object_set_new(s2, "mechanism", mechanism_json(g, sb));
        json_object_set_new(doc, "second_best", s2);
        json_t *ls = json_object();
        json_object_set_new(ls, "subsidy", json_real(sb->subsidy));
        json_object_set_new(ls, "welfare", json_real(sb->fb_welfare));
        json_object_set_new(ls, "payoff_A", json_real(sb->ls_payoff_A));
        json_object_set_new(ls, "payoff_B", json_real(sb->ls_payoff_B));
        json_object_set_new(ls, "max_violation", json_real(sb->ls_violation));
        json_object_set_new(doc, "least_subsidy", ls);
        json_t *ex = json_object();
        json_object_set_new(ex, "ran", json_boolean(sb->exact_checked));
        if (sb->exact_checked) {
            json_object_set_new(ex, "second_best_welfare", json_real(sb->exact_sb_welfare));
            json_object_set_new(ex, "subsidy", json_real(sb->exact_subsidy));
        }
        json_object_set_new(doc, "exact_check", ex);
        json_t *lp = json_object();
        json_object_set_new(lp, "rows", json_integer((json_int_t)sb->lp_rows));
        json_object_set_new(lp, "columns", json_integer((json_int_t)sb->lp_cols));
        json_object_set_new(doc, "program", lp);
        emit(doc);
    } else {
        printf("game %s: %zu A types%s x %zu B types; program %zu rows x %zu columns\n\n", ow_game_name(g), sb->nA,
               ow_atable_discretised(t) ? " (discretised)" : "", sb->T, sb->lp_rows, sb->lp_cols);
        printf("  %-34s %16s %16s %16s\n", "", "welfare", "payoff A", "payoff B");
        printf("  %-34s %16.10g %16.10g %16.10g\n", "Nash (no payments)", sb->nash_welfare, sb->nash_payoff_A, sb->nash_payoff_B);
        printf("  %-34s %16.10g %16.10g %16.10g\n", "second best (BB, BNIC, interim IR)", sb->sb_welfare, sb->sb_payoff_A, sb->sb_payoff_B);
        printf("  %-34s %16.10g %16.10g %16.10g\n", "first best (efficient)", sb->fb_welfare, sb->fb_payoff_A, sb->fb_payoff_B);
        printf("  %-34s %16.10g %16.10g %16.10g\n", "efficient with least subsidy", sb->fb_welfare, sb->ls_payoff_A, sb->ls_payoff_B);
        printf("\nleast expected subsidy for the efficient allocation: %.10g\n", sb->subsidy);
        printf("re-checked constraint by constraint: largest violation %.3g (second best), %.3g (least subsidy)\n",
               sb->sb_violation, sb->ls_violation);
        if (sb->exact_checked)
            printf("exact rational simplex: second-best welfare %.15g, subsidy %.15g\n", sb->exact_sb_welfare, sb->exact_subsidy);
        printf("binding constraints of the second best: %zu", sb->nbinding);
        json_t *bj = binding_json(g, sb, 12);
        for (size_t i = 0; i < json_array_size(bj); i++) printf("%s%s", i ? ", " : " (", json_string_value(json_array_get(bj, i)));
        printf("%s\n", json_array_size(bj) ? (sb->nbinding > 12 ? ", ...)" : ")") : "");
        json_decref(bj);
    }
done:
    json_decref(doc);
    ow_secondbest_free(sb);
    ow_atable_free(t);
    ow_game_free(g);
    return rc;
}

/* ----------------------------------------------------------------- pricing */

static int cmd_pricing(const lab_args *a)
{
    ow_error err = { OW_OK, "" };
    ow_game *g = ow_game_load(a->game, &err);
    if (!g) return lab_fail(&err);
    int rc = 0;
    ow_workspace *w = NULL;
    ow_pricing *p = NULL;
    ow_solution *sol = NULL;
    json_t *doc = NULL;
    if (!(w = ow_workspace_alloc(g, &err))) { rc = lab_fail(&err); goto done; }
    ow_pricing_options po;
    ow_pricing_options_default(&po);
    if (a->restarts) po.restarts = a->restarts;
    po.seed = a->seed;
    po.exact = a->exact;
    if (!(p = ow_pricing_solve(w, &po, &err))) { rc = lab_fail(&err); goto done; }
    ow_solve_options so;
    ow_solve_options_default(&so);
    so.mc_samples = 0;
    if (!(sol = ow_solve(w, &so, &err))) { rc = lab_fail(&err); goto done; }
    double poa = p->welfare > 0 ? sol->opt_welfare / p->welfare : NAN;
    size_t m = ow_game_num_actions_A(g), T = ow_game_num_types_B(g);
    if (a->json) {
        doc = json_object();
        json_object_set_new(doc, "game", json_string(ow_game_name(g)));
        json_t *rw = json_object(), *pt = json_array();
        for (size_t j = 0; j < T; j++) {
            json_t *r = json_object();
            for (size_t x = 0; x < m; x++) json_object_set_new(r, ow_game_action_A(g, x), json_real(p->rewards[j * m + x]));
            json_object_set_new(rw, ow_game_type_B(g, j), r);
            json_t *t = json_object();
            json_object_set_new(t, "type", json_string(ow_game_type_B(g, j)));
            json_object_set_new(t, "payoff_B", json_real(p->payoff_B_type[j]));
            json_object_set_new(t, "optimal", json_boolean(p->optimal[j]));
            json_array_append_new(pt, t);
        }
        json_object_set_new(doc, "rewards", rw);
        json_object_set_new(doc, "welfare", json_real(p->welfare));
        json_object_set_new(doc, "payoff_A", json_real(p->payoff_A));
        json_object_set_new(doc, "payoff_B", json_real(p->payoff_B));
        json_object_set_new(doc, "poa", num(poa));
        json_object_set_new(doc, "optimal", json_boolean(p->all_optimal));
        json_object_set_new(doc, "method", json_string(p->all_optimal ? "mixed-integer program (GLPK), proved optimal"
                            : ow_game_is_finite(g) ? "best of a coordinate search from many starts: a local optimum"
                            : "best of Nelder-Mead from many starts, payoffs by integration: a local optimum"));
        json_object_set_new(doc, "per_type", pt);
        json_object_set_new(doc, "nash_welfare", json_real(sol->nash_welfare));
        json_object_set_new(doc, "opt_welfare", json_real(sol->opt_welfare));
        emit(doc);
    } else {
        printf("game %s: item pricing (B posts a reward per action of A)\n\n", ow_game_name(g));
        printf("  %-20s", "B type");
        for (size_t x = 0; x < m; x++) printf(" %14.14s", ow_game_action_A(g, x));
        printf(" %14s  %s\n", "payoff B", "optimal");
        for (size_t j = 0; j < T; j++) {
            printf("  %-20.20s", ow_game_type_B(g, j));
            for (size_t x = 0; x < m; x++) printf(" %14.8g", p->rewards[j * m + x]);
            printf(" %14.8g  %s\n", p->payoff_B_type[j], p->optimal[j] ? "yes (exact search)" : "local optimum");
        }
        printf("\nwelfare %.10g (Nash %.10g, optimum %.10g), payoff A %.10g, payoff B %.10g, PoA %.6g\n",
               p->welfare, sol->nash_welfare, sol->opt_welfare, p->payoff_A, p->payoff_B, poa);
    }
done:
    json_decref(doc);
    ow_solution_free(sol);
    ow_pricing_free(p);
    ow_workspace_free(w);
    ow_game_free(g);
    return rc;
}

/* ----------------------------------------------------------------- compare */

static int cmd_compare(const lab_args *a)
{
    ow_error err = { OW_OK, "" };
    ow_game *g = ow_game_load(a->game, &err);
    if (!g) return lab_fail(&err);
    int rc = 0;
    ow_workspace *w = NULL;
    json_t *doc = NULL;
    if (!(w = ow_workspace_alloc(g, &err))) { rc = lab_fail(&err); goto done; }
    ow_compare_options co;
    ow_compare_options_default(&co);
    if (a->have_offers) co.offers = a->offers;
    if (a->restarts) co.restarts = a->restarts;
    if (a->have_points) co.points = a->points;
    co.seed = a->seed;
    if (!a->quiet) {
        fprintf(stderr, "oneway: comparing mechanisms on %s ...\n", ow_game_name(g));
        co.progress = lp_progress;
    }
    if (!(doc = ow_compare(w, &co, &err))) { rc = lab_fail(&err); goto done; }
    if (a->json) emit(doc);
    else {
        json_t *rows = json_object_get(doc, "mechanisms");
        printf("game %s: every mechanism (optimum welfare %.10g)\n\n", ow_game_name(g), json_real_value(json_object_get(doc, "opt_welfare")));
        printf("  %-24s %14s %14s %14s %8s  %-3s %-3s %-3s\n", "mechanism", "welfare", "payoff A", "payoff B", "PoA", "BB", "IC", "IR");
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) {
            printf("  %-24s", json_string_value(json_object_get(r, "name")));
            const char *f[] = { "welfare", "payoff_A", "payoff_B" };
            for (int x = 0; x < 3; x++) {
                json_t *v = json_object_get(r, f[x]);
                if (json_is_number(v)) printf(" %14.8g", json_number_value(v)); else printf(" %14s", "-");
            }
            json_t *p = json_object_get(r, "poa");
            if (json_is_number(p)) printf(" %8.5f", json_number_value(p)); else printf(" %8s", "-");
            const char *pk[] = { "budget_balanced", "incentive_compatible", "individually_rational" };
            printf(" ");
            for (int x = 0; x < 3; x++) {
                json_t *b = json_object_get(r, pk[x]);
                printf(" %-3s", json_is_true(b) ? "yes" : json_is_false(b) ? "no" : "-");
            }
            printf("\n");
        }
        printf("\n");
        json_array_foreach(rows, i, r) {
            json_t *n = json_object_get(r, "note");
            if (n) printf("  %s: %s\n", json_string_value(json_object_get(r, "name")), json_string_value(n));
        }
        printf("  BB budget balance, IC incentive compatibility, IR individual rationality (details: --json \"properties\").\n");
    }
done:
    json_decref(doc);
    ow_workspace_free(w);
    ow_game_free(g);
    return rc;
}

int lab_is_command(const char *cmd)
{
    return !strcmp(cmd, "multi") || !strcmp(cmd, "secondbest") || !strcmp(cmd, "pricing") || !strcmp(cmd, "compare");
}

int lab_main(int argc, char **argv)
{
    lab_args a;
    int rc = lab_parse(argc, argv, &a);
    if (rc) return rc;
#ifdef _OPENMP
    if (a.threads) omp_set_num_threads((int)a.threads);
#endif
    if (!strcmp(a.cmd, "multi")) return cmd_multi(&a);
    if (!strcmp(a.cmd, "secondbest")) return cmd_secondbest(&a);
    if (!strcmp(a.cmd, "pricing")) return cmd_pricing(&a);
    if (!strcmp(a.cmd, "compare")) return cmd_compare(&a);
    return cli_usage("unknown command '%s'", a.cmd);
}
