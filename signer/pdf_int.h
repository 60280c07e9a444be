/* Internal layout of struct gaz_pdf (signer/pdf.c only). */
#ifndef GAZETTE_SIGNER_PDF_INT_H
#define GAZETTE_SIGNER_PDF_INT_H

#include "gazette/pdf.h"

struct xent {
	uint32_t num;
	uint8_t type;          /* enum gaz_pdf_xtype */
	uint32_t gen;
	uint64_t off;
	uint32_t stm, idx;
};

struct xsec {
	size_t offset;         /* where "xref" or the xref stream object starts */
	struct gaz_pdf_obj *trailer;
	struct xent *v;        /* sorted by num, no duplicates */
	size_t n;
	size_t prev_off, xrefstm_off; /* (size_t)-1 when absent */
	int is_stream;
};

struct rev {
	struct gaz_pdf_rev info;
	size_t *chain;         /* section indices, newest first */
	size_t nchain;
};

struct mapent {
	uint64_t key;
	void *val;
};

struct chunk;

struct gaz_pdf {
	const unsigned char *buf;
	size_t len;
	char version[8];
	struct chunk *chunks;
	size_t mem;            /* arena bytes */
	size_t decoded;        /* inflated bytes so far */
	unsigned nesting;      /* objects being parsed inside one another */
	struct mapent *map;
	size_t map_n, map_cap;
	struct xsec *sec;
	size_t nsec, seccap;
	struct rev *rev;
	size_t nrev, revcap;
};

#endif
