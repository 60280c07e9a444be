#include "cli.h"
#include "archive_cli.h"
#include "gazette/archive_verify.h"
#include "gazette/pdf.h"
#include "gazette/text.h"
#include "gazette/verify.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_verify_usage[] =
	"usage: gazette verify FILE.pdf [--trust CA.pem]...\n"
	"                      [--archive DIR|URL [--on DATE] [--log-key LOG.pub]] [--json]\n\n"
	"Checks every signature in FILE.pdf strictly: the byte ranges are exactly\n"
	"the file minus this signature's /Contents, the CMS and its message digest,\n"
	"the signer's chain to a --trust anchor (CRLs from the file are used),\n"
	"signing-certificate-v2, the signature timestamp, and what any later\n"
	"revision changed: only a /DSS or document timestamps may follow a\n"
	"signature; anything else (pages, content, annotations, form fields, xref\n"
	"tricks) makes it invalid.  --trust may be given more than once; a PEM\n"
	"file may hold several certificates and CRLs.  Without --trust nothing is\n"
	"trusted.\n\n"
	"Prints a report (which revision each signature signs, signer, chain,\n"
	"timestamp, /M, algorithms, changes after signing); --json prints the same\n"
	"as JSON (docs/verify.md).\n\n"
	"With --archive DIR it also says which issue and version the file is,\n"
	"whether a newer version supersedes it (and why), the status of each\n"
	"document in it (in force on --on DATE, default the latest status), and\n"
	"proves from the archive's transparency log that it published exactly\n"
	"these bytes (inclusion proof checked against the signed tree head).\n"
	"--archive http[s]://HOST[:PORT] asks the archive's public web service (or\n"
	"a static export of it) instead, through its JSON API, and checks the log\n"
	"proof here: the leaf must record this file's SHA-256 as that issue\n"
	"version, and the proof must lead to the root.  --log-key (the log's\n"
	"Ed25519 public key, obtained from the office) makes the signed tree head\n"
	"of that root verify with it, so the proof holds whoever served it.\n\n"
	"exit 0: every signature valid, trusted and covering the document (and,\n"
	"with --archive, the current version with every document in force);\n"
	"1: invalid, tampered, untrusted or unsigned, or not a published version;\n"
	"2: usage or I/O error; 3: authentic but superseded, or a document in it\n"
	"no longer in force.\n";

static const char *status_text(int st)
{
	return st ? gaz_status_name(st) : "有效 (as published)";
}

static void print_archive(const struct gaz_av *av, const char *dir, const char *on)
{
	char h[65];
	size_t i;

	printf("\nArchive %s:\n", dir);
	gaz_hex(av->sha256, 32, h);
	if (!av->found) {
		printf("  this file (sha256 %s) is NOT a version published in the archive\n", h);
		return;
	}
	printf("  issue:      %s %u年第%u期 (总第%u期), version %u of %u, published %s\n",
	       av->ver.name, av->ver.year, av->ver.number, av->ver.cumulative, av->ver.version,
	       av->ver.latest, av->ver.date);
	if (av->ver.superseded_by)
		printf("  SUPERSEDED by version %u: %s\n", av->ver.superseded_by,
		       av->ver.superseded_reason ? av->ver.superseded_reason : "");
	else
		printf("  current:    yes (the newest version)\n");
	printf("  documents%s%s:\n", on ? " in force on " : "", on ? on : "");
	for (i = 0; i < av->n_docs; i++)
		printf("    %-4s %s  %s  pp. %u-%u  code %s\n",
		       av->docs[i].in_force ? "ok" : "NOT", av->docs[i].doc_no,
		       status_text(av->docs[i].status), av->docs[i].first_page,
		       av->docs[i].last_page, av->docs[i].code);
	gaz_hex(av->root, 32, h);
	printf("  log:        leaf %llu in a tree of %llu, inclusion proof (%zu hashes) %s\n"
	       "              root %s (%s)\n",
	       (unsigned long long)av->leaf_index, (unsigned long long)av->tree_size,
	       av->proof.n, av->logged ? "verified" : "FAILED", h,
	       av->head_verified ? "a signed tree head, signature verified with --log-key"
	       : av->head_signed ? "a signed tree head; its signature not checked (no --log-key)"
	       : "current tree; no signed head covers it yet");
}

static cJSON *archive_json(const struct gaz_av *av, const char *on)
{
	cJSON *o = cJSON_CreateObject(), *docs, *p;
	char h[65];
	size_t i;

	if (!o)
		return NULL;
	gaz_hex(av->sha256, 32, h);
	cJSON_AddStringToObject(o, "sha256", h);
	cJSON_AddBoolToObject(o, "found", av->found);
	if (on)
		cJSON_AddStringToObject(o, "on", on);
	if (av->found) {
		cJSON_AddNumberToObject(o, "year", av->ver.year);
		cJSON_AddNumberToObject(o, "number", av->ver.number);
		cJSON_AddNumberToObject(o, "version", av->ver.version);
		cJSON_AddNumberToObject(o, "latest", av->ver.latest);
		cJSON_AddBoolToObject(o, "superseded", av->ver.superseded_by != 0);
		if (av->ver.superseded_by) {
			cJSON_AddNumberToObject(o, "superseded_by", av->ver.superseded_by);
			cJSON_AddStringToObject(o, "superseded_reason",
						av->ver.superseded_reason ? av->ver.superseded_reason : "");
		}
		cJSON_AddBoolToObject(o, "all_in_force", av->all_in_force);
		docs = cJSON_AddArrayToObject(o, "documents");
		for (i = 0; docs && i < av->n_docs; i++) {
			cJSON *d = cJSON_CreateObject();
			if (!d)
				break;
			cJSON_AddStringToObject(d, "doc_no", av->docs[i].doc_no);
			cJSON_AddStringToObject(d, "title", av->docs[i].title);
			cJSON_AddStringToObject(d, "code", av->docs[i].code);
			cJSON_AddStringToObject(d, "status", gaz_status_name(av->docs[i].status));
			cJSON_AddBoolToObject(d, "in_force", av->docs[i].in_force);
			cJSON_AddNumberToObject(d, "first_page", av->docs[i].first_page);
			cJSON_AddNumberToObject(d, "last_page", av->docs[i].last_page);
			cJSON_AddItemToArray(docs, d);
		}
		cJSON_AddBoolToObject(o, "log_verified", av->logged);
		cJSON_AddNumberToObject(o, "leaf_index", (double)av->leaf_index);
		cJSON_AddNumberToObject(o, "tree_size", (double)av->tree_size);
		gaz_hex(av->root, 32, h);
		cJSON_AddStringToObject(o, "root", h);
		cJSON_AddBoolToObject(o, "signed_head", av->head_signed);
		cJSON_AddBoolToObject(o, "signed_head_verified", av->head_verified);
		gaz_hex(av->leaf_hash, 32, h);
		cJSON_AddStringToObject(o, "leaf_hash", h);
		p = cJSON_AddArrayToObject(o, "inclusion_proof");
		for (i = 0; p && i < av->proof.n; i++) {
			gaz_hex(av->proof.h[i], 32, h);
			cJSON_AddItemToArray(p, cJSON_CreateString(h));
		}
	}
	return o;
}

/* The PDF is mapped, not copied (gaz_map_file): if another process
 * truncates it while it is being checked, reading the lost pages raises
 * SIGBUS.  Say so and exit 2, as for a file that cannot be read. */
static const char *mapped_name;

static void on_sigbus(int sig)
{
	static const char a[] = "gazette: ", b[] = ": the file shrank while it was being read\n";
	ssize_t ignored;

	(void)sig;
	ignored = write(2, a, sizeof(a) - 1);
	if (mapped_name)
		ignored = write(2, mapped_name, strlen(mapped_name));
	ignored = write(2, b, sizeof(b) - 1);
	(void)ignored;
	_exit(EXIT_USAGE);
}

int cmd_verify(int argc, char **argv)
{
	struct gaz_verify_opts opts = { 0 };
	struct gaz_verify_report *rep = NULL;
	struct gaz_buf out = GAZ_BUF_INIT((size_t)16 << 20);
	const char **trust = NULL, *file = NULL, *archive = NULL, *on = NULL, *log_key = NULL, *v;
	struct gaz_archive *ar = NULL;
	EVP_PKEY *log_pub = NULL;
	struct gaz_av av = { 0 };
	struct gaz_map map = { 0 };
	struct sigaction sa;
	int have_av = 0;
	char *json = NULL;
	size_t ntrust = 0;
	int i, rc, missing, as_json = 0, ret = EXIT_USAGE;

	if (!(trust = calloc((size_t)argc, sizeof(*trust))))
		return cli_error("verify", GAZ_ENOMEM);
	for (i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--trust", &missing))) {
			trust[ntrust++] = v;
		} else if (missing) {
			ret = cli_usage("verify", "--trust needs a file");
			goto end;
		} else if ((v = cli_opt(argc, argv, &i, "--archive", &missing)) || missing) {
			if (missing) {
				ret = cli_usage("verify", "--archive needs a directory or URL");
				goto end;
			}
			archive = v;
		} else if ((v = cli_opt(argc, argv, &i, "--on", &missing)) || missing) {
			long days;
			if (missing || gaz_text_parse_date(v, &days)) {
				ret = cli_usage("verify", "--on needs a date YYYY-MM-DD");
				goto end;
			}
			on = v;
		} else if ((v = cli_opt(argc, argv, &i, "--log-key", &missing)) || missing) {
			if (missing) {
				ret = cli_usage("verify", "--log-key needs a PEM file");
				goto end;
			}
			log_key = v;
		} else if (!strcmp(argv[i], "--json")) {
			as_json = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ret = cli_usage("verify", "unknown option %s", argv[i]);
			goto end;
		} else if (file) {
			ret = cli_usage("verify", "only one FILE.pdf");
			goto end;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		ret = cli_usage("verify", "FILE.pdf missing");
		goto end;
	}
	opts.trust = trust;
	opts.ntrust = ntrust;
	gaz_crypto_fast_certs();
	if ((as_json || archive) && (rc = gaz_dl_cjson())) {
		ret = cli_error("verify", rc);
		goto end;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	mapped_name = file;
	sigaction(SIGBUS, &sa, NULL);
	if ((rc = gaz_map_file(file, GAZ_PDF_MAX_FILE, &map))) {
		ret = cli_error(file, rc);
		goto end;
	}
	if ((rc = gaz_verify_pdf(map.p, map.len, &opts, &rep))) {
		ret = cli_error(file, rc);
		goto end;
	}
	if ((on || log_key) && !archive) {
		ret = cli_usage("verify", "%s goes with --archive", on ? "--on" : "--log-key");
		goto end;
	}
	if (log_key && (rc = gaz_tlog_load_pub(log_key, &log_pub))) {
		ret = cli_error(log_key, rc);
		goto end;
	}
	if (archive) {
		int remote = !strncmp(archive, "http://", 7) || !strncmp(archive, "https://", 8);
		/* an archive that cannot be opened (missing, damaged) says
		 * nothing about the file: 2, not 1 */
		if (!remote && ar_cli_open(archive, GAZ_AR_READONLY, NULL, &ar)) {
			ret = EXIT_USAGE;
			goto end;
		}
		ret = EXIT_USAGE;
		rc = remote ? gaz_archive_verify_remote(archive, log_pub, map.p, map.len, on, &av)
			    : gaz_archive_verify_file(ar, log_pub, map.p, map.len, on, &av);
		if (rc == GAZ_ECORRUPT) {
			fprintf(stderr, "gazette: %s: the archive fails to prove this file: %s\n",
				archive, gaz_errdetail());
			ret = EXIT_FAILED;
			goto end;
		}
		if (rc) {
			ret = remote ? cli_error(archive, rc) : ar_cli_fail(archive, rc);
			goto end;
		}
		have_av = 1;
	}
	/* the verdict is about the bytes the file still holds */
	if ((rc = gaz_map_unchanged(&map, file))) {
		ret = cli_error(file, rc);
		goto end;
	}
	if (as_json) {
		cJSON *j;
		if ((rc = gaz_verify_report_json(rep, file, &json))) {
			ret = cli_error(file, rc);
			goto end;
		}
		if (have_av && (j = cJSON_Parse(json))) {
			cJSON_AddItemToObject(j, "archive", archive_json(&av, on));
			free(json);
			json = cJSON_Print(j);
			cJSON_Delete(j);
			if (!json) {
				ret = cli_error(file, GAZ_ENOMEM);
				goto end;
			}
		}
		printf("%s\n", json);
	} else {
		if ((rc = gaz_verify_report_text(rep, file, &out))) {
			ret = cli_error(file, rc);
			goto end;
		}
		fwrite(out.data, 1, out.len, stdout);
		if (have_av)
			print_archive(&av, archive, on);
	}
	if (fflush(stdout)) {
		ret = cli_error("stdout", GAZ_EIO);
		goto end;
	}
	ret = !rep->valid ? EXIT_FAILED : have_av ? gaz_av_exit_code(&av) : EXIT_OK;
end:
	if (have_av)
		gaz_av_release(&av);
	gaz_archive_close(ar);
	EVP_PKEY_free(log_pub);
	gaz_verify_report_free(rep);
	gaz_buf_release(&out);
	free(json);
	gaz_unmap_file(&map);
	free(trust);
	return ret;
}
