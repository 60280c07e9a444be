/*
 * Libraries loaded on first use instead of at process start.
 *
 * The gazette command is one executable for every subcommand, but most
 * subcommands (sign, verify, get, log...) need only OpenSSL and LMDB
 * (linked statically).  The typesetting stack (libharu, libdeflate,
 * HarfBuzz, lcms2, libqrencode, libunibreak) and the web server
 * (libmicrohttpd, which pulls in GnuTLS and seven more libraries whose
 * constructors run at load) would otherwise be mapped and relocated on
 * every run: several milliseconds of a `gazette sign` that takes about ten.
 * zlib, libm and cJSON are small, but each costs a process about 0.1 ms
 * to load, and `gazette verify` needs them only for a compressed PDF
 * object, --json or --archive.  So these are not linked; each is
 * opened with dlopen(), by its exact SONAME, the first time a module needs
 * it.
 *
 * One private header per library (gazette/dl/hpdf.h, deflate.h, hb.h,
 * lcms.h, qrencode.h, unibreak.h, mhd.h, ssl.h, zlib.h, m.h, cjson.h)
 * includes the library's own headers, lists the functions the project
 * calls, declares a table of typed pointers to them, and #defines each
 * function's name to its table slot, so that call sites read exactly as
 * with a linked library.  A source file that calls the library includes
 * that header instead of the library's headers, and calls the header's
 * gaz_dl_NAME() before its first call into the library:
 *
 *	if ((ret = gaz_dl_hpdf()))
 *		goto end;
 *
 * gaz_dl_NAME() opens the library and fills the table once per process
 * (pthread_once; thread-safe), then returns 0, or on every call the same
 * error (GAZ_EIO, with a gaz_fail() detail naming the SONAME, the Debian
 * package that ships it and dlerror()).  The library stays loaded for the
 * life of the process.
 *
 * A function called without being listed and #defined in its header fails
 * at link time (the executable does not link the library), one #defined but
 * not listed fails to compile: neither mistake can reach a run.
 */
#ifndef GAZETTE_DL_DL_H
#define GAZETTE_DL_DL_H

#include "gazette/base.h"

#include <pthread.h>
#include <string.h>

/* The state of one library: which file, which package, and the outcome of
 * loading it.  Defined (once per library) by GAZ_DL_DEFINE. */
struct gaz_dl_lib {
	const char *soname;  /* exact file name for dlopen: "libhpdf-2.3.0.so" */
	const char *package; /* the Debian package that ships it */
	pthread_once_t once;
	int status;          /* 0 or GAZ_EIO, final once `once` has run */
	char detail[240];    /* the gaz_fail() text when status != 0 */
};

/* For the loaders GAZ_DL_DEFINE generates: dlopen(lib->soname), or NULL
 * with lib->status and lib->detail set. */
void *gaz_dl_open(struct gaz_dl_lib *lib);
/* dlsym(handle, name), or NULL with lib->status and lib->detail set. */
void *gaz_dl_sym(struct gaz_dl_lib *lib, void *handle, const char *name);
/* lib->status, with gaz_fail(lib->detail) when it is an error. */
int gaz_dl_status(const struct gaz_dl_lib *lib);
/* Closes a handle after a failed lookup (the table is not used then). */
void gaz_dl_close(void *handle);

/* In a library's header: the table type, the table and the loader.
 * LIST(X) applies X to every function name. */
#define GAZ_DL_SLOT_(f) __typeof__(f) *f;
#define GAZ_DL_DECLARE(name, LIST)                                          \
	struct gaz_dl_##name##_fns { LIST(GAZ_DL_SLOT_) };                     \
	extern struct gaz_dl_##name##_fns gaz_dl_##name##_fn;                  \
	int gaz_dl_##name(void)

/* In gazette/dl/libs.c, once per library.  libs.c defines GAZ_DL_TABLES
 * before including the library headers, which then leave the function
 * names alone (the X macros below must see the plain names). */
#define GAZ_DL_RESOLVE_(f)                                                  \
	if (!(*(void **)&t->f = gaz_dl_sym(lib, h, #f)))                       \
		goto fail;
#define GAZ_DL_DEFINE(name, LIST, so, pkg)                                  \
	struct gaz_dl_##name##_fns gaz_dl_##name##_fn;                         \
	static struct gaz_dl_lib gaz_dl_##name##_lib = {                       \
		.soname = so, .package = pkg, .once = PTHREAD_ONCE_INIT };    \
	static void gaz_dl_##name##_load(void)                                 \
	{                                                                      \
		struct gaz_dl_##name##_fns *t = &gaz_dl_##name##_fn;           \
		struct gaz_dl_lib *lib = &gaz_dl_##name##_lib;                 \
		void *h = gaz_dl_open(lib);                                    \
		if (!h)                                                        \
			return;                                                \
		LIST(GAZ_DL_RESOLVE_)                                          \
		return;                                                        \
	fail:                                                                  \
		memset(t, 0, sizeof *t);                                       \
		gaz_dl_close(h);                                               \
	}                                                                      \
	int gaz_dl_##name(void)                                                \
	{                                                                      \
		pthread_once(&gaz_dl_##name##_lib.once, gaz_dl_##name##_load); \
		return gaz_dl_status(&gaz_dl_##name##_lib);                    \
	}

#endif
