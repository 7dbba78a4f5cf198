/*
 * report_html.c -- a self-contained HTML report of a solved game, and the
 * paper's figures.
 *
 * The report is one file, DIR/index.html: the tables of `oneway solve` and
 * its figures as inline SVG (the SVG files stay beside it), plain HTML and
 * CSS, no script and nothing fetched from the network, so it opens
 * anywhere.  Figures: for each B type (up to OW_REPORT_MAX_TYPES) B's
 * payoff and the welfare against the payment for the action she proposes,
 * and the probability that A accepts.
 */
#include "internal.h"
#include "oneway_plot.h"
#include "oneway_report.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef OW_REPORT_MAX_TYPES
#define OW_REPORT_MAX_TYPES 8
#endif
#define CURVE 41

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void cell(FILE *f, double x)
{
    if (isnan(x)) fputs("<td>&ndash;</td>", f);
    else fprintf(f, "<td>%.6g</td>", x);
}

/* copy an SVG file into the page, without its XML prolog, its ids made
 * unique to the figure (inline SVGs share one id space) */
static ow_status embed(FILE *out, const char *file, const char *caption, ow_error *err)
{
    static unsigned figure;
    char pre[32];
    snprintf(pre, sizeof pre, "f%u-", ++figure);
    FILE *f = fopen(file, "rb");
    if (!f) return ow__fail(err, OW_EIO, "%s: cannot read: %s", file, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); fclose(f); return ow__fail(err, OW_EIO, "%s: cannot read", file); }
    fclose(f);
    b[n] = 0;
    char *svg = strstr(b, "<svg");
    if (!svg) { free(b); return ow__fail(err, OW_EINTERNAL, "%s: no <svg> element", file); }
    fputs("<figure>", out);
    static const char *const pats[] = { "id=\"", "href=\"#", "url(#" };
    for (char *p = svg; *p;) {
        size_t best = (size_t)-1, k = 0;
        for (size_t i = 0; i < 3; i++) {
            char *q = strstr(p, pats[i]);
            if (q && (size_t)(q - p) < best) { best = (size_t)(q - p); k = i; }
        }
        if (best == (size_t)-1) { fputs(p, out); break; }
        fwrite(p, 1, best + strlen(pats[k]), out);
        fputs(pre, out);
        p += best + strlen(pats[k]);
    }
    fputs("<figcaption>", out);
    esc(out, caption);
    fputs("</figcaption></figure>\n", out);
    free(b);
    return OW_OK;
}

static ow_status type_figure(const ow_game *g, const ow_workspace *w, const ow_solution *s,
                             size_t j, const char *file, ow_error *err)
{
    const ow_offer *o = &s->offers[j];
    double hi = fmax(fmax(o->delta_B, 0), o->payment) * 1.3;
    if (!(hi > 0)) hi = 1;
    hi = fmin(hi, ow_offer_max_payment(w, o->action));
    double x[CURVE], pb[CURVE], wf[CURVE], mark[CURVE];
    for (int i = 0; i < CURVE; i++) {
        ow_offer e;
        x[i] = hi * i / (CURVE - 1);
        ow_status st = ow_offer_eval(w, j, o->action, x[i], o->outside, &e, err);
        if (st) return st;
        pb[i] = e.payoff_B;
        wf[i] = e.welfare;
        mark[i] = NAN;
    }
    /* the chosen payment as a point on B's curve */
    int near = (int)lround(o->payment / hi * (CURVE - 1));
    if (near >= 0 && near < CURVE) { x[near] = o->payment; pb[near] = o->payoff_B; wf[near] = o->welfare; mark[near] = o->payoff_B; }
    const double *ys[] = { pb, wf, mark };
    const char *names[] = { "B's expected payoff", "expected welfare", "B's offer" };
    int pts[] = { 0, 0, 1 };
    char title[256], xl[256], cap[512];
    snprintf(title, sizeof title, "B type %s: proposing %s", g->t_names[j], g->a_names[o->action]);
    snprintf(xl, sizeof xl, "payment offered for %s", g->a_names[o->action]);
    snprintf(cap, sizeof cap, "True expectations over A's types for every payment; rejected offers leave A on her own choice and B on %s.",
             g->b_names[o->outside]);
    return ow_plot_lines(file, title, xl, "expected payoff", cap, x, CURVE, ys, names, pts, 3, err);
}

static ow_status accept_figure(const ow_game *g, const ow_workspace *w, const ow_solution *s,
                               size_t nt, const char *file, ow_error *err)
{
    double hi = 0;
    for (size_t j = 0; j < nt; j++) hi = fmax(hi, fmax(s->offers[j].delta_B, s->offers[j].payment));
    if (!(hi > 0)) hi = 1;
    hi *= 1.3;
    for (size_t j = 0; j < nt; j++) hi = fmin(hi, ow_offer_max_payment(w, s->offers[j].action));
    double x[CURVE], *ys[OW_REPORT_MAX_TYPES];
    char *names[OW_REPORT_MAX_TYPES];
    double buf[OW_REPORT_MAX_TYPES][CURVE];
    char nb[OW_REPORT_MAX_TYPES][128];
    for (int i = 0; i < CURVE; i++) x[i] = hi * i / (CURVE - 1);
    for (size_t j = 0; j < nt; j++) {
        ys[j] = buf[j];
        snprintf(nb[j], sizeof nb[j], "%s (B type %s)", g->a_names[s->offers[j].action], g->t_names[j]);
        names[j] = nb[j];
        for (int i = 0; i < CURVE; i++) {
            ow_status st = ow_accept_prob(w, s->offers[j].action, x[i], &buf[j][i], err);
            if (st) return st;
        }
    }
    return ow_plot_lines(file, "Probability that A accepts", "payment", "probability", 
                         "Pr[Delta_A(a) <= c]: A accepts when the payment covers what she gives up (Proposition 2).",
                         x, CURVE, (const double *const *)ys, (const char *const *)names, NULL, nt, err);
}

ow_status ow_report_html(const ow_game *g, const ow_workspace *w,
                         const ow_solution *s, const char *dir, ow_error *err)
{
    return ow_report_html_mechanisms(g, w, s, NULL, dir, err);
}

/* the comparison of every mechanism (compare.c's rows) */
static void mechanisms_table(FILE *f, const json_t *doc)
{
    fputs("<h2>Every mechanism</h2>\n<p>Budget balance (BB), incentive compatibility (IC) and individual "
          "rationality (IR) as checked on this game; docs/mechanisms.md explains each row.</p>\n"
          "<table><tr><th>mechanism</th><th>welfare</th><th>payoff A</th><th>payoff B</th><th>price of anarchy</th>"
          "<th>BB</th><th>IC</th><th>IR</th></tr>\n", f);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "mechanisms"), i, r) {
        fputs("<tr><td>", f);
        esc(f, json_string_value(json_object_get(r, "name")));
        fputs("</td>", f);
        static const char *const num[] = { "welfare", "payoff_A", "payoff_B", "poa" };
        for (int k = 0; k < 4; k++) {
            json_t *v = json_object_get(r, num[k]);
            cell(f, json_is_number(v) ? json_number_value(v) : NAN);
        }
        static const char *const pr[] = { "budget_balanced", "incentive_compatible", "individually_rational" };
        static const char *const pk[] = { "budget_balance", "incentive_compatibility", "individual_rationality" };
        for (int k = 0; k < 3; k++) {
            json_t *b = json_object_get(r, pr[k]);
            fputs("<td title=\"", f);
            esc(f, json_string_value(json_object_get(json_object_get(r, "properties"), pk[k])));
            fprintf(f, "\">%s</td>", json_is_true(b) ? "yes" : json_is_false(b) ? "no" : "&ndash;");
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    json_array_foreach(json_object_get(doc, "mechanisms"), i, r) {
        json_t *n = json_object_get(r, "note");
        if (!n) continue;
        fputs("<p><small>", f);
        esc(f, json_string_value(json_object_get(r, "name")));
        fputs(": ", f);
        esc(f, json_string_value(n));
        fputs("</small></p>\n", f);
    }
}

ow_status ow_report_html_mechanisms(const ow_game *g, const ow_workspace *w,
                                    const ow_solution *s, const json_t *mechanisms,
                                    const char *dir, ow_error *err)
{
    if (mkdir(dir, 0755) && errno != EEXIST) return ow__fail(err, OW_EIO, "%s: cannot create: %s", dir, strerror(errno));
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *f = fopen(path, "w");
    if (!f) return ow__fail(err, OW_EIO, "%s: cannot write: %s", path, strerror(errno));
    ow_status st = OW_OK;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>oneway: ", f);
    esc(f, g->name);
    fputs("</title>\n<style>\nbody{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
          "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
          "figure{margin:1.5em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#555}\n"
          "</style></head><body>\n<h1>", f);
    esc(f, g->name);
    fprintf(f, "</h1>\n<p>A has %zu actions and %s; B has %zu actions and %zu type%s. Model of B's offer: <b>%s</b>. ",
            g->m, g->finite ? "finitely many types (exact sums)" : "continuous payoffs (numerical integration)",
            g->k, g->T, g->T == 1 ? "" : "s", ow_model_name(s->model));
    fputs("Every figure is the true expectation of what the mechanism produces.</p>\n", f);
    fputs("<h2>Outcomes</h2>\n<table><tr><th>outcome</th><th>welfare</th><th>payoff A</th><th>payoff B</th><th>price of anarchy</th></tr>\n", f);
    fputs("<tr><td>Nash, no payments</td>", f);
    cell(f, s->nash_welfare); cell(f, s->nash_payoff_A); cell(f, s->nash_payoff_B); cell(f, s->poa_nash);
    fputs("</tr>\n<tr><td>single offer</td>", f);
    cell(f, s->so_welfare); cell(f, s->so_payoff_A); cell(f, s->so_payoff_B); cell(f, s->poa_single);
    fputs("</tr>\n<tr><td>optimum (full information)</td>", f);
    cell(f, s->opt_welfare); cell(f, NAN); cell(f, NAN); cell(f, 1);
    fputs("</tr>\n<tr><td>optimum (B's type known only)</td>", f);
    cell(f, s->opt_welfare_ex_ante); cell(f, NAN); cell(f, NAN); cell(f, NAN);
    fputs("</tr></table>\n<h2>What A does alone</h2>\n<table><tr><th>A action</th><th>probability</th></tr>\n", f);
    for (size_t a = 0; a < g->m; a++) { fputs("<tr><td>", f); esc(f, g->a_names[a]); fputs("</td>", f); cell(f, s->q[a]); fputs("</tr>\n", f); }
    fputs("</table>\n<h2>B's best offer per type</h2>\n<table><tr><th>B type</th><th>probability</th><th>proposes</th><th>payment</th>"
          "<th>gamma</th><th>accepted</th><th>Delta_B</th><th>else B plays</th><th>payoff A</th><th>payoff B</th><th>welfare</th>"
          "<th>Theorem 6 bound</th></tr>\n", f);
    for (size_t j = 0; j < g->T; j++) {
        const ow_offer *o = &s->offers[j];
        fputs("<tr><td>", f); esc(f, g->t_names[j]); fputs("</td>", f);
        cell(f, g->pi[j]);
        fputs("<td>", f); esc(f, g->a_names[o->action]); fputs("</td>", f);
        cell(f, o->payment); cell(f, o->gamma); cell(f, o->accept_prob); cell(f, o->delta_B);
        fputs("<td>", f); esc(f, g->b_names[o->outside]); fputs("</td>", f);
        cell(f, o->payoff_A); cell(f, o->payoff_B); cell(f, o->welfare); cell(f, s->limited[j].bound);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    if (mechanisms) mechanisms_table(f, mechanisms);
    fputs("<h2>Figures</h2>\n", f);
    size_t nt = g->T < OW_REPORT_MAX_TYPES ? g->T : OW_REPORT_MAX_TYPES;
    snprintf(path, sizeof path, "%s/accept.svg", dir);
    if ((st = accept_figure(g, w, s, nt, path, err)) ||
        (st = embed(f, path, "Probability that A accepts each B type's proposal, by payment.", err))) goto out;
    for (size_t j = 0; j < nt; j++) {
        char cap[512];
        snprintf(path, sizeof path, "%s/type-%zu.svg", dir, j);
        snprintf(cap, sizeof cap, "B type %s: her payoff and the welfare against the payment; the point is her offer.", g->t_names[j]);
        if ((st = type_figure(g, w, s, j, path, err)) || (st = embed(f, path, cap, err))) goto out;
    }
    if (g->T > nt) fprintf(f, "<p>Figures for the first %zu of %zu B types.</p>\n", nt, g->T);
    fprintf(f, "<p><small>oneway %s</small></p>\n</body></html>\n", ONEWAY_VERSION);
out:
    if (fclose(f) && !st) st = ow__fail(err, OW_EIO, "%s/index.html: write failed", dir);
    return st;
}
