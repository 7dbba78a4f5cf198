/*
 * broker_load.c -- load on a running broker: N negotiations at once, each B
 * creating an offer and A answering it, over loopback with libcurl's multi
 * interface (all requests of a phase in flight together).  Bounded: at most
 * N negotiations and a time limit.  Prints completed negotiations per
 * second and p50/p99 request latency.
 *
 *   broker-load URL KEY_B KEY_A A_NAME N SECONDS
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct job { CURL *h; char buf[4096]; size_t n; double t0, t1; long code; long id; struct curl_slist *hd; } job;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static size_t sink(char *d, size_t s, size_t n, void *arg)
{
    job *j = arg;
    size_t k = s * n;
    if (j->n + k < sizeof j->buf) { memcpy(j->buf + j->n, d, k); j->n += k; j->buf[j->n] = 0; }
    return k;
}

static int dcmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

/* run n POSTs at once; bodies[i], urls[i]; fills jobs */
static int phase(CURLM *m, job *jobs, int n, char **urls, char **bodies, const char *key, double deadline)
{
    char auth[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
    for (int i = 0; i < n; i++) {
        job *j = &jobs[i];
        memset(j, 0, sizeof *j);
        j->h = curl_easy_init();
        j->hd = curl_slist_append(curl_slist_append(NULL, auth), "Content-Type: application/json");
        curl_easy_setopt(j->h, CURLOPT_URL, urls[i]);
        curl_easy_setopt(j->h, CURLOPT_HTTPHEADER, j->hd);
        curl_easy_setopt(j->h, CURLOPT_POSTFIELDS, bodies[i]);
        curl_easy_setopt(j->h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(j->h, CURLOPT_WRITEDATA, j);
        curl_easy_setopt(j->h, CURLOPT_PRIVATE, j);
        curl_easy_setopt(j->h, CURLOPT_TIMEOUT, 60L);
        j->t0 = now();
        curl_multi_add_handle(m, j->h);
    }
    int running = n;
    while (running && now() < deadline) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            job *j;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            j->t1 = now();
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &j->code);
            const char *p = strstr(j->buf, "\"id\":");
            j->id = p ? strtol(p + 5, NULL, 10) : 0;
        }
        if (running) curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    int ok = 0;
    for (int i = 0; i < n; i++) {
        curl_multi_remove_handle(m, jobs[i].h);
        curl_easy_cleanup(jobs[i].h);
        curl_slist_free_all(jobs[i].hd);
        ok += jobs[i].code == 200 || jobs[i].code == 201;
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 7) { fprintf(stderr, "usage: broker-load URL KEY_B KEY_A A_NAME N SECONDS\n"); return 2; }
    const char *url = argv[1], *kb = argv[2], *ka = argv[3], *aname = argv[4];
    int n = atoi(argv[5]);
    double limit = atof(argv[6]);
    if (n < 1 || n > 100000 || limit <= 0) { fprintf(stderr, "broker-load: N in 1..100000, SECONDS > 0\n"); return 2; }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)n);
    job *create = calloc((size_t)n, sizeof *create), *answer = calloc((size_t)n, sizeof *answer);
    char **urls = calloc((size_t)n, sizeof *urls), **bodies = calloc((size_t)n, sizeof *bodies);
    double *lat = calloc(2 * (size_t)n, sizeof *lat);
    for (int i = 0; i < n; i++) {
        urls[i] = malloc(512); bodies[i] = malloc(512);
        snprintf(urls[i], 512, "%s/v1/negotiations", url);
        snprintf(bodies[i], 512, "{\"a\":\"%s\",\"action\":\"harbour\",\"outside\":\"towers\",\"payments\":[%d]}", aname, 10 + i % 50);
    }
    double t0 = now(), deadline = t0 + limit;
    int created = phase(m, create, n, urls, bodies, kb, deadline);
    int k = 0;
    for (int i = 0; i < n; i++) if (create[i].id > 0) {
        snprintf(urls[k], 512, "%s/v1/negotiations/%ld/answer", url, create[i].id);
        snprintf(bodies[k], 512, "{\"accept\":%s}", i % 2 ? "true" : "false");
        k++;
    }
    int answered = phase(m, answer, k, urls, bodies, ka, deadline);
    double total = now() - t0;
    size_t nl = 0;
    for (int i = 0; i < n; i++) if (create[i].t1 > 0) lat[nl++] = create[i].t1 - create[i].t0;
    for (int i = 0; i < k; i++) if (answer[i].t1 > 0) lat[nl++] = answer[i].t1 - answer[i].t0;
    qsort(lat, nl, sizeof *lat, dcmp);
    double p50 = nl ? lat[nl / 2] : 0, p99 = nl ? lat[(size_t)(0.99 * (double)(nl - 1))] : 0;
    printf("negotiations: %d started at once, %d created, %d answered (closed) in %.2f s\n", n, created, answered, total);
    printf("completed negotiations per second: %.1f\n", answered / total);
    printf("request latency: p50 %.1f ms, p99 %.1f ms (%zu requests)\n", p50 * 1e3, p99 * 1e3, nl);
    for (int i = 0; i < n; i++) { free(urls[i]); free(bodies[i]); }
    free(urls); free(bodies); free(create); free(answer); free(lat);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    return answered == n ? 0 : 1;
}
