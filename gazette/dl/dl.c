/* Opening the libraries of gazette/dl/dl.h. */
#include "gazette/dl/dl.h"

#include <dlfcn.h>
#include <stdio.h>

void *gaz_dl_open(struct gaz_dl_lib *lib)
{
	/* RTLD_NOW: every function is resolved here, where a failure can
	 * still be reported, not on some later call. */
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	const char *why;

	if (!h) {
		why = dlerror();
		snprintf(lib->detail, sizeof lib->detail,
			 "cannot load %s (install the Debian package %s): %s", lib->soname,
			 lib->package, why ? why : "dlopen failed");
		lib->status = GAZ_EIO;
	}
	return h;
}

void *gaz_dl_sym(struct gaz_dl_lib *lib, void *handle, const char *name)
{
	void *p = dlsym(handle, name);

	if (!p) {
		snprintf(lib->detail, sizeof lib->detail,
			 "%s has no function %s (is the Debian package %s too old?)", lib->soname,
			 name, lib->package);
		lib->status = GAZ_EIO;
	}
	return p;
}

void gaz_dl_close(void *handle) { dlclose(handle); }

int gaz_dl_status(const struct gaz_dl_lib *lib)
{
	return lib->status ? gaz_fail(lib->status, "%s", lib->detail) : 0;
}
