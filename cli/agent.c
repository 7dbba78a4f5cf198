/*
 * agent.c -- the two parties' programs, talking to a broker over HTTP.
 *
 *   oneway agent b --broker URL --key KEY --game GAME --type T --a NAME
 *                  [--model paper|bayes] [--payments c1,c2,.. --probs 1,p2,..] [--repeat N]
 *     B computes her best single offer for her type with the library (or
 *     takes the schedule given) and submits it.
 *   oneway agent a --broker URL --key KEY --game GAME --payoffs u1,..,um [--serve]
 *     A answers her open offers by Proposition 2 (by backward induction for
 *     schedules) from her own payoffs, which never leave this program.
 */
#include "agent.h"
#include "common.h"
#include "oneway.h"
#include "oneway_mech.h"
#include <curl/curl.h>
#include <dlfcn.h>

/* libcurl is loaded when an agent runs, not when oneway starts: every
 * other command is spared loading it and the TLS stack behind it (about
 * 3 ms a start).  Only these entry points are used. */
static struct {
    void *lib;
    CURLcode (*global_init)(long);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} cu;

/* 0, or -1 with a message on stderr */
static int curl_load(void)
{
    cu.lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!cu.lib) { fprintf(stderr, "oneway: the agents need libcurl: %s\n", dlerror()); return -1; }
#define SYM(f, name) if (!(*(void **)&cu.f = dlsym(cu.lib, name))) goto missing
    SYM(global_init, "curl_global_init");
    SYM(global_cleanup, "curl_global_cleanup");
    SYM(easy_init, "curl_easy_init");
    SYM(easy_setopt, "curl_easy_setopt");
    SYM(easy_perform, "curl_easy_perform");
    SYM(easy_getinfo, "curl_easy_getinfo");
    SYM(easy_cleanup, "curl_easy_cleanup");
    SYM(slist_append, "curl_slist_append");
    SYM(slist_free_all, "curl_slist_free_all");
#undef SYM
    return 0;
missing:
    fprintf(stderr, "oneway: libcurl.so.4 lacks a function the agents use: %s\n", dlerror());
    dlclose(cu.lib);
    cu.lib = NULL;
    return -1;
}
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct buf { char *p; size_t n; } buf;

static size_t sink(char *d, size_t s, size_t n, void *arg)
{
    buf *b = arg;
    char *q = realloc(b->p, b->n + s * n + 1);
    if (!q) return 0;
    memcpy(q + b->n, d, s * n);
    b->p = q;
    b->n += s * n;
    b->p[b->n] = 0;
    return s * n;
}

/* one request; returns the HTTP status (0 on transport failure) and the
 * parsed JSON answer in *out */
static long http(const char *method, const char *url, const char *key, const char *body, json_t **out)
{
    CURL *c = cu.easy_init();
    if (!c) return 0;
    buf b = { NULL, 0 };
    struct curl_slist *h = NULL;
    char auth[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
    h = cu.slist_append(h, auth);
    h = cu.slist_append(h, "Content-Type: application/json");
    cu.easy_setopt(c, CURLOPT_URL, url);
    cu.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    cu.easy_setopt(c, CURLOPT_HTTPHEADER, h);
    cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    cu.easy_setopt(c, CURLOPT_WRITEDATA, &b);
    cu.easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (body) cu.easy_setopt(c, CURLOPT_POSTFIELDS, body);
    long code = 0;
    if (cu.easy_perform(c) == CURLE_OK) cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    *out = b.p ? json_loads(b.p, 0, NULL) : NULL;
    free(b.p);
    cu.slist_free_all(h);
    cu.easy_cleanup(c);
    return code;
}

/* comma-separated numbers (cli_numbers); 0, or -1 when bad, empty or too many */
static int parse_list(const char *s, double *v, size_t max, size_t *n)
{
    long c = cli_numbers(s, v, max);
    if (c <= 0) return -1;
    *n = (size_t)c;
    return 0;
}

static const char *err_text(json_t *j)
{
    const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
    return m ? m : "no answer";
}

static int agent_b(const agent_args *a)
{
    ow_error err = { OW_OK, "" };
    if (!a->game || !a->a_name || (!a->type && !a->payments))
        { fprintf(stderr, "oneway: agent b needs --game, --a and --type (or --payments)\n"); return 2; }
    ow_game *g = ow_game_load(a->game, &err);
    if (!g) { fprintf(stderr, "oneway: %s\n", err.msg); return 2; }
    ow_workspace *w = ow_workspace_alloc(g, &err);
    if (!w) { fprintf(stderr, "oneway: %s\n", err.msg); ow_game_free(g); return 1; }
    json_t *spec = NULL;
    if (a->payments) {
        double c[64], p[64];
        size_t n, np = 0;
        if (parse_list(a->payments, c, 64, &n) || (a->probs && parse_list(a->probs, p, 64, &np)) || (a->probs && np != n) ||
            !a->action || !a->outside) {
            fprintf(stderr, "oneway: --payments c1,c2.. needs --action, --outside and, for more than one, --probs 1,p2..\n");
            ow_workspace_free(w); ow_game_free(g);
            return 2;
        }
        json_t *jc = json_array(), *jp = json_array();
        for (size_t i = 0; i < n; i++) { json_array_append_new(jc, json_real(c[i])); if (np) json_array_append_new(jp, json_real(p[i])); }
        spec = json_pack("{s:s, s:s, s:s, s:o}", "a", a->a_name, "action", a->action, "outside", a->outside, "payments", jc);
        if (np) json_object_set_new(spec, "probs", jp); else json_decref(jp);
    } else {
        size_t j, T = ow_game_num_types_B(g);
        for (j = 0; j < T && strcmp(ow_game_type_B(g, j), a->type); j++) {}
        if (j == T) { fprintf(stderr, "oneway: no B type named '%s' in %s\n", a->type, a->game); ow_workspace_free(w); ow_game_free(g); return 2; }
        if (a->offers > 1) {            /* the best schedule the search finds */
            ow_multi_options mo;
            ow_multi_options_default(&mo);
            mo.model = (ow_model)a->model;
            mo.offers = a->offers;
            ow_schedule s;
            ow_schedule_value v;
            if (ow_multi_optimise(w, j, &mo, &s, &v, &err)) {
                fprintf(stderr, "oneway: %s\n", err.msg); ow_workspace_free(w); ow_game_free(g);
                return err.status == OW_EINPUT ? 2 : 1;
            }
            json_t *jc = json_array(), *jp = json_array();
            for (size_t i = 0; i < s.n; i++) { json_array_append_new(jc, json_real(v.payment[i])); json_array_append_new(jp, json_real(s.prob[i])); }
            spec = json_pack("{s:s, s:s, s:s, s:o, s:o}", "a", a->a_name, "action", ow_game_action_A(g, s.action),
                             "outside", ow_game_action_B(g, v.outside), "payments", jc, "probs", jp);
        } else {
            ow_offer o;
            if (ow_offer_solve(w, j, (ow_model)a->model, &o, &err)) { fprintf(stderr, "oneway: %s\n", err.msg); ow_workspace_free(w); ow_game_free(g); return 1; }
            spec = json_pack("{s:s, s:s, s:s, s:[f]}", "a", a->a_name, "action", ow_game_action_A(g, o.action),
                             "outside", ow_game_action_B(g, o.outside), "payments", o.payment);
        }
    }
    char *body = json_dumps(spec, JSON_COMPACT | JSON_REAL_PRECISION(17));
    char url[1024];
    snprintf(url, sizeof url, "%s/v1/negotiations", a->broker);
    int rc = 0;
    for (unsigned r = 0; r < a->repeat; r++) {
        json_t *out = NULL;
        long code = http("POST", url, a->key, body, &out);
        if (code != 201) { fprintf(stderr, "oneway: the broker said %ld: %s\n", code, err_text(out)); json_decref(out); rc = 1; break; }
        printf("negotiation %lld: offered %s to %s for %s\n", (long long)json_integer_value(json_object_get(out, "id")),
               a->payments ? a->payments : "", a->a_name, json_string_value(json_object_get(spec, "action")));
        if (!a->payments) {
            json_t *pays = json_object_get(spec, "payments");
            printf("  payment%s", json_array_size(pays) > 1 ? "s" : "");
            for (size_t i = 0; i < json_array_size(pays); i++) printf("%s%.17g", i ? ", " : " ", json_number_value(json_array_get(pays, i)));
            printf(" (B type %s, %s model)\n", a->type, ow_model_name((ow_model)a->model));
        }
        json_decref(out);
    }
    free(body);
    json_decref(spec);
    ow_workspace_free(w);
    ow_game_free(g);
    return rc;
}

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static int agent_a(const agent_args *a)
{
    ow_error err = { OW_OK, "" };
    if (!a->game || !a->payoffs) { fprintf(stderr, "oneway: agent a needs --game and --payoffs u1,..,um\n"); return 2; }
    ow_game *g = ow_game_load(a->game, &err);
    if (!g) { fprintf(stderr, "oneway: %s\n", err.msg); return 2; }
    size_t m = ow_game_num_actions_A(g), n;
    double *u = calloc(m + 1, sizeof *u);
    if (parse_list(a->payoffs, u, m, &n) || n != m) {
        fprintf(stderr, "oneway: --payoffs needs %zu numbers, one per A action of %s\n", m, a->game);
        free(u); ow_game_free(g);
        return 2;
    }
    double M = u[0];
    for (size_t i = 1; i < m; i++) M = fmax(M, u[i]);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    char url[1024];
    int rc = 0;
    do {
        json_t *list = NULL;
        snprintf(url, sizeof url, "%s/v1/negotiations", a->broker);
        long code = http("GET", url, a->key, NULL, &list);
        if (code != 200) { fprintf(stderr, "oneway: the broker said %ld: %s\n", code, err_text(list)); json_decref(list); rc = 1; break; }
        size_t i;
        json_t *neg;
        json_array_foreach(json_object_get(list, "negotiations"), i, neg) {
            if (strcmp(json_string_value(json_object_get(neg, "state")), "open")) continue;
            json_t *spec = json_object_get(neg, "spec");
            if (strcmp(json_string_value(json_object_get(neg, "a")) ? json_string_value(json_object_get(neg, "a")) : "", a->me ? a->me : json_string_value(json_object_get(neg, "a")))) continue;
            const char *act = json_string_value(json_object_get(spec, "action"));
            size_t k;
            for (k = 0; k < m && strcmp(ow_game_action_A(g, k), act); k++) {}
            double delta = k < m ? M - u[k] : INFINITY;      /* an action she does not know: never */
            json_t *pay = json_object_get(spec, "payments"), *pr = json_object_get(spec, "probs");
            size_t ns = json_array_size(pay), step = (size_t)json_integer_value(json_object_get(neg, "step"));
            double c[64], p[64];
            for (size_t s = 0; s < ns && s < 64; s++) {
                c[s] = json_number_value(json_array_get(pay, s));
                p[s] = pr ? json_number_value(json_array_get(pr, s)) : 1;
            }
            int yes = ns <= 64 && ow_schedule_accepts(delta, c, p, ns, step - 1);
            char body[64];
            snprintf(body, sizeof body, "{\"accept\":%s,\"step\":%zu}", yes ? "true" : "false", step);
            long long id = (long long)json_integer_value(json_object_get(neg, "id"));
            snprintf(url, sizeof url, "%s/v1/negotiations/%lld/answer", a->broker, id);
            json_t *out = NULL;
            code = http("POST", url, a->key, body, &out);
            if (code == 200)
                printf("negotiation %lld: step %zu, %s %.17g for %s -> %s\n", id, step, yes ? "accepted" : "rejected",
                       c[step - 1], act, json_string_value(json_object_get(out, "state")));
            else if (code != 409 && code != 403) { fprintf(stderr, "oneway: the broker said %ld: %s\n", code, err_text(out)); rc = 1; }
            fflush(stdout);
            json_decref(out);
        }
        json_decref(list);
        if (a->serve && !stop) usleep((useconds_t)a->interval_ms * 1000);
    } while (a->serve && !stop && rc == 0);
    free(u);
    ow_game_free(g);
    return rc;
}

int agent_main(const agent_args *a)
{
    if (!a->role || !a->broker || !a->key) {
        fprintf(stderr, "oneway: usage: oneway agent a|b --broker URL --key KEY ... (see oneway --help)\n");
        return 2;
    }
    if (strcmp(a->role, "a") && strcmp(a->role, "b")) {
        fprintf(stderr, "oneway: agent must be a or b, found '%s'\n", a->role);
        return 2;
    }
    if (curl_load()) return 1;
    cu.global_init(CURL_GLOBAL_DEFAULT);
    int rc = !strcmp(a->role, "b") ? agent_b(a) : agent_a(a);
    cu.global_cleanup();
    dlclose(cu.lib);
    return rc;
}
