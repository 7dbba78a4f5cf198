/*
 * ledger.c -- the broker's durable record (SQLite + libsodium).
 *
 * Tables: parties (name, hash of the API key), negotiations (the current
 * state, derived), events (append-only: triggers refuse UPDATE and DELETE;
 * each row carries BLAKE2b(prev hash || seq || negotiation || kind || body),
 * so any edit breaks the chain), idempotency (the first response to a
 * retried request).  Every change is one BEGIN IMMEDIATE transaction in WAL
 * mode with synchronous=FULL, so a call that returned is on disk and a
 * crash leaves either all of a change or none of it.
 *
 * API keys are "<party id>.<64 hex digits>" from libsodium's CSPRNG; only
 * BLAKE2b of the secret part is stored, compared with sodium_memcmp.
 *
 * The protocol of a negotiation (schedule c_1..c_n, p_1 = 1, ..., p_n):
 *   create -> open at step 1
 *   answer accept at step i -> close accepted, B pays c_i
 *   answer reject at step i -> i = n: close rejected
 *                           -> else coin(p_{i+1}): go on to step i+1 or
 *                              close rejected (the broker draws it)
 */
#include "internal.h"
#include "oneway_broker.h"
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define LEDGER_FORMAT "oneway-ledger-1"
#define HASH 32

struct ow_ledger {
    sqlite3 *db;
    char *path;
};

static const char *schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS parties(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
    "  key_hash BLOB NOT NULL, created TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS negotiations(id INTEGER PRIMARY KEY,"
    "  a_party INTEGER NOT NULL REFERENCES parties(id), b_party INTEGER NOT NULL REFERENCES parties(id),"
    "  spec TEXT NOT NULL, state TEXT NOT NULL, step INTEGER NOT NULL, payment REAL, updated TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS neg_a ON negotiations(a_party);"
    "CREATE INDEX IF NOT EXISTS neg_b ON negotiations(b_party);"
    "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, negotiation INTEGER,"
    "  kind TEXT NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS idempotency(party INTEGER NOT NULL, key TEXT NOT NULL,"
    "  response TEXT NOT NULL, PRIMARY KEY(party, key));"
    "CREATE TRIGGER IF NOT EXISTS events_append_only_u BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS events_append_only_d BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;";

static ow_status dberr(ow_ledger *l, ow_error *err, const char *what)
{
    int code = sqlite3_errcode(l->db);
    ow_status s = (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) ? OW_ECORRUPT : OW_EIO;
    return ow__fail(err, s, "%s: %s: %s", l->path, what, sqlite3_errmsg(l->db));
}

static void now_iso(char *buf, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void chain_hash(const unsigned char *prev, int64_t seq, int64_t neg, const char *kind,
                       const char *body, unsigned char *out)
{
    crypto_generichash_state st;
    unsigned char b[8];
    crypto_generichash_init(&st, NULL, 0, HASH);
    crypto_generichash_update(&st, prev, HASH);
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)seq >> (8 * i));
    crypto_generichash_update(&st, b, 8);
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)neg >> (8 * i));
    crypto_generichash_update(&st, b, 8);
    crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
    crypto_generichash_update(&st, (const unsigned char *)body, strlen(body));
    crypto_generichash_final(&st, out, HASH);
}

static int exec(ow_ledger *l, const char *sql) { return sqlite3_exec(l->db, sql, NULL, NULL, NULL); }

void ow_ledger_close(ow_ledger *l)
{
    if (!l) return;
    sqlite3_close(l->db);
    free(l->path);
    free(l);
}

ow_ledger *ow_ledger_open(const char *path, ow_error *err)
{
    if (sodium_init() < 0) { ow__fail(err, OW_EINTERNAL, "libsodium could not start"); return NULL; }
    ow_ledger *l = ow__malloc(1, sizeof *l, err);
    if (!l) return NULL;
    l->path = ow__strdup(path);
    struct stat st;
    int exists = stat(path, &st) == 0 && st.st_size > 0;
    if (sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        ow__fail(err, OW_EIO, "%s: cannot open: %s", path, l->db ? sqlite3_errmsg(l->db) : "out of memory");
        goto err;
    }
    sqlite3_busy_timeout(l->db, 10000);
    if (exists) {
        /* a damaged file is reported, never used */
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(l->db, "PRAGMA quick_check", -1, &q, NULL) != SQLITE_OK) {
            ow__fail(err, OW_ECORRUPT, "%s: not a usable ledger: %s", path, sqlite3_errmsg(l->db));
            goto err;
        }
        int rc = sqlite3_step(q);
        const char *r = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
        if (!r || strcmp(r, "ok")) {
            ow__fail(err, OW_ECORRUPT, "%s: the ledger is damaged: %s", path, r ? r : sqlite3_errmsg(l->db));
            sqlite3_finalize(q);
            goto err;
        }
        sqlite3_finalize(q);
        if (sqlite3_prepare_v2(l->db, "SELECT value FROM meta WHERE key = 'format'", -1, &q, NULL) != SQLITE_OK ||
            sqlite3_step(q) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(q, 0), LEDGER_FORMAT)) {
            sqlite3_finalize(q);
            ow__fail(err, OW_ECORRUPT, "%s: not a oneway ledger", path);
            goto err;
        }
        sqlite3_finalize(q);
    }
    if (exec(l, "PRAGMA journal_mode=WAL") || exec(l, "PRAGMA synchronous=FULL") ||
        exec(l, "PRAGMA foreign_keys=ON") || exec(l, schema) ||
        exec(l, "INSERT OR IGNORE INTO meta(key, value) VALUES('format', '" LEDGER_FORMAT "')")) {
        dberr(l, err, "cannot prepare the ledger");
        goto err;
    }
    return l;
err:
    ow_ledger_close(l);
    return NULL;
}

/* append an event inside the current transaction */
static ow_status append(ow_ledger *l, int64_t neg, const char *kind, json_t *body, ow_error *err)
{
    char *txt = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    if (!txt) return ow__fail(err, OW_ENOMEM, "out of memory");
    unsigned char prev[HASH] = { 0 }, h[HASH];
    int64_t seq = 1;
    sqlite3_stmt *q = NULL;
    ow_status s = OW_OK;
    if (sqlite3_prepare_v2(l->db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", -1, &q, NULL) != SQLITE_OK)
        { s = dberr(l, err, "reading the chain"); goto out; }
    if (sqlite3_step(q) == SQLITE_ROW) {
        seq = sqlite3_column_int64(q, 0) + 1;
        if (sqlite3_column_bytes(q, 1) == HASH) memcpy(prev, sqlite3_column_blob(q, 1), HASH);
    }
    sqlite3_finalize(q);
    q = NULL;
    chain_hash(prev, seq, neg, kind, txt, h);
    char at[32];
    now_iso(at, sizeof at);
    if (sqlite3_prepare_v2(l->db, "INSERT INTO events(seq, negotiation, kind, body, at, prev, hash) VALUES(?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK) { s = dberr(l, err, "appending"); goto out; }
    sqlite3_bind_int64(q, 1, seq);
    if (neg) sqlite3_bind_int64(q, 2, neg); else sqlite3_bind_null(q, 2);
    sqlite3_bind_text(q, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, txt, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, at, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 6, prev, HASH, SQLITE_STATIC);
    sqlite3_bind_blob(q, 7, h, HASH, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) s = dberr(l, err, "appending");
out:
    sqlite3_finalize(q);
    free(txt);
    return s;
}

static ow_status begin(ow_ledger *l, ow_error *err)
{
    return exec(l, "BEGIN IMMEDIATE") ? dberr(l, err, "starting a transaction") : OW_OK;
}

static ow_status finish(ow_ledger *l, ow_status s, ow_error *err)
{
    if (s) { exec(l, "ROLLBACK"); return s; }
    if (exec(l, "COMMIT")) { ow_status e = dberr(l, err, "committing"); exec(l, "ROLLBACK"); return e; }
    return OW_OK;
}

/* ------------------------------------------------------------- parties */

ow_status ow_ledger_add_party(ow_ledger *l, const char *name, char *key, int64_t *id, ow_error *err)
{
    if (!name || !*name || strlen(name) > OW_NAME_MAX)
        return ow__fail(err, OW_EINPUT, "a party name must have 1 to %d bytes", OW_NAME_MAX);
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20) return ow__fail(err, OW_EINPUT, "a party name may not hold control characters");
    unsigned char secret[32], h[HASH];
    char hex[65];
    randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
    crypto_generichash(h, HASH, (const unsigned char *)hex, 64, NULL, 0);
    ow_status s = begin(l, err);
    if (s) return s;
    sqlite3_stmt *q = NULL;
    char at[32];
    now_iso(at, sizeof at);
    int64_t pid = 0;
    if (sqlite3_prepare_v2(l->db, "INSERT INTO parties(name, key_hash, created) VALUES(?,?,?)", -1, &q, NULL) != SQLITE_OK)
        { s = dberr(l, err, "adding a party"); goto out; }
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 2, h, HASH, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, at, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_CONSTRAINT) { s = ow__fail(err, OW_EINPUT, "a party named \"%s\" exists already", name); goto out; }
    if (rc != SQLITE_DONE) { s = dberr(l, err, "adding a party"); goto out; }
    pid = sqlite3_last_insert_rowid(l->db);
    json_t *body = json_pack("{s:s, s:I}", "name", name, "id", (json_int_t)pid);
    s = append(l, 0, "party", body, err);
    json_decref(body);
out:
    sqlite3_finalize(q);
    s = finish(l, s, err);
    if (!s) {
        snprintf(key, OW_KEY_MAX, "%lld.%s", (long long)pid, hex);
        if (id) *id = pid;
    }
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(hex, sizeof hex);
    return s;
}

ow_status ow_ledger_auth(ow_ledger *l, const char *key, int64_t *party, ow_error *err)
{
    if (!key) return ow__fail(err, OW_EAUTH, "no API key");
    char *e;
    long long pid = strtoll(key, &e, 10);
    if (e == key || *e != '.' || strlen(e + 1) != 64 || pid <= 0) return ow__fail(err, OW_EAUTH, "not a valid API key");
    unsigned char h[HASH];
    crypto_generichash(h, HASH, (const unsigned char *)(e + 1), 64, NULL, 0);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(l->db, "SELECT key_hash FROM parties WHERE id = ?", -1, &q, NULL) != SQLITE_OK)
        return dberr(l, err, "reading parties");
    sqlite3_bind_int64(q, 1, pid);
    int ok = 0;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 0) == HASH)
        ok = sodium_memcmp(h, sqlite3_column_blob(q, 0), HASH) == 0;
    sqlite3_finalize(q);
    if (!ok) return ow__fail(err, OW_EAUTH, "not a valid API key");
    *party = pid;
    return OW_OK;
}

static ow_status party_name(ow_ledger *l, int64_t id, char *name, size_t len, ow_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(l->db, "SELECT name FROM parties WHERE id = ?", -1, &q, NULL) != SQLITE_OK)
        return dberr(l, err, "reading parties");
    sqlite3_bind_int64(q, 1, id);
    ow_status s = OW_OK;
    if (sqlite3_step(q) == SQLITE_ROW) snprintf(name, len, "%s", (const char *)sqlite3_column_text(q, 0));
    else s = ow__fail(err, OW_ENOTFOUND, "no party %lld", (long long)id);
    sqlite3_finalize(q);
    return s;
}

/* -------------------------------------------------------- negotiations */

static json_t *neg_doc(ow_ledger *l, sqlite3_stmt *q)
{
    char a[OW_NAME_MAX + 1] = "", b[OW_NAME_MAX + 1] = "";
    party_name(l, sqlite3_column_int64(q, 1), a, sizeof a, NULL);
    party_name(l, sqlite3_column_int64(q, 2), b, sizeof b, NULL);
    json_t *spec = json_loads((const char *)sqlite3_column_text(q, 3), 0, NULL);
    json_t *d = json_pack("{s:I, s:s, s:s, s:o, s:s, s:i}", "id", (json_int_t)sqlite3_column_int64(q, 0),
                          "a", a, "b", b, "spec", spec ? spec : json_null(),
                          "state", (const char *)sqlite3_column_text(q, 4), "step", sqlite3_column_int(q, 5));
    if (d && sqlite3_column_type(q, 6) != SQLITE_NULL)
        json_object_set_new(d, "payment", json_real(sqlite3_column_double(q, 6)));
    if (d && spec && !strcmp((const char *)sqlite3_column_text(q, 4), "open")) {
        json_t *pay = json_array_get(json_object_get(spec, "payments"), (size_t)sqlite3_column_int(q, 5) - 1);
        if (pay) json_object_set(d, "offer", pay);
    }
    return d;
}

#define NEG_COLS "id, a_party, b_party, spec, state, step, payment"

static ow_status load_neg(ow_ledger *l, int64_t id, json_t **doc, int64_t *a, int64_t *b, ow_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(l->db, "SELECT " NEG_COLS " FROM negotiations WHERE id = ?", -1, &q, NULL) != SQLITE_OK)
        return dberr(l, err, "reading negotiations");
    sqlite3_bind_int64(q, 1, id);
    ow_status s = OW_OK;
    if (sqlite3_step(q) == SQLITE_ROW) {
        if (a) *a = sqlite3_column_int64(q, 1);
        if (b) *b = sqlite3_column_int64(q, 2);
        if (doc && !(*doc = neg_doc(l, q))) s = ow__fail(err, OW_ENOMEM, "out of memory");
    } else {
        s = ow__fail(err, OW_ENOTFOUND, "no negotiation %lld", (long long)id);
    }
    sqlite3_finalize(q);
    return s;
}

/* a stored response for (party, idem), or NULL */
static json_t *replay(ow_ledger *l, int64_t party, const char *idem)
{
    if (!idem) return NULL;
    sqlite3_stmt *q;
    json_t *r = NULL;
    if (sqlite3_prepare_v2(l->db, "SELECT response FROM idempotency WHERE party = ? AND key = ?", -1, &q, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(q, 1, party);
    sqlite3_bind_text(q, 2, idem, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) r = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL);
    sqlite3_finalize(q);
    return r;
}

static ow_status remember(ow_ledger *l, int64_t party, const char *idem, json_t *resp, ow_error *err)
{
    if (!idem) return OW_OK;
    char *txt = json_dumps(resp, JSON_COMPACT | JSON_REAL_PRECISION(17));
    sqlite3_stmt *q;
    ow_status s = OW_OK;
    if (!txt) return ow__fail(err, OW_ENOMEM, "out of memory");
    if (sqlite3_prepare_v2(l->db, "INSERT INTO idempotency(party, key, response) VALUES(?,?,?)", -1, &q, NULL) != SQLITE_OK) {
        free(txt);
        return dberr(l, err, "recording the response");
    }
    sqlite3_bind_int64(q, 1, party);
    sqlite3_bind_text(q, 2, idem, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, txt, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) s = dberr(l, err, "recording the response");
    sqlite3_finalize(q);
    free(txt);
    return s;
}

/* validate a spec; fills n and the party id of A */
static ow_status check_spec(ow_ledger *l, int64_t b, const json_t *spec, int64_t *a, size_t *n, ow_error *err)
{
    if (!json_is_object(spec)) return ow__fail(err, OW_EINPUT, "expected an object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)spec, k, v)
        if (strcmp(k, "a") && strcmp(k, "action") && strcmp(k, "outside") && strcmp(k, "payments") && strcmp(k, "probs"))
            return ow__fail(err, OW_EINPUT, "unknown field \"%s\"", k);
    static const char *const str[] = { "a", "action", "outside" };
    for (int i = 0; i < 3; i++) {
        v = json_object_get(spec, str[i]);
        if (!json_is_string(v)) return ow__fail(err, OW_EINPUT, "\"%s\": expected a string", str[i]);
        size_t len = strlen(json_string_value(v));
        if (len == 0 || len > OW_NAME_MAX) return ow__fail(err, OW_EINPUT, "\"%s\": expected 1 to %d bytes", str[i], OW_NAME_MAX);
    }
    json_t *pay = json_object_get(spec, "payments"), *pr = json_object_get(spec, "probs");
    if (!json_is_array(pay) || json_array_size(pay) == 0)
        return ow__fail(err, OW_EINPUT, "\"payments\": expected a non-empty array of numbers");
    *n = json_array_size(pay);
    if (*n > OW_SCHEDULE_MAX) return ow__fail(err, OW_EINPUT, "\"payments\": at most %d offers", OW_SCHEDULE_MAX);
    for (size_t i = 0; i < *n; i++) {
        json_t *x = json_array_get(pay, i);
        if (!json_is_number(x) || !isfinite(json_number_value(x)) || json_number_value(x) < 0)
            return ow__fail(err, OW_EINPUT, "\"payments\"[%zu]: expected a finite number >= 0", i);
    }
    if (pr) {
        if (!json_is_array(pr) || json_array_size(pr) != *n)
            return ow__fail(err, OW_EINPUT, "\"probs\": expected %zu probabilities, one per payment", *n);
        for (size_t i = 0; i < *n; i++) {
            json_t *x = json_array_get(pr, i);
            double p = json_is_number(x) ? json_number_value(x) : NAN;
            if (!(p >= 0 && p <= 1)) return ow__fail(err, OW_EINPUT, "\"probs\"[%zu]: expected a probability in [0, 1]", i);
            if (i == 0 && p != 1) return ow__fail(err, OW_EINPUT, "\"probs\"[0]: the first offer is always made (p_1 = 1)");
        }
    } else if (*n > 1) {
        return ow__fail(err, OW_EINPUT, "\"probs\": a schedule of %zu offers needs its continuation probabilities", *n);
    }
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(l->db, "SELECT id FROM parties WHERE name = ?", -1, &q, NULL) != SQLITE_OK)
        return dberr(l, err, "reading parties");
    sqlite3_bind_text(q, 1, json_string_value(json_object_get(spec, "a")), -1, SQLITE_STATIC);
    ow_status s = OW_OK;
    if (sqlite3_step(q) == SQLITE_ROW) *a = sqlite3_column_int64(q, 0);
    else s = ow__fail(err, OW_EINPUT, "\"a\": no party named \"%s\"", json_string_value(json_object_get(spec, "a")));
    sqlite3_finalize(q);
    if (!s && *a == b) s = ow__fail(err, OW_EINPUT, "\"a\": a party cannot negotiate with itself");
    return s;
}

ow_status ow_ledger_create(ow_ledger *l, int64_t b, const json_t *spec, const char *idem, json_t **out, ow_error *err)
{
    *out = NULL;
    ow_status s = begin(l, err);
    if (s) return s;
    if ((*out = replay(l, b, idem))) return finish(l, OW_OK, err);
    int64_t a = 0, id = 0;
    size_t n;
    sqlite3_stmt *q = NULL;
    json_t *full = NULL;
    char *txt = NULL, at[32];
    if ((s = check_spec(l, b, spec, &a, &n, err))) goto out;
    full = json_deep_copy(spec);
    if (!json_object_get(full, "probs")) json_object_set_new(full, "probs", json_pack("[f]", 1.0));
    txt = json_dumps(full, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    now_iso(at, sizeof at);
    if (!txt) { s = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
    if (sqlite3_prepare_v2(l->db, "INSERT INTO negotiations(a_party, b_party, spec, state, step, updated) VALUES(?,?,?,'open',1,?)",
                           -1, &q, NULL) != SQLITE_OK) { s = dberr(l, err, "creating"); goto out; }
    sqlite3_bind_int64(q, 1, a);
    sqlite3_bind_int64(q, 2, b);
    sqlite3_bind_text(q, 3, txt, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, at, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) { s = dberr(l, err, "creating"); goto out; }
    id = sqlite3_last_insert_rowid(l->db);
    json_t *body = json_pack("{s:I, s:I, s:O}", "a", (json_int_t)a, "b", (json_int_t)b, "spec", full);
    s = append(l, id, "create", body, err);
    json_decref(body);
    if (!s) s = load_neg(l, id, out, NULL, NULL, err);
    if (!s) s = remember(l, b, idem, *out, err);
out:
    sqlite3_finalize(q);
    json_decref(full);
    free(txt);
    s = finish(l, s, err);
    if (s) { json_decref(*out); *out = NULL; }
    return s;
}

static ow_status set_state(ow_ledger *l, int64_t id, const char *state, int step, double payment, ow_error *err)
{
    sqlite3_stmt *q;
    char at[32];
    now_iso(at, sizeof at);
    if (sqlite3_prepare_v2(l->db, "UPDATE negotiations SET state = ?, step = ?, payment = ?, updated = ? WHERE id = ?",
                           -1, &q, NULL) != SQLITE_OK) return dberr(l, err, "updating");
    sqlite3_bind_text(q, 1, state, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, step);
    if (isnan(payment)) sqlite3_bind_null(q, 3); else sqlite3_bind_double(q, 3, payment);
    sqlite3_bind_text(q, 4, at, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, id);
    ow_status s = sqlite3_step(q) == SQLITE_DONE ? OW_OK : dberr(l, err, "updating");
    sqlite3_finalize(q);
    return s;
}

ow_status ow_ledger_answer(ow_ledger *l, int64_t party, int64_t id, int accept, int step,
                           const char *idem, json_t **out, ow_error *err)
{
    *out = NULL;
    ow_status s = begin(l, err);
    if (s) return s;
    if ((*out = replay(l, party, idem))) return finish(l, OW_OK, err);
    json_t *doc = NULL;
    int64_t a, b;
    if ((s = load_neg(l, id, &doc, &a, &b, err))) goto out;
    if (party != a) {
        s = ow__fail(err, OW_EFORBIDDEN, party == b ? "only A answers an offer" : "not your negotiation");
        goto out;
    }
    if (strcmp(json_string_value(json_object_get(doc, "state")), "open")) {
        s = ow__fail(err, OW_ESTATE, "negotiation %lld is closed (%s)", (long long)id, json_string_value(json_object_get(doc, "state")));
        goto out;
    }
    int cur = (int)json_integer_value(json_object_get(doc, "step"));
    if (step && step != cur) { s = ow__fail(err, OW_ESTATE, "step %d is not open (step %d is)", step, cur); goto out; }
    json_t *spec = json_object_get(doc, "spec");
    json_t *pay = json_object_get(spec, "payments"), *pr = json_object_get(spec, "probs");
    size_t n = json_array_size(pay);
    double c = json_number_value(json_array_get(pay, (size_t)cur - 1));
    json_t *ev = json_pack("{s:i, s:b}", "step", cur, "accept", accept);
    s = append(l, id, "answer", ev, err);
    json_decref(ev);
    if (s) goto out;
    if (accept) {
        ev = json_pack("{s:s, s:i, s:f}", "outcome", "accepted", "step", cur, "payment", c);
        if (!(s = append(l, id, "close", ev, err))) s = set_state(l, id, "accepted", cur, c, err);
        json_decref(ev);
    } else if ((size_t)cur == n) {
        ev = json_pack("{s:s, s:i}", "outcome", "rejected", "step", cur);
        if (!(s = append(l, id, "close", ev, err))) s = set_state(l, id, "rejected", cur, NAN, err);
        json_decref(ev);
    } else {
        /* the broker's coin: the next offer is made with probability p_{i+1} */
        double p = json_number_value(json_array_get(pr, (size_t)cur));
        double u = (double)randombytes_uniform(UINT32_MAX) / (double)UINT32_MAX;
        int go = u < p;
        ev = json_pack("{s:i, s:f, s:f, s:b}", "step", cur + 1, "p", p, "draw", u, "continue", go);
        s = append(l, id, "coin", ev, err);
        json_decref(ev);
        if (!s && go) s = set_state(l, id, "open", cur + 1, NAN, err);
        else if (!s) {
            ev = json_pack("{s:s, s:i}", "outcome", "rejected", "step", cur);
            if (!(s = append(l, id, "close", ev, err))) s = set_state(l, id, "rejected", cur, NAN, err);
            json_decref(ev);
        }
    }
    if (!s) s = load_neg(l, id, out, NULL, NULL, err);
    if (!s) s = remember(l, party, idem, *out, err);
out:
    json_decref(doc);
    s = finish(l, s, err);
    if (s) { json_decref(*out); *out = NULL; }
    return s;
}

ow_status ow_ledger_get(ow_ledger *l, int64_t party, int64_t id, json_t **out, ow_error *err)
{
    int64_t a = 0, b = 0;
    *out = NULL;
    ow_status s = load_neg(l, id, out, &a, &b, err);
    if (!s && party != a && party != b) {
        json_decref(*out);
        *out = NULL;
        /* not found rather than forbidden: others' negotiations are not disclosed */
        return ow__fail(err, OW_ENOTFOUND, "no negotiation %lld", (long long)id);
    }
    return s;
}

ow_status ow_ledger_list(ow_ledger *l, int64_t party, json_t **out, ow_error *err)
{
    sqlite3_stmt *q;
    *out = json_array();
    if (sqlite3_prepare_v2(l->db, "SELECT " NEG_COLS " FROM negotiations WHERE a_party = ?1 OR b_party = ?1 ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK) { json_decref(*out); *out = NULL; return dberr(l, err, "listing"); }
    sqlite3_bind_int64(q, 1, party);
    while (sqlite3_step(q) == SQLITE_ROW) json_array_append_new(*out, neg_doc(l, q));
    sqlite3_finalize(q);
    return OW_OK;
}

/* --------------------------------------------------------------- verify */

typedef struct nstate { int64_t id; int open, step, n, closed, accepted; char outcome[16]; } nstate;

ow_status ow_ledger_verify(const char *path, char **report, ow_error *err)
{
    if (sodium_init() < 0) return ow__fail(err, OW_EINTERNAL, "libsodium could not start");
    if (report) *report = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    ow_status s = OW_OK;
    nstate *ns = NULL;
    size_t nn = 0, cap = 0, nev = 0, nparties = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        s = ow__fail(err, OW_EIO, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(q, 0), "ok")) {
        s = ow__fail(err, OW_ECORRUPT, "%s: the database is damaged: %s", path,
                     q && sqlite3_column_text(q, 0) ? (const char *)sqlite3_column_text(q, 0) : sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT seq, negotiation, kind, body, prev, hash FROM events ORDER BY seq", -1, &q, NULL) != SQLITE_OK) {
        s = ow__fail(err, OW_ECORRUPT, "%s: not a oneway ledger: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    unsigned char prev[HASH] = { 0 }, h[HASH];
    int64_t expect = 1;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(q, 0), neg = sqlite3_column_int64(q, 1);
        const char *kind = (const char *)sqlite3_column_text(q, 2), *body = (const char *)sqlite3_column_text(q, 3);
        nev++;
        if (seq != expect) { s = ow__fail(err, OW_ECORRUPT, "%s: event %lld missing (found %lld)", path, (long long)expect, (long long)seq); goto out; }
        expect++;
        if (sqlite3_column_bytes(q, 4) != HASH || memcmp(sqlite3_column_blob(q, 4), prev, HASH)) {
            s = ow__fail(err, OW_ECORRUPT, "%s: event %lld does not link to the one before", path, (long long)seq);
            goto out;
        }
        chain_hash(prev, seq, neg, kind ? kind : "", body ? body : "", h);
        if (sqlite3_column_bytes(q, 5) != HASH || memcmp(sqlite3_column_blob(q, 5), h, HASH)) {
            s = ow__fail(err, OW_ECORRUPT, "%s: event %lld was altered (its hash does not match)", path, (long long)seq);
            goto out;
        }
        memcpy(prev, h, HASH);
        /* the protocol, event by event */
        json_t *b = json_loads(body ? body : "", 0, NULL);
        if (!b) { s = ow__fail(err, OW_ECORRUPT, "%s: event %lld: body is not JSON", path, (long long)seq); goto out; }
        if (!strcmp(kind, "party")) { nparties++; json_decref(b); continue; }
        nstate *st = NULL;
        for (size_t i = 0; i < nn; i++) if (ns[i].id == neg) { st = &ns[i]; break; }
        const char *bad = NULL;
        if (!strcmp(kind, "create")) {
            if (st) bad = "created twice";
            else {
                if (nn == cap) { cap = cap ? 2 * cap : 64; nstate *x = realloc(ns, cap * sizeof *ns); if (!x) { json_decref(b); s = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; } ns = x; }
                st = &ns[nn++];
                memset(st, 0, sizeof *st);
                st->id = neg; st->open = 1; st->step = 1;
                st->n = (int)json_array_size(json_object_get(json_object_get(b, "spec"), "payments"));
                if (st->n < 1) bad = "a schedule without offers";
            }
        } else if (!st) bad = "an event before its negotiation was created";
        else if (st->closed) bad = "an event after the negotiation closed";
        else if (!strcmp(kind, "answer")) {
            if (!st->open) bad = "an answer while no offer was open";
            else if (json_integer_value(json_object_get(b, "step")) != st->step) bad = "an answer to a step that was not open";
            else { st->open = 0; st->accepted = json_is_true(json_object_get(b, "accept")); }
        } else if (!strcmp(kind, "coin")) {
            if (st->open || st->accepted) bad = "a coin without a rejection before it";
            else if (json_integer_value(json_object_get(b, "step")) != st->step + 1 || st->step >= st->n) bad = "a coin for the wrong step";
            else if (json_is_true(json_object_get(b, "continue")) !=
                     (json_number_value(json_object_get(b, "draw")) < json_number_value(json_object_get(b, "p"))))
                bad = "a coin whose draw does not match its outcome";
            else if (json_is_true(json_object_get(b, "continue"))) { st->step++; st->open = 1; }
        } else if (!strcmp(kind, "close")) {
            const char *o = json_string_value(json_object_get(b, "outcome"));
            if (st->open) bad = "closed while an offer was open";
            else if (!o || (strcmp(o, "accepted") && strcmp(o, "rejected"))) bad = "an unknown outcome";
            else if ((strcmp(o, "accepted") == 0) != (st->accepted != 0)) bad = "an outcome that contradicts the answer";
            else { st->closed = 1; snprintf(st->outcome, sizeof st->outcome, "%s", o); }
        } else bad = "an unknown kind of event";
        json_decref(b);
        if (bad) { s = ow__fail(err, OW_ECORRUPT, "%s: event %lld (negotiation %lld): %s", path, (long long)seq, (long long)neg, bad); goto out; }
    }
    if (rc != SQLITE_DONE) { s = ow__fail(err, OW_ECORRUPT, "%s: reading events: %s", path, sqlite3_errmsg(db)); goto out; }
    sqlite3_finalize(q);
    q = NULL;
    /* the recorded state agrees with the events */
    if (sqlite3_prepare_v2(db, "SELECT id, state, step FROM negotiations ORDER BY id", -1, &q, NULL) != SQLITE_OK) {
        s = ow__fail(err, OW_ECORRUPT, "%s: not a oneway ledger: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    size_t nrows = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        const char *state = (const char *)sqlite3_column_text(q, 1);
        nstate *st = NULL;
        nrows++;
        for (size_t i = 0; i < nn; i++) if (ns[i].id == id) { st = &ns[i]; break; }
        const char *want = !st ? NULL : st->closed ? st->outcome : "open";
        if (!st || !state || strcmp(state, want) || sqlite3_column_int(q, 2) != st->step) {
            s = ow__fail(err, OW_ECORRUPT, "%s: negotiation %lld: its recorded state does not follow from its events", path, (long long)id);
            goto out;
        }
    }
    if (nrows != nn) { s = ow__fail(err, OW_ECORRUPT, "%s: %zu negotiations recorded, %zu created by events", path, nrows, nn); goto out; }
    if (report) {
        size_t closed = 0;
        for (size_t i = 0; i < nn; i++) closed += (size_t)ns[i].closed;
        char buf[256];
        snprintf(buf, sizeof buf, "%s: ok: %zu events in an unbroken chain, %zu parties, %zu negotiations (%zu closed)\n",
                 path, nev, nparties, nn, closed);
        *report = ow__strdup(buf);
    }
out:
    sqlite3_finalize(q);
    sqlite3_close(db);
    free(ns);
    return s;
}

ow_status ow_ledger_party_name(ow_ledger *l, int64_t id, char *name, size_t len, ow_error *err)
{
    return party_name(l, id, name, len, err);
}
