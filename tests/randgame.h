/* randgame.h -- small random finite games with many ties (integer
 * payoffs), shared by the brute-force tests. */
#ifndef OW_TEST_RANDGAME_H
#define OW_TEST_RANDGAME_H
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#define MAXM 4
#define MAXK 3
#define MAXT 3
#define MAXN 8

typedef struct bg {
    int m, k, T, n;
    double u[MAXN][MAXM], p[MAXN];
    double ub[MAXT][MAXM][MAXK], pi[MAXT];
} bg;

static char *to_json(const bg *b, int discrete)
{
    char *s = malloc(20000), *q = s;
    q += sprintf(q, "{\"oneway\":1,\"A\":{\"actions\":[");
    for (int a = 0; a < b->m; a++) q += sprintf(q, "%s\"a%d\"", a ? "," : "", a);
    q += sprintf(q, "],\"types\":{\"%s\":[", discrete ? "discrete" : "samples");
    for (int i = 0; i < b->n; i++) {
        q += sprintf(q, "%s", i ? "," : "");
        if (discrete) q += sprintf(q, "{\"prob\":%.17g,\"payoff\":", b->p[i]);
        q += sprintf(q, "[");
        for (int a = 0; a < b->m; a++) q += sprintf(q, "%s%.17g", a ? "," : "", b->u[i][a]);
        q += sprintf(q, "]%s", discrete ? "}" : "");
    }
    q += sprintf(q, "]}},\"B\":{\"actions\":[");
    for (int c = 0; c < b->k; c++) q += sprintf(q, "%s\"b%d\"", c ? "," : "", c);
    q += sprintf(q, "],\"types\":[");
    for (int j = 0; j < b->T; j++) {
        q += sprintf(q, "%s{\"prob\":%.17g,\"payoff\":[", j ? "," : "", b->pi[j]);
        for (int a = 0; a < b->m; a++) {
            q += sprintf(q, "%s[", a ? "," : "");
            for (int c = 0; c < b->k; c++) q += sprintf(q, "%s%.17g", c ? "," : "", b->ub[j][a][c]);
            q += sprintf(q, "]");
        }
        q += sprintf(q, "]}");
    }
    sprintf(q, "]}}");
    return s;
}

static void gen(gsl_rng *r, bg *b, int discrete)
{
    b->m = 2 + (int)gsl_rng_uniform_int(r, MAXM - 1);
    b->k = 1 + (int)gsl_rng_uniform_int(r, MAXK);
    b->T = 1 + (int)gsl_rng_uniform_int(r, MAXT);
    b->n = 1 + (int)gsl_rng_uniform_int(r, MAXN);
    double s = 0;
    for (int i = 0; i < b->n; i++) {
        for (int a = 0; a < b->m; a++) b->u[i][a] = 1 + (double)gsl_rng_uniform_int(r, 6);
        b->p[i] = discrete ? 1 + (double)gsl_rng_uniform_int(r, 4) : 1;
        s += b->p[i];
    }
    for (int i = 0; i < b->n; i++) b->p[i] /= s;
    s = 0;
    for (int j = 0; j < b->T; j++) {
        b->pi[j] = 1 + (double)gsl_rng_uniform_int(r, 3);
        s += b->pi[j];
        for (int a = 0; a < b->m; a++)
            for (int c = 0; c < b->k; c++) b->ub[j][a][c] = (double)gsl_rng_uniform_int(r, 12);
    }
    for (int j = 0; j < b->T; j++) b->pi[j] /= s;
}

#endif
