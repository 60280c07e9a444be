#include "cli.h"
#include "gazette/http.h"
#include "gazette/verify.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char cmd_serve_usage[] =
	"usage: gazette serve --archive DIR --listen ADDR:PORT [--trust CA.pem]...\n"
	"                     [--threads N] [--max-connections N] [--max-per-ip N]\n"
	"                     [--header-timeout S] [--idle-timeout S] [--no-search-cache]\n\n"
	"The public, read-only web service over an archive: browse issues, read\n"
	"documents, search, download signed PDFs, verify an uploaded PDF, the\n"
	"transparency log, a JSON API and an Atom feed (URLs: docs/api.md).\n"
	"The archive is opened read-only; nothing a visitor sends is stored.\n\n"
	"ADDR:PORT is 127.0.0.1:8080, [::1]:8080, or [::]:8080 for IPv6 and IPv4\n"
	"(dual stack); port 0 picks a free port.  The URL is printed on stdout once\n"
	"the server listens.  --trust adds a trust anchor for the verify page (a\n"
	"file that cannot be read or holds no certificate or CRL stops it at once).\n"
	"Defaults: 2 threads, 64 connections, 16 per client address, 10 s to\n"
	"receive a request's headers, 15 s of silence; uploads up to 50 MB.\n"
	"Search answers are kept for as long as the archive is unchanged (a\n"
	"publish or status change is seen by the next request); --no-search-cache\n"
	"computes every search afresh.\n"
	"SIGINT or SIGTERM stops the server cleanly.\n\n"
	"exit 0: stopped by a signal; 2: usage, archive, trust file or address error.\n";

#define TRUST_MAX 8

/* SIGINT/SIGTERM write their number to this pipe; the main thread waits on
 * it.  A handler (rather than sigwait alone) also covers threads that some
 * runtime started before our mask was set. */
static int stop_pipe[2] = { -1, -1 };

static void on_stop(int sig)
{
	unsigned char c = (unsigned char)sig;
	ssize_t n = write(stop_pipe[1], &c, 1);

	(void)n;
}

/* "--name N" with 1 <= N <= max: 1 when argv[*i] was that option (its
 * value in *out), 0 when not, -1 after printing the usage error. */
static int uint_arg(int argc, char **argv, int *i, const char *name, unsigned max,
		    unsigned *out)
{
	const char *v;
	uint64_t x;
	int missing;

	if (!(v = cli_opt(argc, argv, i, name, &missing)) && !missing)
		return 0;
	if (missing)
		return cli_usage("serve", "%s needs a value", name), -1;
	if (gaz_parse_uint(v, strlen(v), max, &x) || !x)
		return cli_usage("serve", "%s: 1..%u%s", name, max,
				 max == 3600 ? " seconds" : ""), -1;
	*out = (unsigned)x;
	return 1;
}

int cmd_serve(int argc, char **argv)
{
	struct gaz_serve_opts o;
	struct gaz_http_server *srv = NULL;
	const char *trust[TRUST_MAX];
	struct sigaction sa;
	sigset_t set;
	int i, sig = 0, missing, rc, r;

	memset(&o, 0, sizeof o);
	for (i = 1; i < argc; i++) {
		const char *v;

		CLI_OPT("serve", "--archive", o.archive_dir)
		else CLI_OPT("serve", "--listen", o.listen)
		else if ((v = cli_opt(argc, argv, &i, "--trust", &missing)) || missing) {
			if (missing)
				return cli_usage("serve", "--trust needs a value");
			if (o.n_trust == TRUST_MAX)
				return cli_usage("serve", "at most %d --trust files", TRUST_MAX);
			trust[o.n_trust++] = v;
		} else if ((r = uint_arg(argc, argv, &i, "--threads", 64, &o.threads)) ||
			   (r = uint_arg(argc, argv, &i, "--max-connections", 100, &o.conn_limit)) ||
			   (r = uint_arg(argc, argv, &i, "--max-per-ip", 100, &o.per_ip_limit)) ||
			   (r = uint_arg(argc, argv, &i, "--header-timeout", 3600,
					 &o.header_timeout)) ||
			   (r = uint_arg(argc, argv, &i, "--idle-timeout", 3600, &o.idle_timeout))) {
			if (r < 0)
				return EXIT_USAGE;
		} else if (!strcmp(argv[i], "--no-search-cache"))
			o.no_search_cache = 1;
		else
			return cli_usage("serve", "unknown argument %s", argv[i]);
	}
	if (!o.archive_dir)
		return cli_usage("serve", "--archive DIR missing");
	if (!o.listen)
		return cli_usage("serve", "--listen ADDR:PORT missing");
	o.trust = trust;
	/* The verify page reads the trust files for each upload: one that can
	 * never be used stops the server here, not every visitor later. */
	{
		struct gaz_verify_opts vo;

		memset(&vo, 0, sizeof vo);
		vo.trust = trust;
		vo.ntrust = o.n_trust;
		if ((rc = gaz_verify_trust_check(&vo)))
			return cli_error("serve", rc);
	}

	if (pipe(stop_pipe)) {
		perror("gazette serve: pipe");
		return EXIT_USAGE;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The server's threads start with the signals blocked, so the main
	 * thread (unblocked again below) is the one that takes them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	rc = gaz_http_start(&o, &srv);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (rc) {
		close(stop_pipe[0]);
		close(stop_pipe[1]);
		return cli_error(o.archive_dir, rc);
	}
	if (o.listen[0] == '[')
		printf("gazette: serving %s at http://[%.*s]:%u/\n", o.archive_dir,
		       (int)(strchr(o.listen, ']') - o.listen - 1), o.listen + 1, gaz_http_port(srv));
	else
		printf("gazette: serving %s at http://%.*s:%u/\n", o.archive_dir,
		       (int)(strrchr(o.listen, ':') - o.listen), o.listen, gaz_http_port(srv));
	fflush(stdout);
	for (;;) {
		unsigned char c;
		ssize_t n = read(stop_pipe[0], &c, 1);
		if (n == 1) {
			sig = c;
			break;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	fprintf(stderr, "gazette: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	gaz_http_stop(srv);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	return EXIT_OK;
}
