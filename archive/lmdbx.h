/*
 * archive/lmdbx.h — small LMDB helpers private to archive/ (search, log):
 * big-endian keys and the mapping of LMDB return codes onto GAZ_E*.
 */
#ifndef GAZETTE_ARCHIVE_LMDBX_H
#define GAZETTE_ARCHIVE_LMDBX_H

#include "gazette/base.h"

#include <lmdb.h>

static inline void lx_put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}
static inline uint64_t lx_get_be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}
static inline void lx_put_be32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}
static inline uint32_t lx_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Maps an LMDB code: MDB_NOTFOUND → GAZ_ENOTFOUND (no detail), MDB_MAP_FULL
 * → GAZ_ETOOBIG, others GAZ_EIO; `what` names the operation. */
static inline int lx_err(int rc, const char *what)
{
	if (rc == MDB_NOTFOUND)
		return GAZ_ENOTFOUND;
	if (rc == MDB_MAP_FULL)
		return gaz_fail(GAZ_ETOOBIG, "%s: %s", what, mdb_strerror(rc));
	return gaz_fail(GAZ_EIO, "%s: %s", what, mdb_strerror(rc));
}

/* Opens a named database; with create = 0 a missing one is GAZ_ENOTFOUND. */
static inline int lx_dbi(MDB_txn *txn, const char *name, int create, MDB_dbi *dbi)
{
	int rc = mdb_dbi_open(txn, name, create ? MDB_CREATE : 0, dbi);

	return rc ? lx_err(rc, name) : 0;
}

#endif
