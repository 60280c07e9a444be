/*
 * The archive handle: opening the LMDB environment, the writer lock, and
 * the write-transaction machinery every write goes through (map growth,
 * fault injection for the crash tests).
 */
#include "archive/store.h"
#include "gazette/tlog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "gazette/tlog.h"

static _Thread_local int tl_map_full;

int gaz_archive_mdb_error(int rc, const char *what)
{
	if (!what)
		what = "archive";
	switch (rc) {
	case 0:
		return 0;
	case MDB_MAP_FULL:
		tl_map_full = 1;
		return gaz_fail(GAZ_ETOOBIG, "%s: archive map full (grow it with --map-size)", what);
	case MDB_KEYEXIST:
		return gaz_fail(GAZ_EEXIST, "%s: already stored; the archive never overwrites", what);
	case MDB_NOTFOUND:
		return gaz_fail(GAZ_ENOTFOUND, "%s: not found", what);
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
	case MDB_INCOMPATIBLE:
	case MDB_BAD_VALSIZE:
		return gaz_fail(GAZ_ECORRUPT, "%s: damaged data file: %s", what, mdb_strerror(rc));
	case MDB_READERS_FULL:
	case MDB_MAP_RESIZED:
		return gaz_fail(GAZ_EBUSY, "%s: %s", what, mdb_strerror(rc));
	case ENOMEM:
		return gaz_fail(GAZ_ENOMEM, "%s: out of memory", what);
	case ENOSPC:
		return gaz_fail(GAZ_EIO, "%s: disk full; nothing was written", what);
	case EACCES:
	case EPERM:
	case EROFS:
		return gaz_fail(GAZ_EIO, "%s: not writable: %s", what, strerror(rc));
	default:
		return gaz_fail(GAZ_EIO, "%s: %s", what, mdb_strerror(rc));
	}
}

/* ---- fault injection ------------------------------------------------------ */

/* Per thread: the count is of the write transaction's calls in the thread
 * that writes; look-ups in other threads (ar_latest_version is shared)
 * neither count nor abort. */
static _Thread_local unsigned fault_after, fault_count;
static _Thread_local int fault_loaded;

static void fault_tick(void)
{
	fault_count++;
	if (fault_after && fault_count == fault_after)
		abort();
}

unsigned gaz_archive_fault_calls(void)
{
	return fault_count;
}

static void fault_reset(void)
{
	const char *s;
	uint64_t v;

	if (!fault_loaded) {
		fault_loaded = 1;
		s = getenv("GAZETTE_FAULT_AFTER");
		if (s && !gaz_parse_uint(s, strlen(s), UINT_MAX, &v))
			fault_after = (unsigned)v;
	}
	fault_count = 0;
}

/* Write-side LMDB calls go through these so each counts as one step. */
int ar_w(int rc)
{
	fault_tick();
	return rc;
}

/* ---- opening ----------------------------------------------------------------- */

static const struct {
	const char *name;
	size_t off;
} dbis[] = {
	{ "meta", offsetof(struct gaz_archive, meta) },
	{ "blob", offsetof(struct gaz_archive, blob) },
	{ "version", offsetof(struct gaz_archive, version) },
	{ "doc", offsetof(struct gaz_archive, doc) },
	{ "index", offsetof(struct gaz_archive, index) },
	{ "status", offsetof(struct gaz_archive, status) },
	{ "audit", offsetof(struct gaz_archive, audit) },
	{ "submission", offsetof(struct gaz_archive, subm) },
};

/* The search index's and the log's databases (search_int.h, tlog.c): they
 * open them by name in every transaction, which is only a look-up, safe
 * from any thread, once the environment holds the handle.  So every name
 * is opened here, once; an archive without them simply skips them. */
static const char *const module_dbis[] = {
	"fts_terms", "fts_docs", "fts_cols", "fts_info",
	"log_leaves", "log_nodes", "log_heads",
};

static int open_dbis(struct gaz_archive *a, int write)
{
	MDB_txn *txn = NULL;
	struct ar_meta m = { 0 };
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	MDB_val k = { 6, "schema" }, v;
	size_t i;
	int rc;

	if ((rc = mdb_txn_begin(a->env, NULL, write ? 0 : MDB_RDONLY, &txn))) {
		rc = gaz_archive_mdb_error(rc, a->dir);
		goto end;
	}
	for (i = 0; i < sizeof dbis / sizeof *dbis; i++) {
		MDB_dbi *d = (MDB_dbi *)((char *)a + dbis[i].off);
		if ((rc = mdb_dbi_open(txn, dbis[i].name, write ? MDB_CREATE : 0, d))) {
			rc = rc == MDB_NOTFOUND
				? gaz_fail(GAZ_ECORRUPT, "%s: not a gazette archive (no sub-database '%s')",
					   a->dir, dbis[i].name)
				: gaz_archive_mdb_error(rc, a->dir);
			goto end;
		}
	}
	if (write && ((rc = gaz_tlog_init(txn)) || (rc = gaz_search_init(txn))))
		goto end;
	for (i = 0; i < sizeof module_dbis / sizeof *module_dbis; i++) {
		MDB_dbi d;
		rc = mdb_dbi_open(txn, module_dbis[i], 0, &d);
		if (rc && rc != MDB_NOTFOUND) {
			rc = gaz_archive_mdb_error(rc, a->dir);
			goto end;
		}
	}
	rc = mdb_get(txn, a->meta, &k, &v);
	if (rc == MDB_NOTFOUND && write) {
		m.schema = a->schema;
		m.program = a->schema == 1 ? "gazette archive schema 1" : "gazette archive schema 2";
		if ((rc = rec_encode(GAZ_REC_META, &m, &b)))
			goto end;
		m.program = NULL;
		v.mv_data = b.data;
		v.mv_size = b.len;
		if ((rc = mdb_put(txn, a->meta, &k, &v, MDB_NOOVERWRITE))) {
			rc = gaz_archive_mdb_error(rc, a->dir);
			goto end;
		}
	} else if (rc) {
		rc = rc == MDB_NOTFOUND
			? gaz_fail(GAZ_ECORRUPT, "%s: not a gazette archive (no schema record)", a->dir)
			: gaz_archive_mdb_error(rc, a->dir);
		goto end;
	} else {
		if ((rc = gaz_rec_decode(GAZ_REC_META, v.mv_data, v.mv_size, &m)))
			goto end;
		if (m.schema > GAZ_AR_SCHEMA_VERSION) {
			rc = gaz_fail(GAZ_EINVAL, "%s: archive schema %u is newer than this program's (%u)",
				      a->dir, m.schema, GAZ_AR_SCHEMA_VERSION);
			goto end;
		}
		if (m.schema < 1) {
			rc = gaz_fail(GAZ_ECORRUPT, "%s: schema record says version %u", a->dir,
				      m.schema);
			goto end;
		}
		a->schema = m.schema;
	}
	rc = mdb_txn_commit(txn); /* keeps the DBI handles */
	txn = NULL;
	if (rc)
		rc = gaz_archive_mdb_error(rc, a->dir);
end:
	if (txn)
		mdb_txn_abort(txn);
	ar_meta_release(&m);
	gaz_buf_release(&b);
	return rc;
}

static int open_error(int rc, const char *dir)
{
	switch (rc) {
	case ENOENT:
		return gaz_fail(GAZ_ENOTFOUND, "%s: no archive here", dir);
	case EACCES:
	case EPERM:
	case EROFS:
		return gaz_fail(GAZ_EIO, "%s: archive not accessible: %s", dir, strerror(rc));
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		return gaz_fail(GAZ_ECORRUPT, "%s: data.mdb is not a readable LMDB file (%s)",
				dir, mdb_strerror(rc));
	}
	return gaz_archive_mdb_error(rc, dir);
}

/* A new archive goes into a new or empty directory (or one where an earlier
 * creation died: its LMDB and lock files only), never among other files —
 * an issue folder given as --archive by mistake, say. */
static int only_archive_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return gaz_fail(GAZ_EIO, "%s: %s", dir, strerror(errno));
	while (!rc && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "data.mdb") && strcmp(e->d_name, "lock.mdb") &&
		    strcmp(e->d_name, "writer.lock"))
			rc = gaz_fail(GAZ_EINVAL, "%s: not an archive, and not empty (it holds %s): "
					  "a new archive is only made in a new or empty directory",
				      dir, e->d_name);
	closedir(d);
	return rc;
}

int gaz_archive_open(const char *dir, int flags, const struct gaz_archive_opts *opts,
		     struct gaz_archive **out)
{
	struct gaz_archive *a = NULL;
	struct stat st;
	char *path = NULL;
	size_t plen;
	int write = flags & GAZ_AR_WRITE, fresh = 0, no_data, rc;
	MDB_envinfo info;

	if (!dir || !*dir)
		return gaz_fail(GAZ_EINVAL, "no archive directory given");
	if (opts && opts->create_schema > GAZ_AR_SCHEMA_VERSION)
		return gaz_fail(GAZ_EINVAL, "%s: cannot create an archive of schema %u (at most %u)",
				dir, opts->create_schema, GAZ_AR_SCHEMA_VERSION);
	if (stat(dir, &st)) {
		if (errno != ENOENT || !(write && (flags & GAZ_AR_CREATE)))
			return gaz_fail(errno == ENOENT ? GAZ_ENOTFOUND : GAZ_EIO,
					"%s: %s", dir, errno == ENOENT ? "no archive here" : strerror(errno));
		if (mkdir(dir, 0755))
			return gaz_fail(GAZ_EIO, "%s: cannot create: %s", dir, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		return gaz_fail(GAZ_EINVAL, "%s: not a directory", dir);
	}
	if (!(a = calloc(1, sizeof *a))) {
		rc = GAZ_ENOMEM;
		goto fail;
	}
	a->lock_fd = -1;
	a->map_max = opts && opts->map_max ? opts->map_max : GAZ_AR_MAP_MAX;
	a->schema = opts && opts->create_schema ? opts->create_schema : GAZ_AR_SCHEMA_VERSION;
	if (pthread_mutex_init(&a->gate_mu, NULL)) {
		rc = GAZ_ENOMEM;
		goto fail;
	}
	if (pthread_cond_init(&a->gate_cv, NULL)) {
		pthread_mutex_destroy(&a->gate_mu);
		rc = GAZ_ENOMEM;
		goto fail;
	}
	a->gate_init = 1;
	plen = strlen(dir) + 16;
	if (!(a->dir = strdup(dir)) || !(path = malloc(plen))) {
		rc = GAZ_ENOMEM;
		goto fail;
	}
	snprintf(path, plen, "%s/data.mdb", dir);
	if ((no_data = stat(path, &st) != 0) || st.st_size == 0) {
		/* An empty data.mdb is a creation that died before LMDB wrote
		 * its first page: nothing was ever committed to it. */
		if (!(write && (flags & GAZ_AR_CREATE))) {
			rc = gaz_fail(GAZ_ENOTFOUND, "%s: no archive here (%s)", dir,
				      no_data ? "no data.mdb" : "data.mdb is empty");
			goto fail;
		}
		fresh = 1;
		if ((rc = only_archive_files(dir)))
			goto fail;
	} else if (st.st_size < 2 * 4096) {
		rc = gaz_fail(GAZ_ECORRUPT, "%s: data.mdb is truncated (%lld bytes)", dir,
			      (long long)st.st_size);
		goto fail;
	}
	if (write) {
		snprintf(path, plen, "%s/writer.lock", dir);
		if ((a->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
			rc = gaz_fail(GAZ_EIO, "%s: cannot write to the archive: %s", dir,
				      strerror(errno));
			goto fail;
		}
		if (flock(a->lock_fd, LOCK_EX | LOCK_NB)) {
			rc = errno == EWOULDBLOCK
				? gaz_fail(GAZ_EBUSY, "%s: another process is writing to this archive "
					   "(writer.lock is held); try again when it has finished", dir)
				: gaz_fail(GAZ_EIO, "%s: writer.lock: %s", dir, strerror(errno));
			goto fail;
		}
	}
	if ((rc = mdb_env_create(&a->env))) {
		rc = gaz_archive_mdb_error(rc, dir);
		goto fail;
	}
	mdb_env_set_maxdbs(a->env, GAZ_AR_MAX_DBS);
	_Static_assert(8 + GAZ_SEARCH_NDBI + GAZ_TLOG_NDBI <= GAZ_AR_MAX_DBS, "room for every DBI");
	if (fresh)
		mdb_env_set_mapsize(a->env, opts && opts->map_size ? opts->map_size
								 : GAZ_AR_MAP_DEFAULT);
	if ((rc = mdb_env_open(a->env, dir, MDB_NOTLS | (write ? 0 : MDB_RDONLY), 0644))) {
		rc = open_error(rc, dir);
		goto fail;
	}
	if (opts && opts->map_size && !mdb_env_info(a->env, &info) &&
	    opts->map_size > info.me_mapsize && (rc = mdb_env_set_mapsize(a->env, opts->map_size))) {
		rc = gaz_archive_mdb_error(rc, dir);
		goto fail;
	}
	/* free the reader slots of processes that died mid-read (a killed
	 * `get`), or the table would fill up over time */
	mdb_reader_check(a->env, NULL);
	if ((rc = open_dbis(a, write)))
		goto fail;
	free(path);
	*out = a;
	return 0;
fail:
	free(path);
	gaz_archive_close(a);
	return rc;
}

int gaz_archive_set_log_key(struct gaz_archive *a, EVP_PKEY *key)
{
	if (key && EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
		return gaz_fail(GAZ_EINVAL, "the log key must be an Ed25519 key");
	a->log_key = key;
	return 0;
}

int ar_sign_head(struct gaz_archive *a, MDB_txn *txn, int64_t now)
{
	if (!a->log_key)
		return 0;
	return ar_w(gaz_tlog_sign_head(txn, a->log_key, now > 0 ? (uint64_t)now * 1000 : 0, NULL));
}

void gaz_archive_close(struct gaz_archive *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < AR_POOL; i++) {
		struct ar_reader *r = &a->pool[i];
		if (r->ix)
			mdb_cursor_close(r->ix);
		if (r->st)
			mdb_cursor_close(r->st);
		if (r->txn)
			mdb_txn_abort(r->txn);
	}
	if (a->env)
		mdb_env_close(a->env);
	if (a->gate_init) {
		pthread_cond_destroy(&a->gate_cv);
		pthread_mutex_destroy(&a->gate_mu);
	}
	if (a->lock_fd >= 0)
		close(a->lock_fd); /* releases the flock */
	free(a->dir);
	free(a);
}

unsigned gaz_archive_schema(const struct gaz_archive *a)
{
	return a->schema;
}

MDB_env *gaz_archive_env(struct gaz_archive *a)
{
	return a->env;
}

/* ---- the map gate and the read pool ------------------------------------------ */

/* How long a remap waits for the process's transactions to end: it holds
 * new ones back for a window at a time (a thread that opens a second read
 * inside a first waits at most one window), then lets them run and tries
 * again, until the patience runs out. */
#define GATE_WINDOW_MS 20
#define GATE_PATIENCE_MS 10000

void ar_gate_leave(struct gaz_archive *a)
{
	if (atomic_fetch_sub(&a->live, 1) == 1 && atomic_load(&a->closed)) {
		pthread_mutex_lock(&a->gate_mu);
		pthread_cond_broadcast(&a->gate_cv);
		pthread_mutex_unlock(&a->gate_mu);
	}
}

void ar_gate_enter(struct gaz_archive *a)
{
	unsigned window;

	atomic_fetch_add(&a->live, 1);
	if (!atomic_load(&a->closed))
		return;
	ar_gate_leave(a);
	/* Wait out this window only: counted under the mutex, which a remap
	 * holds from its last look at `live` to its end, we cannot slip into
	 * a remap, and a remap that closes again waits for us. */
	pthread_mutex_lock(&a->gate_mu);
	window = a->gate_window;
	while (atomic_load(&a->closed) && a->gate_window == window)
		pthread_cond_wait(&a->gate_cv, &a->gate_mu);
	atomic_fetch_add(&a->live, 1);
	pthread_mutex_unlock(&a->gate_mu);
}

static void deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* mdb_env_set_mapsize(size) (0: adopt the size another process set) once
 * no transaction of this process is open.  The caller holds none. */
static int remap(struct gaz_archive *a, size_t size)
{
	struct timespec until;
	long waited;
	int rc = -1;

	pthread_mutex_lock(&a->gate_mu);
	for (waited = 0; waited < GATE_PATIENCE_MS; waited += GATE_WINDOW_MS) {
		atomic_store(&a->closed, 1);
		deadline_in(&until, GATE_WINDOW_MS);
		while (atomic_load(&a->live) &&
		       pthread_cond_timedwait(&a->gate_cv, &a->gate_mu, &until) != ETIMEDOUT)
			;
		if (!atomic_load(&a->live))
			rc = mdb_env_set_mapsize(a->env, size);
		atomic_store(&a->closed, 0);
		a->gate_window++; /* lets in those this window held back */
		pthread_cond_broadcast(&a->gate_cv);
		if (rc >= 0)
			break;
		pthread_mutex_unlock(&a->gate_mu);
		pthread_mutex_lock(&a->gate_mu);
	}
	pthread_mutex_unlock(&a->gate_mu);
	if (rc < 0)
		return gaz_fail(GAZ_EBUSY, "%s: the archive map must grow, but read transactions "
				"of this process stayed open for %d s", a->dir,
				GATE_PATIENCE_MS / 1000);
	return rc ? gaz_archive_mdb_error(rc, a->dir) : 0;
}

static struct ar_reader *pool_take(struct gaz_archive *a)
{
	for (size_t i = 0; i < AR_POOL; i++) {
		int idle = 0;
		if (!atomic_load_explicit(&a->pool[i].busy, memory_order_relaxed) &&
		    atomic_compare_exchange_strong(&a->pool[i].busy, &idle, 1))
			return &a->pool[i];
	}
	return NULL;
}

static struct ar_reader *pool_find(struct gaz_archive *a, const MDB_txn *txn)
{
	for (size_t i = 0; i < AR_POOL; i++)
		if (atomic_load_explicit(&a->pool[i].txn, memory_order_relaxed) == txn)
			return &a->pool[i];
	return NULL;
}

int gaz_archive_read_begin(struct gaz_archive *a, MDB_txn **txn)
{
	struct ar_reader *r;
	MDB_txn *t;
	int rc = 0, tries;

	for (tries = 0; tries < 3; tries++) {
		ar_gate_enter(a);
		t = NULL;
		if ((r = pool_take(a)) && (t = r->txn) && (rc = mdb_txn_renew(t))) {
			/* a reset handle that cannot renew is dropped */
			if (r->ix)
				mdb_cursor_close(r->ix);
			if (r->st)
				mdb_cursor_close(r->st);
			r->ix = r->st = NULL;
			mdb_txn_abort(t);
			atomic_store(&r->txn, NULL);
			t = NULL;
		}
		if (!t && !(rc = mdb_txn_begin(a->env, NULL, MDB_RDONLY, &t)) && r)
			atomic_store(&r->txn, t);
		if (!rc) {
			*txn = t;
			return 0;
		}
		if (r)
			atomic_store(&r->busy, 0);
		ar_gate_leave(a);
		if (rc != MDB_MAP_RESIZED)
			break;
		/* another process grew the map: adopt its size */
		if ((rc = remap(a, 0)))
			return rc;
		rc = MDB_MAP_RESIZED;
	}
	return gaz_archive_mdb_error(rc, a->dir);
}

void gaz_archive_read_end(struct gaz_archive *a, MDB_txn *txn)
{
	struct ar_reader *r;

	if (!txn)
		return;
	if ((r = pool_find(a, txn))) {
		mdb_txn_reset(txn);
		atomic_store(&r->busy, 0);
	} else {
		mdb_txn_abort(txn);
	}
	ar_gate_leave(a);
}

/* A pooled transaction's cursor on dbi (kept in *slot, renewed), or a new
 * one for a transaction of its own. */
static int pooled_cursor(struct gaz_archive *a, MDB_txn *txn, MDB_dbi dbi, size_t slot,
			 const char *what, MDB_cursor **c)
{
	struct ar_reader *r = pool_find(a, txn);
	MDB_cursor **keep = r ? (MDB_cursor **)((char *)r + slot) : NULL;
	int rc;

	if (keep && *keep)
		rc = mdb_cursor_renew(txn, *keep);
	else if (keep)
		rc = mdb_cursor_open(txn, dbi, keep);
	else
		rc = mdb_cursor_open(txn, dbi, c);
	if (rc)
		return gaz_archive_mdb_error(rc, what);
	if (keep)
		*c = *keep;
	return 0;
}

int ar_index_cursor(struct gaz_archive *a, MDB_txn *txn, MDB_cursor **c)
{
	return pooled_cursor(a, txn, a->index, offsetof(struct ar_reader, ix), "index", c);
}

int ar_status_cursor(struct gaz_archive *a, MDB_txn *txn, MDB_cursor **c)
{
	return pooled_cursor(a, txn, a->status, offsetof(struct ar_reader, st), "status", c);
}

void ar_cursor_done(struct gaz_archive *a, MDB_cursor *c)
{
	/* a pooled transaction's cursor stays for its next renewal */
	if (c && !pool_find(a, mdb_cursor_txn(c)))
		mdb_cursor_close(c);
}

/* ---- write transactions --------------------------------------------------------- */

static int grow_map(struct gaz_archive *a)
{
	MDB_envinfo info;
	size_t next;

	if (mdb_env_info(a->env, &info))
		return GAZ_EINTERNAL;
	if (info.me_mapsize >= a->map_max || info.me_mapsize > SIZE_MAX / 2)
		return gaz_fail(GAZ_ETOOBIG, "%s: archive map full at %zu MiB (limit %zu MiB); "
				"reopen with a larger --map-size", a->dir,
				info.me_mapsize >> 20, a->map_max >> 20);
	next = info.me_mapsize * 2;
	if (next > a->map_max)
		next = a->map_max;
	return remap(a, next);
}

/* LMDB reports a short write (a full disk) as EIO. */
static int write_error(struct gaz_archive *a, int rc)
{
	struct statvfs sv;

	if (!statvfs(a->dir, &sv))
		return gaz_fail(GAZ_EIO, "%s: writing failed (%s; %llu bytes free on the file "
				"system: the disk is probably full); nothing was written", a->dir,
				strerror(rc), (unsigned long long)sv.f_bavail * sv.f_frsize);
	return gaz_fail(GAZ_EIO, "%s: writing failed (%s); nothing was written", a->dir,
			strerror(rc));
}

int ar_write(struct gaz_archive *a, int (*fn)(struct gaz_archive *, MDB_txn *, void *),
	     void *ctx)
{
	MDB_txn *txn;
	int rc;

	if (a->lock_fd < 0)
		return gaz_fail(GAZ_EINVAL, "%s: archive opened read-only", a->dir);
	for (;;) {
		txn = NULL;
		tl_map_full = 0;
		fault_reset();
		/* the write transaction counts as open for the map gate: a
		 * reader thread adopting another process's map size waits */
		ar_gate_enter(a);
		rc = ar_w(mdb_txn_begin(a->env, NULL, 0, &txn));
		if (rc == MDB_MAP_RESIZED) {
			ar_gate_leave(a);
			if ((rc = remap(a, 0)))
				return rc;
			continue;
		}
		if (rc) {
			ar_gate_leave(a);
			return gaz_archive_mdb_error(rc, a->dir);
		}
		rc = fn(a, txn, ctx);
		if (!rc) {
			rc = ar_w(mdb_txn_commit(txn));
			if (rc == EIO || rc == ENOSPC)
				rc = write_error(a, rc);
			else if (rc)
				rc = gaz_archive_mdb_error(rc, a->dir);
		} else {
			mdb_txn_abort(txn);
		}
		ar_gate_leave(a);
		/* the log and search modules report a full map as GAZ_ETOOBIG
		 * with LMDB's message as the detail */
		if (rc == GAZ_ETOOBIG && (tl_map_full || strstr(gaz_errdetail(), "MDB_MAP_FULL"))) {
			int g = grow_map(a);
			if (!g)
				continue;
			rc = g;
		}
		return rc;
	}
}

int ar_put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kl, const void *v, size_t vl,
	   unsigned flags, const char *what)
{
	MDB_val key = { kl, (void *)k }, val = { vl, (void *)v };
	int rc = ar_w(mdb_put(txn, dbi, &key, &val, flags));

	if (rc == MDB_KEYEXIST)
		return gaz_fail(GAZ_EEXIST, "%s is already stored; the archive never overwrites",
				what);
	return rc ? gaz_archive_mdb_error(rc, what) : 0;
}

/* Last key of a DBI, as a big-endian sequence number of klen bytes (0 if
 * the DBI is empty). */
int ar_last_seq(MDB_txn *txn, MDB_dbi dbi, uint64_t *seq)
{
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int rc;

	if ((rc = ar_w(mdb_cursor_open(txn, dbi, &c))))
		return gaz_archive_mdb_error(rc, "cursor");
	rc = ar_w(mdb_cursor_get(c, &k, &v, MDB_LAST));
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND) {
		*seq = 0;
		return 0;
	}
	if (rc)
		return gaz_archive_mdb_error(rc, "last sequence number");
	if (k.mv_size != 8)
		return gaz_fail(GAZ_ECORRUPT, "sequence key of %zu bytes", k.mv_size);
	*seq = rd_be64(k.mv_data);
	return 0;
}

int ar_audit_put(struct gaz_archive *a, MDB_txn *txn, const char *who, int64_t now,
		 const char *action, const char *subject, const char *detail)
{
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	struct ar_audit e;
	unsigned char key[8];
	uint64_t last;
	int rc;

	if ((rc = ar_last_seq(txn, a->audit, &last)))
		goto end;
	e.seq = last + 1;
	e.time = now;
	e.who = (char *)who;
	e.action = (char *)action;
	e.subject = (char *)subject;
	e.detail = (char *)(detail ? detail : "");
	if ((rc = rec_encode(GAZ_REC_AUDIT, &e, &b)))
		goto end;
	be64(key, e.seq);
	rc = ar_put(txn, a->audit, key, 8, b.data, b.len, MDB_APPEND, "audit entry");
end:
	gaz_buf_release(&b);
	return rc;
}

/* Stores a content-addressed blob; the same bytes twice are one blob. */
int ar_blob_put(struct gaz_archive *a, MDB_txn *txn, const unsigned char sha[32],
		const void *p, size_t n)
{
	MDB_val key = { 32, (void *)sha }, val;
	unsigned char *dst;
	int rc;

	if (n > GAZ_AR_BLOB_MAX)
		return gaz_fail(GAZ_ETOOBIG, "blob of %zu bytes (at most %u)", n,
				(unsigned)GAZ_AR_BLOB_MAX);
	val.mv_size = n + 1;
	val.mv_data = NULL;
	rc = ar_w(mdb_put(txn, a->blob, &key, &val, MDB_NOOVERWRITE | MDB_RESERVE));
	if (rc == MDB_KEYEXIST)
		return 0;
	if (rc)
		return gaz_archive_mdb_error(rc, "blob");
	dst = val.mv_data;
	dst[0] = GAZ_BLOB_RAW;
	memcpy(dst + 1, p, n);
	return 0;
}

size_t ix_key(unsigned char *k, int prefix, const char *s, int terminate,
	      const unsigned char *id, size_t id_len)
{
	size_t n = strlen(s), len = 0;

	if (n > GAZ_AR_KEY_MAX)
		n = GAZ_AR_KEY_MAX;
	k[len++] = (unsigned char)prefix;
	memcpy(k + len, s, n);
	len += n;
	if (terminate)
		k[len++] = 0;
	if (id_len) {
		memcpy(k + len, id, id_len);
		len += id_len;
	}
	return len;
}

void ar_loc_encode(unsigned char out[AR_LOC_LEN], const struct gaz_ar_doc *d)
{
	out[0] = AR_LOC_FORMAT;
	be16(out + 1, d->year);
	be16(out + 3, d->number);
	be16(out + 5, d->version);
	be32(out + 7, d->pos);
	be32(out + 11, d->first_page);
	be32(out + 15, d->last_page);
}

int ar_loc_decode(const void *v, size_t len, uint64_t id, struct gaz_ar_docref *r)
{
	const unsigned char *p = v;

	if (len != AR_LOC_LEN || p[0] != AR_LOC_FORMAT)
		return GAZ_ECORRUPT;
	r->id = id;
	r->year = rd_be16(p + 1);
	r->number = rd_be16(p + 3);
	r->version = rd_be16(p + 5);
	r->pos = rd_be32(p + 7);
	r->first_page = rd_be32(p + 11);
	r->last_page = rd_be32(p + 15);
	return 0;
}

void ar_version_key(unsigned char k[6], unsigned year, unsigned number, unsigned version)
{
	be16(k, year);
	be16(k + 2, number);
	be16(k + 4, version);
}
