/*
 * broker.c -- the broker's HTTP/JSON service (libmicrohttpd) over the ledger.
 *
 *   POST /v1/negotiations                 B creates (body: the spec)
 *   GET  /v1/negotiations                 the caller's own negotiations
 *   GET  /v1/negotiations/{id}            one of them
 *   POST /v1/negotiations/{id}/answer     A answers: {"accept": bool, "step": n}
 *
 * Keys travel as "Authorization: Bearer KEY"; "Idempotency-Key: K" makes a
 * retried POST return its first response and change nothing.  Errors are
 * {"error": {"status", "code", "message"}} with 400 (bad JSON, unknown
 * fields, wrong types), 401 (no or bad key), 403, 404, 405, 409 (out of
 * order), 413 (body over OW_BROKER_MAX_BODY) or 415 (not JSON).
 *
 * One polling thread serves every connection, so ledger calls never
 * overlap (the ledger's transactions are per connection handle); each
 * acknowledged change is on disk before its response is queued.
 */
#include "internal.h"
#include "oneway_broker.h"
#include <microhttpd.h>
#include <arpa/inet.h>
#include "web_page.h"
#include <stdlib.h>
#include <string.h>

#ifndef OW_BROKER_MAX_BODY
#define OW_BROKER_MAX_BODY 65536
#endif

struct ow_broker {
    struct MHD_Daemon *d;
    ow_ledger *l;
    unsigned short port;
};

typedef struct req { char *body; size_t len; int too_big; } req;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, json_t *doc)
{
    char *txt = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(doc);
    if (!txt) return MHD_NO;
    size_t n = strlen(txt);
    txt[n] = 0;
    struct MHD_Response *r = MHD_create_response_from_buffer(n, txt, MHD_RESPMEM_MUST_FREE);
    if (!r) { free(txt); return MHD_NO; }
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *code, const char *msg)
{
    return reply(c, status, json_pack("{s:{s:i, s:s, s:s}}", "error", "status", (int)status, "code", code, "message", msg));
}

static enum MHD_Result from_status(struct MHD_Connection *c, ow_status s, const ow_error *e)
{
    switch (s) {
    case OW_EINPUT: return fail(c, 400, "bad_request", e->msg);
    case OW_EAUTH: return fail(c, 401, "unauthorized", e->msg);
    case OW_EFORBIDDEN: return fail(c, 403, "forbidden", e->msg);
    case OW_ENOTFOUND: return fail(c, 404, "not_found", e->msg);
    case OW_ESTATE: return fail(c, 409, "conflict", e->msg);
    default: return fail(c, 500, "internal", e->msg);
    }
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)cls; (void)c; (void)t;
    req *r = *con_cls;
    if (r) { free(r->body); free(r); }
    *con_cls = NULL;
}

/* the JSON body of a POST, or an error already queued (NULL) */
static json_t *body_json(struct MHD_Connection *c, req *r, enum MHD_Result *ret)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (r->too_big) { *ret = fail(c, 413, "too_large", "the body is larger than the broker accepts"); return NULL; }
    if (ct && strncmp(ct, "application/json", 16)) { *ret = fail(c, 415, "unsupported_media_type", "send application/json"); return NULL; }
    json_error_t je;
    json_t *j = json_loadb(r->body ? r->body : "", r->len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        char m[300];
        snprintf(m, sizeof m, "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
        *ret = fail(c, 400, "bad_json", m);
        return NULL;
    }
    return j;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    ow_broker *b = cls;
    req *r = *con_cls;
    if (!r) {
        if (!(r = calloc(1, sizeof *r))) return MHD_NO;
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {                          /* gather the body */
        if (r->len + *upload_size > OW_BROKER_MAX_BODY) r->too_big = 1;
        else {
            char *nb = realloc(r->body, r->len + *upload_size + 1);
            if (!nb) return MHD_NO;
            memcpy(nb + r->len, upload, *upload_size);
            r->body = nb;
            r->len += *upload_size;
            r->body[r->len] = 0;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    ow_error e = { OW_OK, "" };
    if (!strcmp(url, "/") || !strcmp(url, "/index.html")) {
        if (strcmp(method, "GET")) return fail(c, 405, "method_not_allowed", "GET");
        struct MHD_Response *page = MHD_create_response_from_buffer(sizeof ow_web_page - 1, (void *)ow_web_page,
                                                                    MHD_RESPMEM_PERSISTENT);
        if (!page) return MHD_NO;
        MHD_add_response_header(page, "Content-Type", "text/html; charset=utf-8");
        MHD_add_response_header(page, "Content-Security-Policy", "default-src 'self'; img-src data:; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
        enum MHD_Result pr = MHD_queue_response(c, 200, page);
        MHD_destroy_response(page);
        return pr;
    }
    int is_me = !strcmp(url, "/v1/me");
    if (!is_me && (strncmp(url, "/v1/negotiations", 16) || (url[16] && url[16] != '/')))
        return fail(c, 404, "not_found", "no such route (routes start with /v1/negotiations)");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    int64_t party;
    if (!auth || strncmp(auth, "Bearer ", 7)) return fail(c, 401, "unauthorized", "send Authorization: Bearer KEY");
    ow_status s = ow_ledger_auth(b->l, auth + 7, &party, &e);
    if (s) return from_status(c, s, &e);
    if (is_me) {
        char name[OW_NAME_MAX + 1];
        if (strcmp(method, "GET")) return fail(c, 405, "method_not_allowed", "GET");
        if ((s = ow_ledger_party_name(b->l, party, name, sizeof name, &e))) return from_status(c, s, &e);
        return reply(c, 200, json_pack("{s:I, s:s}", "id", (json_int_t)party, "name", name));
    }
    const char *idem = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
    if (idem && (strlen(idem) == 0 || strlen(idem) > 200)) return fail(c, 400, "bad_request", "Idempotency-Key: 1 to 200 characters");
    const char *rest = url + 16;
    json_t *out = NULL;
    enum MHD_Result ret = MHD_NO;
    if (!*rest || !strcmp(rest, "/")) {
        if (!strcmp(method, "GET")) {
            if ((s = ow_ledger_list(b->l, party, &out, &e))) return from_status(c, s, &e);
            return reply(c, 200, json_pack("{s:o}", "negotiations", out));
        }
        if (strcmp(method, "POST")) return fail(c, 405, "method_not_allowed", "GET or POST");
        json_t *spec = body_json(c, r, &ret);
        if (!spec) return ret;
        s = ow_ledger_create(b->l, party, spec, idem, &out, &e);
        json_decref(spec);
        return s ? from_status(c, s, &e) : reply(c, 201, out);
    }
    char *end;
    long long id = strtoll(rest + 1, &end, 10);
    if (end == rest + 1 || id <= 0) return fail(c, 404, "not_found", "no such negotiation");
    if (!*end) {
        if (strcmp(method, "GET")) return fail(c, 405, "method_not_allowed", "GET");
        s = ow_ledger_get(b->l, party, id, &out, &e);
        return s ? from_status(c, s, &e) : reply(c, 200, out);
    }
    if (strcmp(end, "/answer")) return fail(c, 404, "not_found", "no such route");
    if (strcmp(method, "POST")) return fail(c, 405, "method_not_allowed", "POST");
    json_t *ans = body_json(c, r, &ret);
    if (!ans) return ret;
    const char *k;
    json_t *v;
    json_object_foreach(ans, k, v)
        if (strcmp(k, "accept") && strcmp(k, "step")) {
            char m[200];
            snprintf(m, sizeof m, "unknown field \"%s\" (expected accept, step)", k);
            json_decref(ans);
            return fail(c, 400, "bad_request", m);
        }
    json_t *acc = json_object_get(ans, "accept"), *st = json_object_get(ans, "step");
    if (!json_is_boolean(acc)) { json_decref(ans); return fail(c, 400, "bad_request", "\"accept\": expected true or false"); }
    if (st && (!json_is_integer(st) || json_integer_value(st) < 1)) {
        json_decref(ans);
        return fail(c, 400, "bad_request", "\"step\": expected a whole number >= 1");
    }
    s = ow_ledger_answer(b->l, party, id, json_is_true(acc), st ? (int)json_integer_value(st) : 0, idem, &out, &e);
    json_decref(ans);
    return s ? from_status(c, s, &e) : reply(c, 200, out);
}

ow_broker *ow_broker_start(ow_ledger *l, const char *host, unsigned short port, ow_error *err)
{
    ow_broker *b = ow__malloc(1, sizeof *b, err);
    if (!b) return NULL;
    b->l = l;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        free(b);
        ow__fail(err, OW_EINPUT, "--listen: '%s' is not an IPv4 address", host);
        return NULL;
    }
    b->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, port, NULL, NULL, handler, b,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                            MHD_OPTION_END);
    if (!b->d) {
        free(b);
        ow__fail(err, OW_EIO, "cannot listen on %s:%u (address in use?)", host, port);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(b->d, MHD_DAEMON_INFO_BIND_PORT);
    b->port = info ? info->port : port;
    return b;
}

unsigned short ow_broker_port(const ow_broker *b) { return b->port; }

void ow_broker_stop(ow_broker *b)
{
    if (!b) return;
    MHD_stop_daemon(b->d);
    free(b);
}
