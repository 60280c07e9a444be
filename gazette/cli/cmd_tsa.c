#include "cli.h"
#include "gazette/sign.h"
#include "gazette/tsa.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

const char cmd_tsa_usage[] =
	"usage: gazette tsa --key KEY --cert CERT [--chain PEM] --listen HOST:PORT\n"
	"                   [--pass-file FILE] [--policy OID] [--serial-file FILE]\n\n"
	"A small RFC 3161 time-stamping authority over HTTP: POST an\n"
	"application/timestamp-query to http://HOST:PORT/ and get an\n"
	"application/timestamp-reply.  The certificate needs extendedKeyUsage\n"
	"timeStamping (critical) and nothing else.  The key's passphrase comes from\n"
	"--pass-file or GAZETTE_KEY_PASS, never from the command line.  PORT 0 picks\n"
	"a free port.  Prints \"listening on http://HOST:PORT/\" on stdout once ready\n"
	"and serves until SIGINT or SIGTERM.\n\n"
	"  --policy OID        TSA policy (default " GAZ_TSA_DEFAULT_POLICY ", a demo value)\n"
	"  --serial-file FILE  serial numbers from a counter in FILE (default: random);\n"
	"                      created if absent, checked and rewritten at start-up\n\n"
	"exit 0 after a clean stop; 2 on usage, key, serial file or network errors.\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int cmd_tsa(int argc, char **argv)
{
	const char *key = NULL, *cert = NULL, *chain = NULL, *listen = NULL, *passfile = NULL,
		   *policy = NULL, *serial = NULL, *v;
	struct gaz_signer *s = NULL;
	struct gaz_tsa *t = NULL;
	struct sigaction sa;
	sigset_t block, old;
	char *pass = NULL;
	unsigned port = 0;
	int i, missing, rc, ret = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		CLI_OPT("tsa", "--key", key)
		else CLI_OPT("tsa", "--cert", cert)
		else CLI_OPT("tsa", "--chain", chain)
		else CLI_OPT("tsa", "--listen", listen)
		else CLI_OPT("tsa", "--pass-file", passfile)
		else CLI_OPT("tsa", "--policy", policy)
		else CLI_OPT("tsa", "--serial-file", serial)
		else if (!strncmp(a, "--pass", 6))
			return cli_usage("tsa", "%.*s: passphrases are never taken on the command "
					 "line (other users can read it in the process list); "
					 "use --pass-file FILE or GAZETTE_KEY_PASS",
					 (int)strcspn(a, "="), a);
		else
			return cli_usage("tsa", "unknown argument %s", a);
	}
	if (!key || !cert || !listen)
		return cli_usage("tsa", "--key, --cert and --listen are required");
	if ((rc = gaz_passphrase_load(passfile, &pass))) {
		ret = cli_error(passfile ? passfile : "passphrase", rc);
		goto end;
	}
	if ((rc = gaz_signer_load(key, cert, chain, pass, GAZ_USE_TIMESTAMP, &s))) {
		ret = cli_error(key, rc);
		goto end;
	}
	gaz_passphrase_free(pass);
	pass = NULL;
	if ((rc = gaz_tsa_new(s, policy, serial, &t))) {
		ret = cli_error("tsa", rc);
		goto end;
	}
	/* Signals are blocked in the server thread (created below) and
	 * delivered to this one, which waits for them. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	if ((rc = gaz_tsa_start(t, listen, &port))) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		ret = cli_error(listen, rc);
		goto end;
	}
	printf("gazette tsa: listening on http://%.*s:%u/\n",
	       (int)(strrchr(listen, ':') - listen), listen, port);
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	ret = EXIT_OK;
end:
	gaz_passphrase_free(pass);
	gaz_tsa_free(t);
	gaz_signer_free(s);
	return ret;
}
