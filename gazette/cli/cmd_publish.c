#include "cli.h"
#include "archive_cli.h"
#include "gazette/compile.h"
#include "gazette/issue.h"
#include "gazette/pdf.h"
#include "gazette/tlog.h"
#include "gazette/verify.h"
#include "sign_opts.h"

#include <stdlib.h>
#include <string.h>

const char cmd_publish_usage[] =
	"usage: gazette publish ISSUE_DIR --archive DIR --key KEY [--cert CERT]\n"
	"                       [signing options] [-o SIGNED.pdf]\n"
	"                       [--reason TEXT] [--by NAME] [--map-size SIZE]\n"
	"       gazette publish ISSUE_DIR --archive DIR --signed-pdf FILE --trust CA.pem...\n"
	"       gazette publish ISSUE_DIR --archive DIR --signed-pdf FILE\n"
	"                       (--pages 'DOCNO=FIRST-LAST,...' | --page-map FILE)\n"
	"                       [--reason TEXT] [--by NAME] [--map-size SIZE]\n"
	"       (any form)      [--log-key PEM [--log-pass-file FILE]]\n\n"
	"Publishes an issue: check -> compile -> sign -> store.  The store is ONE\n"
	"transaction (the signed PDF, every document's metadata, text and pages,\n"
	"indexes, status, log leaf, audit entry): after a crash the archive holds\n"
	"the old state or the new one.  An issue already in the archive gets\n"
	"version N+1, which needs --reason (勘误); older versions stay, marked\n"
	"superseded.  Nothing is ever overwritten.\n\n"
	"Signing here (--key ...): the issue is compiled and signed in-process as a\n"
	"certification signature (DocMDP P=1) unless --approval; -o also writes\n"
	"the signed PDF.  Signing options, as for `gazette sign`:\n"
	SIGN_OPTIONS_HELP "\n"
	"Signed elsewhere (--signed-pdf FILE, e.g. on an offline signing machine):\n"
	"the issue is re-compiled and FILE must be a signed copy of exactly that\n"
	"output (its first revision byte-identical), which also gives each\n"
	"document's pages, and its signatures must verify (`gazette verify`) and\n"
	"chain to a --trust anchor.  With --pages/--page-map the page ranges are\n"
	"taken as given (KEY=FIRST-LAST; KEY is the 发文字号 or the document's file\n"
	"name) and the PDF is not compared with a compile, but it must be a\n"
	"well-formed PDF with those pages whose every signature is intact (its\n"
	"chain is not checked).\n\n"
	"  --reason TEXT      why a new version is published (勘误); also written\n"
	"                     into the signature's /Reason\n"
	"  --by NAME          who publishes (default $USER)\n"
	"  --map-size SIZE    grow the archive's map (e.g. 8G); it also grows by itself\n"
	"  --log-key PEM      also sign a tree head of the transparency log (Ed25519\n"
	"                     key) in the same transaction, so the new version can be\n"
	"                     proven against a signed head at once; its passphrase\n"
	"                     from --log-pass-file FILE or GAZETTE_LOG_KEY_PASS\n\n"
	"-o is written only once the archive holds the new version, and never\n"
	"over an input, the archive's files, a device, pipe or directory.  A new\n"
	"archive is made only in a new or empty directory.  --reason and --by are\n"
	"one line of text (no control characters).\n"
	"Time is the clock, or SOURCE_DATE_EPOCH when set.\n"
	"exit 0: stored; 1: check errors, refused (no reason, already stored, not\n"
	"this issue's PDF); 2: usage, I/O, key or signing error.\n";

#define PAGEMAP_MAX (1u << 20)
#define PUBLISH_MAX_TRUST 16

static int assign(const struct gaz_issue *is, struct gaz_page_range *pages, int *seen,
		  const char *item, size_t n)
{
	const char *eq = memchr(item, '=', n), *dash;
	uint64_t a, b;
	size_t i, kl;

	while (n && (*item == ' ' || *item == '\t'))
		item++, n--;
	while (n && (item[n - 1] == ' ' || item[n - 1] == '\t' || item[n - 1] == '\r'))
		n--;
	if (!n || item[0] == '#')
		return 0;
	eq = memchr(item, '=', n);
	if (!eq)
		return gaz_fail(GAZ_EINVAL, "'%.*s': expected KEY=FIRST-LAST", (int)n, item);
	kl = (size_t)(eq - item);
	dash = memchr(eq + 1, '-', n - kl - 1);
	if (!dash || gaz_parse_uint(eq + 1, (size_t)(dash - eq - 1), 1000000, &a) ||
	    gaz_parse_uint(dash + 1, (size_t)(item + n - dash - 1), 1000000, &b) || !a || b < a)
		return gaz_fail(GAZ_EINVAL, "'%.*s': bad page range", (int)n, item);
	for (i = 0; i < is->n_docs; i++) {
		const char *dn = gaz_fv(&is->docs[i].doc_no), *fn = is->docs[i].name;
		if ((strlen(dn) == kl && !memcmp(dn, item, kl)) ||
		    (fn && strlen(fn) == kl && !memcmp(fn, item, kl))) {
			if (seen[i])
				return gaz_fail(GAZ_EINVAL, "'%.*s': pages given twice", (int)kl, item);
			seen[i] = 1;
			pages[i].first = (uint32_t)a;
			pages[i].last = (uint32_t)b;
			return 0;
		}
	}
	return gaz_fail(GAZ_EINVAL, "'%.*s': no such document in the issue", (int)kl, item);
}

static int parse_pages(const struct gaz_issue *is, const char *spec, size_t len, int sep,
		       struct gaz_page_range *pages)
{
	int *seen = calloc(is->n_docs ? is->n_docs : 1, sizeof *seen);
	size_t i, start = 0;
	int rc = 0;

	if (!seen)
		return GAZ_ENOMEM;
	for (i = 0; i <= len && !rc; i++)
		if (i == len || spec[i] == sep) {
			rc = assign(is, pages, seen, spec + start, i - start);
			start = i + 1;
		}
	for (i = 0; !rc && i < is->n_docs; i++)
		if (!seen[i])
			rc = gaz_fail(GAZ_EINVAL, "no pages given for %s (%s)",
				      gaz_fv(&is->docs[i].doc_no), is->docs[i].name);
	free(seen);
	return rc;
}

/* The signed copy's signatures must be valid, trusted and cover it. */
static int check_signatures(const char *path, const char *pdf, size_t len,
			    const char *const *trust, size_t ntrust)
{
	struct gaz_verify_opts o = { trust, ntrust, 0 };
	struct gaz_verify_report *rep = NULL;
	int rc, ret;

	if ((rc = gaz_verify_pdf(pdf, len, &o, &rep)))
		return cli_error(path, rc);
	ret = EXIT_OK;
	if (!rep->valid) {
		size_t i, j;
		fprintf(stderr, "gazette: %s: not published: its signature does not verify "
				"(see `gazette verify`)\n", path);
		for (i = 0; i < rep->problems.n; i++)
			fprintf(stderr, "  %s\n", rep->problems.v[i]);
		for (i = 0; i < rep->nsigs; i++)
			for (j = 0; j < rep->sigs[i].problems.n; j++)
				fprintf(stderr, "  %s\n", rep->sigs[i].problems.v[j]);
		ret = EXIT_FAILED;
	}
	gaz_verify_report_free(rep);
	return ret;
}

/* A PDF given with --pages/--page-map is not compared with a compile, but it
 * must be a well-formed PDF whose every signature is intact (digest and
 * signature valid, nothing but DSS or document timestamps after it) and
 * that has the pages the ranges name.  Its chain is not checked here: that
 * mode has no --trust (the archive's readers verify against theirs). */
static int check_given(const char *path, const char *pdf, size_t len,
		       const struct gaz_page_range *pages, size_t n)
{
	struct gaz_verify_opts o = { NULL, 0, 0 };
	struct gaz_verify_report *rep = NULL;
	struct gaz_pdf *doc = NULL;
	struct gaz_pdf_page *pg = NULL;
	size_t npages = 0, i, j;
	int rc, ret = EXIT_FAILED;

	if (len < 5 || memcmp(pdf, "%PDF-", 5)) {
		fprintf(stderr, "gazette: %s: not a PDF file\n", path);
		return EXIT_FAILED;
	}
	if ((rc = gaz_verify_pdf(pdf, len, &o, &rep)))
		return cli_error(path, rc);
	for (i = 0; i < rep->problems.n; i++)
		fprintf(stderr, "gazette: %s: not published: %s\n", path, rep->problems.v[i]);
	if (rep->problems.n)
		goto end;
	for (i = 0; i < rep->nsigs; i++) {
		const struct gaz_sig_report *s = &rep->sigs[i];
		if (s->digest == GAZ_CHECK_OK && s->signature == GAZ_CHECK_OK &&
		    (s->whole_file || s->changes_allowed))
			continue;
		fprintf(stderr, "gazette: %s: not published: signature %zu is not intact\n", path,
			i + 1);
		for (j = 0; j < s->problems.n; j++)
			fprintf(stderr, "  %s\n", s->problems.v[j]);
		goto end;
	}
	if ((rc = gaz_pdf_open(pdf, len, &doc)) ||
	    (rc = gaz_pdf_pages(doc, GAZ_PDF_LATEST, &pg, &npages))) {
		fprintf(stderr, "gazette: %s: not published: its pages cannot be read: %s\n", path,
			gaz_errdetail());
		goto end;
	}
	for (i = 0; i < n; i++)
		if (pages[i].last > npages) {
			fprintf(stderr, "gazette: %s: not published: a page range ends at page %u, "
					"the PDF has %zu pages\n", path, (unsigned)pages[i].last, npages);
			goto end;
		}
	ret = EXIT_OK;
end:
	free(pg);
	gaz_pdf_close(doc);
	gaz_verify_report_free(rep);
	return ret;
}

/* The issue's compiled PDF signed here, or the signed copy given, checked
 * against the compile; fills *pdf (malloc'ed) and the page ranges. */
static int build_signed(const struct gaz_issue *is, struct cli_sign *cs, const char *signed_path,
			const char *const *trust, size_t ntrust, const char *reason, char **pdf,
			size_t *pdf_len, struct gaz_page_range *pages)
{
	struct gaz_compile_result cr = { 0 };
	struct gaz_signer *s = NULL;
	struct gaz_buf why = GAZ_BUF_INIT(GAZ_AR_NOTE_MAX + 1024); /* /Reason: prefix + --reason */
	unsigned char *upd = NULL;
	char *out = NULL;
	size_t ulen = 0, i;
	int rc, ret = EXIT_USAGE;

	if ((rc = gaz_compile(is, NULL, &cr))) {
		ret = rc == GAZ_EFONT || rc == GAZ_EINVAL || rc == GAZ_EFORMAT ? EXIT_FAILED : EXIT_USAGE;
		cli_error(is->dir, rc);
		goto end;
	}
	for (i = 0; i < is->n_docs && i < cr.n_docs; i++) {
		pages[i].first = (uint32_t)cr.docs[i].first + 1;
		pages[i].last = (uint32_t)cr.docs[i].last + 1;
	}
	if (signed_path) {
		size_t len;
		if ((rc = gaz_read_file(signed_path, GAZ_AR_BLOB_MAX, &out, &len))) {
			ret = ar_cli_fail(signed_path, rc);
			goto end;
		}
		if (len <= cr.len || memcmp(out, cr.pdf, cr.len)) {
			fprintf(stderr, "gazette: %s: not a signed copy of %s: its first revision "
					"differs from what `gazette compile` makes of the folder\n",
				signed_path, is->dir);
			ret = EXIT_FAILED;
			goto end;
		}
		if ((ret = check_signatures(signed_path, out, len, trust, ntrust)))
			goto end;
		*pdf_len = len;
	} else {
		if (!cs->o.reason) {
			if (gaz_buf_printf(&why, "%s %s年第%s期 标准文本%s%s", gaz_fv(&is->cfg.name),
					   gaz_fv(&is->cfg.year), gaz_fv(&is->cfg.number),
					   reason ? "；勘误：" : "", reason ? reason : "")) {
				ret = cli_error("publish", GAZ_ENOMEM);
				goto end;
			}
			cs->o.reason = why.data;
		}
		if ((ret = cli_sign_load(cs, &s)))
			goto end;
		ret = EXIT_USAGE;
		if ((rc = gaz_pdf_sign_update(s, cr.pdf, cr.len, &cs->o, &upd, &ulen))) {
			ret = cli_error(is->dir, rc);
			goto end;
		}
		if (!(out = malloc(cr.len + ulen))) {
			ret = cli_error("publish", GAZ_ENOMEM);
			goto end;
		}
		memcpy(out, cr.pdf, cr.len);
		memcpy(out + cr.len, upd, ulen);
		*pdf_len = cr.len + ulen;
	}
	*pdf = out;
	out = NULL;
	ret = 0;
end:
	if (cs->o.reason == why.data)
		cs->o.reason = NULL;
	gaz_buf_release(&why);
	gaz_compile_result_release(&cr);
	gaz_signer_free(s);
	free(upd);
	free(out);
	return ret;
}

int cmd_publish(int argc, char **argv)
{
	const char *dir = NULL, *archive = NULL, *pdf_path = NULL, *spec = NULL, *map = NULL;
	const char *reason = NULL, *by = NULL, *map_size = NULL, *copy_out = NULL, *v;
	const char *log_key = NULL, *log_pass = NULL;
	EVP_PKEY *lk = NULL;
	struct gaz_diags d = { 0 };
	struct gaz_issue *is = NULL;
	struct gaz_archive *a = NULL;
	struct gaz_page_range *pages = NULL;
	struct cli_sign cs;
	const char *trust[PUBLISH_MAX_TRUST];
	size_t ntrust = 0;
	char *pdf = NULL, *mapbuf = NULL;
	size_t pdf_len = 0, map_len = 0;
	unsigned version = 0;
	int i, rc, missing, ret = EXIT_USAGE;

	cli_sign_init(&cs);
	for (i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--trust", &missing)) || missing) {
			if (missing)
				return cli_usage("publish", "--trust needs a file");
			if (ntrust == PUBLISH_MAX_TRUST)
				return cli_usage("publish", "at most %d --trust", PUBLISH_MAX_TRUST);
			trust[ntrust++] = v;
			continue;
		}
		AR_OPT("publish", "--archive", archive)
		else AR_OPT("publish", "--signed-pdf", pdf_path)
		else AR_OPT("publish", "--pages", spec)
		else AR_OPT("publish", "--page-map", map)
		else AR_OPT("publish", "--reason", reason)
		else AR_OPT("publish", "--by", by)
		else AR_OPT("publish", "--map-size", map_size)
		else AR_OPT("publish", "-o", copy_out)
		else AR_OPT("publish", "--log-key", log_key)
		else AR_OPT("publish", "--log-pass-file", log_pass)
		else if ((rc = cli_sign_opt("publish", argc, argv, &i, &cs))) {
			if (rc != 1)
				return rc;
		} else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("publish", "unknown option %s", argv[i]);
		else if (dir)
			return cli_usage("publish", "only one ISSUE_DIR");
		else
			dir = argv[i];
	}
	if (!dir || !archive)
		return cli_usage("publish", "ISSUE_DIR and --archive are required");
	if (!cs.key == !pdf_path)
		return cli_usage("publish", "either sign here (--key KEY ...) or give the "
				 "signed PDF (--signed-pdf FILE)");
	if ((spec || map) && !pdf_path)
		return cli_usage("publish", "--pages/--page-map go with --signed-pdf (signing "
				 "here takes the pages from the compile)");
	if (spec && map)
		return cli_usage("publish", "give the page ranges with --pages or --page-map, not both");
	if (pdf_path && !spec && !map && !ntrust)
		return cli_usage("publish", "--signed-pdf needs --trust CA.pem: its signature "
				 "must chain to a trust anchor before it is published");
	if (ntrust && (!pdf_path || spec || map))
		return cli_usage("publish", "--trust goes with --signed-pdf (without --pages)");
	if (copy_out && !cs.key)
		return cli_usage("publish", "-o writes the PDF signed here; it needs --key");
	if (log_pass && !log_key)
		return cli_usage("publish", "--log-pass-file goes with --log-key");
	if (reason && strlen(reason) > GAZ_AR_NOTE_MAX)
		return cli_usage("publish", "--reason is %zu bytes: at most %u", strlen(reason),
				 (unsigned)GAZ_AR_NOTE_MAX);
	if ((ret = cli_text_ok("publish", "--reason", reason)) ||
	    (ret = cli_text_ok("publish", "--by", by)) ||
	    (ret = cli_text_ok("publish", "--location", cs.o.location)))
		return ret;
	if (cs.key && (ret = cli_sign_finish("publish", &cs)))
		return ret;
	/* the log key before the work: a wrong passphrase stops here */
	if (log_key && (rc = gaz_tlog_load_key(log_key, log_pass, &lk)))
		return cli_error(log_key, rc);
	ret = EXIT_USAGE;

	if ((ret = cli_issue_load(dir, &is, &d)))
		goto end;
	if (d.n_errors) {
		fprintf(stderr, "gazette: %s: not published: %zu error%s (see `gazette check`)\n",
			dir, d.n_errors, d.n_errors == 1 ? "" : "s");
		ret = EXIT_FAILED;
		goto end;
	}
	if (copy_out) {
		const char *keep[] = { cs.key, cs.cert, cs.chain, cs.passfile, log_key, log_pass };
		if ((ret = cli_output_ok_issue("publish", copy_out, is, archive)) ||
		    (ret = cli_output_ok("publish", copy_out, keep, 6, archive)))
			goto end;
	}
	if (!(pages = calloc(is->n_docs ? is->n_docs : 1, sizeof *pages))) {
		ret = ar_cli_fail(dir, GAZ_ENOMEM);
		goto end;
	}
	if (spec || map) {
		if (map && (rc = gaz_read_file(map, PAGEMAP_MAX, &mapbuf, &map_len))) {
			ret = ar_cli_fail(map, rc);
			goto end;
		}
		if ((rc = map ? parse_pages(is, mapbuf, map_len, '\n', pages)
			      : parse_pages(is, spec, strlen(spec), ',', pages))) {
			ret = ar_cli_fail(map ? map : "--pages", rc);
			goto end;
		}
		if ((rc = gaz_read_file(pdf_path, GAZ_AR_BLOB_MAX, &pdf, &pdf_len))) {
			ret = ar_cli_fail(pdf_path, rc);
			goto end;
		}
		if ((ret = check_given(pdf_path, pdf, pdf_len, pages, is->n_docs)))
			goto end;
	} else if ((ret = build_signed(is, &cs, pdf_path, trust, ntrust, reason, &pdf, &pdf_len,
				       pages))) {
		goto end;
	}
	if ((ret = ar_cli_open(archive, GAZ_AR_WRITE | GAZ_AR_CREATE, map_size, &a)))
		goto end;
	if (lk && (rc = gaz_archive_set_log_key(a, lk))) {
		ret = ar_cli_fail(log_key, rc);
		goto end;
	}
	if ((rc = gaz_archive_publish(a, is, pdf, pdf_len, pages, ar_cli_who(by), ar_cli_now(),
				      reason, &version))) {
		ret = ar_cli_fail(archive, rc);
		goto end;
	}
	printf("stored %s/%s version %u (%zu documents) in %s%s\n", gaz_fv(&is->cfg.year),
	       gaz_fv(&is->cfg.number), version, is->n_docs, archive,
	       lk ? "; log tree head signed" : "");
	/* -o only once the archive holds this version: a refused or failed
	 * store leaves no signed copy that was never published */
	if (copy_out && (rc = gaz_write_file_atomic(copy_out, pdf, pdf_len))) {
		cli_error(copy_out, rc);
		fprintf(stderr, "gazette: the version is stored; `gazette get --archive %s %s/%s -o "
				"FILE` writes its PDF\n", archive, gaz_fv(&is->cfg.year),
			gaz_fv(&is->cfg.number));
		ret = EXIT_USAGE;
		goto end;
	}
	ret = EXIT_OK;
end:
	gaz_archive_close(a);
	EVP_PKEY_free(lk);
	gaz_issue_free(is);
	gaz_diags_release(&d);
	free(pages);
	free(pdf);
	free(mapbuf);
	return ret;
}
