/*
 * gazette/tsa.h — a small RFC 3161 time-stamping authority, for
 * self-hosting and tests (`gazette tsa`).
 *
 * Requests arrive as HTTP POST with Content-Type application/timestamp-query
 * (at most GAZ_TSA_REQUEST_MAX bytes); replies are
 * application/timestamp-reply.  Tokens are signed with SHA-256, carry an
 * ESS signing-certificate-v2 (SHA-256), the TSA certificate when the
 * request asks for it (and the chain), accuracy 1 s, the policy OID given
 * (GAZ_TSA_DEFAULT_POLICY otherwise), and a serial number that is either a
 * counter kept in a file (incremented and written atomically for each
 * token) or, without a file, 64 random bits.  One serving thread: requests
 * are answered one at a time.
 */
#ifndef GAZETTE_TSA_H
#define GAZETTE_TSA_H

#include "gazette/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GAZ_TSA_REQUEST_MAX 8192u
/* OpenSSL's example TSA policy; give your own with --policy in production. */
#define GAZ_TSA_DEFAULT_POLICY "1.2.3.4.1"

struct gaz_signer;
struct gaz_tsa;

/* Makes a TSA from a loaded signer (loaded with GAZ_USE_TIMESTAMP; the TSA
 * takes its own references, the caller still frees s).  policy: dotted OID
 * or NULL; serial_file: path of the counter or NULL for random serials.
 * The serial file is read (absent: 0) and written back here: GAZ_EIO when
 * it is not a regular file or cannot be written, GAZ_EFORMAT when it holds
 * no counter.  GAZ_EINVAL for a bad OID. *out is yours: gaz_tsa_free(). */
int gaz_tsa_new(const struct gaz_signer *s, const char *policy, const char *serial_file,
		struct gaz_tsa **out);
void gaz_tsa_free(struct gaz_tsa *t);

/* Answers one DER TimeStampReq.  A malformed or unacceptable request gets
 * a TimeStampResp with status rejection (still 0 here: the reply is the
 * answer); only local failures return an error.  *resp is yours (free()). */
int gaz_tsa_respond(struct gaz_tsa *t, const unsigned char *req, size_t n,
		    unsigned char **resp, size_t *len);

/* Starts serving on listen ("127.0.0.1:PORT", "[::1]:PORT"; port 0 picks a
 * free one) in a background thread; *port gets the bound port.  GAZ_EINVAL
 * for a bad address, GAZ_EIO when it cannot bind. */
int gaz_tsa_start(struct gaz_tsa *t, const char *listen, unsigned *port);
/* Stops serving (no-op when not started).  gaz_tsa_free() calls it. */
void gaz_tsa_stop(struct gaz_tsa *t);

#ifdef __cplusplus
}
#endif
#endif
