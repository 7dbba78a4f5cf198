/*
 * report.c -- turning solutions into JSON documents and text tables.
 *
 * JSON keys are those of the spec's cli.md (scripts read them; more may be
 * added, none renamed).  A NaN figure becomes null.  Text tables are built
 * in a memory stream and handed to the caller; nothing is printed here.
 */
#include "internal.h"
#include "oneway_report.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *num(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static json_t *offer_json(const ow_game *g, const ow_offer *o)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}",
                     "action", g->a_names[o->action],
                     "payment", num(o->payment),
                     "gamma", num(o->gamma),
                     "accept_prob", num(o->accept_prob),
                     "outside_option", g->b_names[o->outside],
                     "outside_value", num(o->outside_value),
                     "delta_B", num(o->delta_B),
                     "payoff_A", num(o->payoff_A),
                     "payoff_B", num(o->payoff_B),
                     "welfare", num(o->welfare));
}

json_t *ow_report_solve_json(const ow_game *g, const ow_solution *s)
{
    json_t *q = json_object(), *nb = json_array(), *per = json_array();
    for (size_t a = 0; a < g->m; a++) json_object_set_new(q, g->a_names[a], num(s->q[a]));
    for (size_t j = 0; j < g->T; j++) {
        json_array_append_new(nb, json_pack("{s:s, s:s}", "type", g->t_names[j],
                                            "action", g->b_names[s->nash_B[j]]));
        json_t *o = offer_json(g, &s->offers[j]);
        const ow_limited *l = &s->limited[j];
        json_object_set_new(o, "type", json_string(g->t_names[j]));
        json_object_set_new(o, "limited", json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                                                    "action", g->a_names[l->offer.action],
                                                    "payment", num(l->offer.payment),
                                                    "gamma", num(l->offer.gamma),
                                                    "accept_prob", num(l->offer.accept_prob),
                                                    "payoff_A", num(l->offer.payoff_A),
                                                    "payoff_B", num(l->offer.payoff_B),
                                                    "welfare", num(l->offer.welfare),
                                                    "theorem6_bound", num(l->bound)));
        json_array_append_new(per, o);
    }
    json_t *poa = json_pack("{s:o, s:o, s:o}", "nash", num(s->poa_nash),
                            "nash_expected", num(s->poa_nash_expected),
                            "single_offer", num(s->poa_single));
    if (s->poa_nash_expected_samples) {
        json_object_set_new(poa, "nash_expected_mc", json_pack("{s:o, s:I, s:I}",
                            "se", num(s->poa_nash_expected_se),
                            "samples", (json_int_t)s->poa_nash_expected_samples,
                            "seed", (json_int_t)s->poa_nash_expected_seed));
    }
    if (s->poa_null_reason) json_object_set_new(poa, "null_reason", json_string(s->poa_null_reason));
    return json_pack("{s:s, s:s, s:b, s:{s:o, s:o, s:o, s:o, s:o}, s:{s:o, s:o}, s:o, "
                     "s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o}}",
                     "game", g->name,
                     "model", ow_model_name(s->model),
                     "exact", s->exact,
                     "nash", "welfare", num(s->nash_welfare), "payoff_A", num(s->nash_payoff_A),
                     "payoff_B", num(s->nash_payoff_B), "q", q, "B", nb,
                     "optimum", "welfare", num(s->opt_welfare), "welfare_ex_ante", num(s->opt_welfare_ex_ante),
                     "poa", poa,
                     "single_offer", "welfare", num(s->so_welfare), "payoff_A", num(s->so_payoff_A),
                     "payoff_B", num(s->so_payoff_B), "payment", num(s->so_payment),
                     "transfer", num(s->so_transfer), "accept_prob", num(s->so_accept_prob), "B", per);
}

static void fnum(FILE *f, double x)
{
    if (isnan(x)) fprintf(f, "%12s", "-");
    else fprintf(f, "%12.6g", x);
}

char *ow_report_solve_text(const ow_game *g, const ow_solution *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    fprintf(f, "game %s: A has %zu actions and %s; B has %zu actions and %zu type%s; model %s\n\n",
            g->name, g->m, g->finite ? "finitely many types" : "continuous payoffs",
            g->k, g->T, g->T == 1 ? "" : "s", ow_model_name(s->model));
    fprintf(f, "What A does alone (Nash, no payments)\n");
    fprintf(f, "  %-20s %12s\n", "A action", "probability");
    for (size_t a = 0; a < g->m; a++) { fprintf(f, "  %-20s ", g->a_names[a]); fnum(f, s->q[a]); fputc('\n', f); }
    fprintf(f, "  %-20s %-20s\n", "B type", "B's Nash action");
    for (size_t j = 0; j < g->T; j++) fprintf(f, "  %-20s %-20s\n", g->t_names[j], g->b_names[s->nash_B[j]]);
    fprintf(f, "\n%-34s %12s %12s %12s %12s\n", "Outcome", "welfare", "payoff A", "payoff B", "PoA");
    fprintf(f, "%-34s", "Nash, no payments"); fnum(f, s->nash_welfare); fnum(f, s->nash_payoff_A);
    fnum(f, s->nash_payoff_B); fnum(f, s->poa_nash); fputc('\n', f);
    fprintf(f, "%-34s", "Single offer"); fnum(f, s->so_welfare); fnum(f, s->so_payoff_A);
    fnum(f, s->so_payoff_B); fnum(f, s->poa_single); fputc('\n', f);
    fprintf(f, "%-34s", "Optimum (full information)"); fnum(f, s->opt_welfare);
    fprintf(f, "%12s %12s", "", ""); fnum(f, 1.0); fputc('\n', f);
    fprintf(f, "%-34s", "Optimum (B's type known only)"); fnum(f, s->opt_welfare_ex_ante); fputc('\n', f);
    fprintf(f, "\nPoA of Nash as E[OPT/SW_N] (Definition 2): ");
    if (isnan(s->poa_nash_expected)) fprintf(f, "undefined (%s)\n", s->poa_null_reason ? s->poa_null_reason : "");
    else if (s->poa_nash_expected_samples)
        fprintf(f, "%.6g +- %.2g (Monte Carlo, %zu samples, seed %llu)\n", s->poa_nash_expected,
                s->poa_nash_expected_se, s->poa_nash_expected_samples,
                (unsigned long long)s->poa_nash_expected_seed);
    else fprintf(f, "%.6g (exact)\n", s->poa_nash_expected);
    fprintf(f, "\nB's best offer per type\n");
    fprintf(f, "  %-12s %-12s %12s %12s %12s %12s %-12s %12s %12s\n", "B type", "proposes", "payment",
            "gamma", "accepted", "Delta_B", "else plays", "payoff B", "welfare");
    for (size_t j = 0; j < g->T; j++) {
        const ow_offer *o = &s->offers[j];
        fprintf(f, "  %-12s %-12s ", g->t_names[j], g->a_names[o->action]);
        fnum(f, o->payment); fnum(f, o->gamma); fnum(f, o->accept_prob); fnum(f, o->delta_B);
        fprintf(f, " %-12s", g->b_names[o->outside]); fnum(f, o->payoff_B); fnum(f, o->welfare);
        fputc('\n', f);
    }
    fprintf(f, "\nLimited strategy (Theorem 6: propose B's favourite action)\n");
    fprintf(f, "  %-12s %-12s %12s %12s %12s %12s %12s\n", "B type", "proposes", "payment", "gamma",
            "accepted", "welfare", "Thm 6 bound");
    for (size_t j = 0; j < g->T; j++) {
        const ow_limited *l = &s->limited[j];
        fprintf(f, "  %-12s %-12s ", g->t_names[j], g->a_names[l->offer.action]);
        fnum(f, l->offer.payment); fnum(f, l->offer.gamma); fnum(f, l->offer.accept_prob);
        fnum(f, l->offer.welfare); fnum(f, l->bound); fputc('\n', f);
    }
    fprintf(f, "\nOverall: expected payment offered %.6g, paid %.6g, accepted with probability %.6g\n",
            s->so_payment, s->so_transfer, s->so_accept_prob);
    if (!s->exact) fprintf(f, "(all figures exact by numerical integration except the Monte Carlo one marked)\n");
    fclose(f);
    return buf;
}

static json_t *est(const ow_estimate *e) { return json_pack("{s:o, s:o}", "mean", num(e->mean), "se", num(e->se)); }

json_t *ow_report_simulate_json(const ow_game *g, const ow_solution *s, const ow_sim_result *r)
{
    (void)g;
    return json_pack("{s:s, s:s, s:I, s:I, s:{s:o, s:o, s:o}, s:{s:o, s:o, s:o, s:o}, "
                     "s:{s:{s:o, s:o, s:o}, s:{s:o, s:o, s:o, s:o}}}",
                     "game", g->name, "model", ow_model_name(s->model),
                     "rounds", (json_int_t)r->rounds, "seed", (json_int_t)r->seed,
                     "nash", "welfare", est(&r->nash_welfare), "payoff_A", est(&r->nash_payoff_A),
                     "payoff_B", est(&r->nash_payoff_B),
                     "single_offer", "welfare", est(&r->so_welfare), "payoff_A", est(&r->so_payoff_A),
                     "payoff_B", est(&r->so_payoff_B), "accept_prob", est(&r->so_accept),
                     "exact",
                     "nash", "welfare", num(s->nash_welfare), "payoff_A", num(s->nash_payoff_A),
                     "payoff_B", num(s->nash_payoff_B),
                     "single_offer", "welfare", num(s->so_welfare), "payoff_A", num(s->so_payoff_A),
                     "payoff_B", num(s->so_payoff_B), "accept_prob", num(s->so_accept_prob));
}

static void simrow(FILE *f, const char *name, const ow_estimate *e, double exact)
{
    double z = e->se > 0 ? (e->mean - exact) / e->se : (e->mean == exact ? 0 : INFINITY);
    fprintf(f, "  %-22s %14.8g %12.3g %14.8g %8.2f\n", name, e->mean, e->se, exact, z);
}

char *ow_report_simulate_text(const ow_game *g, const ow_solution *s, const ow_sim_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    fprintf(f, "game %s: %llu rounds, seed %llu, model %s\n\n", g->name,
            (unsigned long long)r->rounds, (unsigned long long)r->seed, ow_model_name(s->model));
    fprintf(f, "  %-22s %14s %12s %14s %8s\n", "figure", "simulated", "std error", "exact", "z");
    simrow(f, "Nash welfare", &r->nash_welfare, s->nash_welfare);
    simrow(f, "Nash payoff A", &r->nash_payoff_A, s->nash_payoff_A);
    simrow(f, "Nash payoff B", &r->nash_payoff_B, s->nash_payoff_B);
    simrow(f, "single offer welfare", &r->so_welfare, s->so_welfare);
    simrow(f, "single offer payoff A", &r->so_payoff_A, s->so_payoff_A);
    simrow(f, "single offer payoff B", &r->so_payoff_B, s->so_payoff_B);
    simrow(f, "acceptance probability", &r->so_accept, s->so_accept_prob);
    fclose(f);
    return buf;
}
