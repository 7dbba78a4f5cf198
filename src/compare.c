/*
 * compare.c -- every mechanism of the lab on one game, in one table.
 *
 * Rows: no payments (Nash), the single offer under both models, the best
 * multi-offer schedule found, item pricing, the second best, efficiency
 * bought with the least subsidy, and the first best.  Each row's welfare
 * and payoffs are true expectations on the game, except the two rows of
 * the linear programs, which for a continuous model are computed on its
 * discretisation (their `note` says so, and their PoA is taken against the
 * first best of the same discretisation).  The properties are not asserted
 * where they can be checked: B's interim individual rationality is tested
 * type by type against her Nash payoff, and the programs' constraints are
 * re-verified on the mechanisms they return.
 */
#include "internal.h"
#include "oneway_mech.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ow_compare_options_default(ow_compare_options *o)
{
    memset(o, 0, sizeof *o);
    o->offers = 2;
    o->restarts = 16;
    o->points = 64;
    o->seed = 1;
}

static json_t *numj(double x) { return isnan(x) ? json_null() : json_real(x); }

static json_t *row(const char *name, double W, double pA, double pB, double poa,
                   int bb, int ic, int ir, const char *bbs, const char *ics, const char *irs,
                   const char *note)
{
    json_t *r = json_object(), *p = json_object();
    json_object_set_new(r, "name", json_string(name));
    json_object_set_new(r, "welfare", numj(W));
    json_object_set_new(r, "payoff_A", numj(pA));
    json_object_set_new(r, "payoff_B", numj(pB));
    json_object_set_new(r, "poa", numj(poa));
    json_object_set_new(r, "budget_balanced", json_boolean(bb));
    json_object_set_new(r, "incentive_compatible", json_boolean(ic));
    json_object_set_new(r, "individually_rational", json_boolean(ir));
    json_object_set_new(p, "budget_balance", json_string(bbs));
    json_object_set_new(p, "incentive_compatibility", json_string(ics));
    json_object_set_new(p, "individual_rationality", json_string(irs));
    json_object_set_new(r, "properties", p);
    if (note) json_object_set_new(r, "note", json_string(note));
    return r;
}

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

json_t *ow_compare(const ow_workspace *w, const ow_compare_options *o, ow_error *err)
{
    const ow_game *g = w->g;
    size_t T = g->T, k = g->k;
    ow_compare_options def;
    if (!o) { ow_compare_options_default(&def); o = &def; }
    ow_solution *sp = NULL, *sbay = NULL;
    ow_pricing *pr = NULL;
    ow_atable *at = NULL;
    ow_secondbest *sb = NULL;
    double *nashB = malloc(T * sizeof *nashB);
    json_t *rows = json_array(), *doc = NULL;
    char note[512];
    if (!nashB || !rows) { ow__fail(err, OW_ENOMEM, "out of memory"); goto fail; }
    ow_solve_options so;
    ow_solve_options_default(&so);
    so.mc_samples = 0;
    if (!(sp = ow_solve(w, &so, err))) goto fail;
    so.model = OW_MODEL_BAYES;
    if (!(sbay = ow_solve(w, &so, err))) goto fail;
    double Wopt = sp->opt_welfare;
    for (size_t j = 0; j < T; j++) nashB[j] = w->tot[j * k + sp->nash_B[j]];

    /* no payments */
    json_array_append_new(rows, row("nash", sp->nash_welfare, sp->nash_payoff_A, sp->nash_payoff_B,
        ratio(Wopt, sp->nash_welfare), 1, 1, 1, "no payments", "each plays a best response",
        "the reference point", NULL));

    /* single offer, both models */
    for (int mdl = 0; mdl < 2; mdl++) {
        const ow_solution *s = mdl ? sbay : sp;
        int irB = 1;
        for (size_t j = 0; j < T; j++) if (s->offers[j].payoff_B < nashB[j] - ow__tol(nashB[j]) - 1e-9 * fabs(nashB[j])) irB = 0;
        json_array_append_new(rows, row(mdl ? "single_offer_bayes" : "single_offer_paper", s->so_welfare, s->so_payoff_A,
            s->so_payoff_B, ratio(Wopt, s->so_welfare), 1, 1, irB, "ex post (B pays A)",
            mdl ? "A: dominant strategy (Proposition 2); B: her true best offer"
                : "A: dominant strategy (Proposition 2); B: optimal under the paper's model (Lemma 3)",
            irB ? "A ex post; B interim (checked per type)" : "A ex post; B interim fails for some type (checked)",
            NULL));
    }

    /* best multi-offer schedule found, per B type */
    {
        ow_multi_options mo;
        ow_multi_options_default(&mo);
        mo.offers = o->offers;
        mo.restarts = o->restarts;
        mo.seed = o->seed;
        double W = 0, pA = 0, pB = 0;
        int irB = 1;
        for (size_t j = 0; j < T; j++) {
            ow_schedule s;
            ow_schedule_value v;
            if (o->progress) {
                char msg[160];
                snprintf(msg, sizeof msg, "compare: searching %zu-offer schedules, B type %zu of %zu\n", mo.offers, j + 1, T);
                o->progress(msg, o->progress_arg);
            }
            if (ow_multi_optimise(w, j, &mo, &s, &v, err)) goto fail;
            W += g->pi[j] * v.welfare; pA += g->pi[j] * v.payoff_A; pB += g->pi[j] * v.payoff_B;
            if (v.payoff_B < nashB[j] - ow__tol(nashB[j]) - 1e-9 * fabs(nashB[j])) irB = 0;
        }
        snprintf(note, sizeof note, "best %zu-offer schedule found per B type (paper model, %zu starts per action)",
                 mo.offers, mo.restarts);
        json_array_append_new(rows, row("multi_offer", W, pA, pB, ratio(Wopt, W), 1, 1, irB, "ex post (B pays A)",
            "A: optimal stopping (backward induction); B: committed schedule", irB ? "A ex post; B interim (checked per type)"
            : "A ex post; B interim fails for some type (checked)", note));
    }

    /* item pricing and the programs need A's full table (not kept from CSV) */
    if (!(g->finite && g->compact)) {
        ow_pricing_options po;
        ow_pricing_options_default(&po);
        po.seed = o->seed;
        if (o->progress) o->progress("compare: item pricing\n", o->progress_arg);
        if (!(pr = ow_pricing_solve(w, &po, err))) goto fail;
        int irB = 1;
        for (size_t j = 0; j < T; j++) if (pr->payoff_B_type[j] < nashB[j] - ow__tol(nashB[j]) - 1e-9 * fabs(nashB[j])) irB = 0;
        json_array_append_new(rows, row("item_pricing", pr->welfare, pr->payoff_A, pr->payoff_B, ratio(Wopt, pr->welfare),
            1, 1, irB, "ex post (B pays A)", "A: picks her best action given the rewards; B: her rewards",
            irB ? "A ex post (rewards >= 0); B interim (checked per type)" : "A ex post; B interim fails for some type (checked)",
            pr->all_optimal ? "rewards proved optimal (mixed-integer program)" : "rewards a local optimum (best of many starts)"));
    }

    if (g->finite && g->compact) {
        static const char *const skipped[] = { "item_pricing", "second_best", "efficient_least_subsidy" };
        for (int i = 0; i < 3; i++) {
            json_t *r = row(skipped[i], NAN, NAN, NAN, NAN, 0, 0, 0, "not computed", "not computed",
                "not computed", "not computed: A's types come from CSV, whose full payoff table is not kept; "
                "give the types inline to include this mechanism");
            json_object_set_new(r, "budget_balanced", json_null());
            json_object_set_new(r, "incentive_compatible", json_null());
            json_object_set_new(r, "individually_rational", json_null());
            json_array_append_new(rows, r);
        }
    }

    /* the linear programs */
    if (!(g->finite && g->compact)) {
        if (!(at = ow_atable_alloc(g, o->points, err))) goto fail;
        ow_secondbest_options sbo = { NULL, NULL, 0, 0 };
        if (o->progress) o->progress("compare: the second best and the least subsidy (GLPK)\n", o->progress_arg);
        if (!(sb = ow_secondbest_solve(g, at, &sbo, err))) goto fail;
        int disc = ow_atable_discretised(at);
        if (disc) snprintf(note, sizeof note, "on A's types discretised into %zu points (PoA against that discretisation's first best %.10g)",
                           ow_atable_size(at), sb->fb_welfare);
        double ok = 1e-7 * (1 + fabs(sb->fb_welfare));
        json_array_append_new(rows, row("second_best", sb->sb_welfare, sb->sb_payoff_A, sb->sb_payoff_B,
            ratio(sb->fb_welfare, sb->sb_welfare), sb->sb_violation <= ok, sb->sb_violation <= ok, sb->sb_violation <= ok,
            "ex post (t_ij from B to A)", "Bayes-Nash, both players (re-checked)", "interim, against Nash payoffs (re-checked)",
            disc ? note : NULL));
        char bbs[128];
        snprintf(bbs, sizeof bbs, "no: expected subsidy %.10g", sb->subsidy);
        json_array_append_new(rows, row("efficient_least_subsidy", sb->fb_welfare, sb->ls_payoff_A, sb->ls_payoff_B,
            ratio(sb->fb_welfare, sb->fb_welfare), sb->subsidy <= 1e-9 * (1 + fabs(sb->fb_welfare)),
            sb->ls_violation <= ok, sb->ls_violation <= ok, bbs,
            "Bayes-Nash, both players (re-checked)", "interim, against Nash payoffs (re-checked)", disc ? note : NULL));
    }

    /* first best */
    {
        double pA = NAN, pB = NAN;
        int known = 0;
        if (sb && !ow_atable_discretised(at)) { pA = sb->fb_payoff_A; pB = sb->fb_payoff_B; known = 1; }
        else if (!g->finite) {
            /* B's part: sum_j pi_j sum_a Pr[a = argmax u + w_j] w_j(a), by integration */
            size_t m = g->m;
            double *P = malloc(m * sizeof *P), *wj = malloc(m * sizeof *wj);
            if (!P || !wj) { free(P); free(wj); ow__fail(err, OW_ENOMEM, "out of memory"); goto fail; }
            pB = 0;
            for (size_t j = 0; j < T; j++) {
                for (size_t a = 0; a < m; a++) wj[a] = ow__best_B(g, j, a, NULL);
                if (ow__choice_probs_cont(w, wj, P, err)) { free(P); free(wj); goto fail; }
                for (size_t a = 0; a < m; a++) pB += g->pi[j] * P[a] * wj[a];
            }
            free(P); free(wj);
            pA = Wopt - pB;
            known = 1;
        }
        /* A's payoff at the optimum is below her own choice's unless she is never moved */
        int irA = known && pA >= sp->nash_payoff_A - 1e-9 * (1 + fabs(sp->nash_payoff_A));
        json_t *r = row("first_best", Wopt, pA, pB, 1.0, 1, 0, irA, "no payments",
            "no: a planner who knows both types imposes the efficient action",
            !known ? "not computed (needs A's payoff table)" : irA ? "A is never moved from her own choice"
                : "no: A loses against her own choice", NULL);
        if (!known) json_object_set_new(r, "individually_rational", json_null());
        json_array_append_new(rows, r);
    }

    doc = json_object();
    json_object_set_new(doc, "game", json_string(g->name));
    json_object_set_new(doc, "opt_welfare", json_real(Wopt));
    json_object_set_new(doc, "mechanisms", rows);
    rows = NULL;
fail:
    json_decref(rows);
    free(nashB);
    ow_solution_free(sp); ow_solution_free(sbay);
    ow_pricing_free(pr);
    ow_secondbest_free(sb);
    ow_atable_free(at);
    return doc;
}
