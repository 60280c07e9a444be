/*
 * gazette/sign.h — PAdES baseline signatures (ETSI EN 319 142-1) for issue
 * PDFs: keys, the CMS signature, RFC 3161 time-stamps, and the incremental
 * update that carries them.
 *
 * Levels:
 *   B-B   SubFilter ETSI.CAdES.detached; the CMS SignerInfo's signed
 *         attributes are exactly content-type (id-data), message-digest
 *         (SHA-256 over the /ByteRange) and signing-certificate-v2 (ESS,
 *         SHA-256 certificate hash with issuerSerial).  No signing-time: the
 *         time is the dictionary's /M.
 *   B-T   B-B plus an RFC 3161 time-stamp token over the signature value, as
 *         the unsigned attribute id-aa-signatureTimeStampToken.
 *   B-LT  B-T plus a second incremental update adding the catalog's /DSS
 *         (/Certs: signer chain and TSA chain; /CRLs; /VRI keyed by the
 *         uppercase hex SHA-1 of the signature's /Contents bytes).
 *
 * All functions follow base.h: 0 or a negative GAZ_E* code, detail via
 * gaz_errdetail(), out-parameters written only on success.
 */
#ifndef GAZETTE_SIGN_H
#define GAZETTE_SIGN_H

#include "gazette/base.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- keys --------------------------------------------------------------- */

/* Caps on the files a signer reads. */
#define GAZ_KEYFILE_MAX   (1u << 20)
#define GAZ_PASSFILE_MAX  4096u

/* Reads the key passphrase: the first line of pass_file (trailing CR/LF
 * dropped) when pass_file is non-NULL, else the environment variable
 * GAZETTE_KEY_PASS.  GAZ_ENOTFOUND when neither is given; GAZ_EIO when the
 * file cannot be read; GAZ_EINVAL for an empty passphrase.  *out is yours:
 * release it with gaz_passphrase_free(), which wipes it. */
int gaz_passphrase_load(const char *pass_file, char **out);
void gaz_passphrase_free(char *pass);

/* What a loaded key is for: the certificate is checked accordingly. */
enum gaz_key_use {
	GAZ_USE_SIGN,      /* keyUsage digitalSignature or nonRepudiation */
	GAZ_USE_TIMESTAMP  /* extendedKeyUsage timeStamping (and no other) */
};

struct gaz_signer; /* a private key, its certificate and chain */

/* Loads a private key and its certificate.
 *   key_path   encrypted PEM (PKCS#8 "ENCRYPTED PRIVATE KEY" or legacy
 *              Proc-Type ENCRYPTED) or PKCS#12 (.p12/.pfx, DER).
 *              Unencrypted keys are refused (GAZ_EINVAL).
 *   cert_path  PEM certificate; may be NULL for PKCS#12 (its certificate).
 *   chain_path PEM file with the issuing CA certificates, or NULL (then a
 *              PKCS#12's own CA certificates are used).
 *   pass       the passphrase (see gaz_passphrase_load); never logged.
 * Refuses, each with its own GAZ_E* and detail naming the file:
 *   wrong passphrase or damaged key          GAZ_ECRYPTO
 *   certificate does not match the key       GAZ_EINVAL
 *   certificate expired or not yet valid     GAZ_EINVAL
 *   certificate lacks the key usage for use  GAZ_EINVAL
 *   key neither RSA ≥ 2048 nor ECDSA P-256   GAZ_EINVAL
 *   unreadable files                         GAZ_EIO, GAZ_EFORMAT
 * *out is yours: gaz_signer_free(). */
int gaz_signer_load(const char *key_path, const char *cert_path,
		    const char *chain_path, const char *pass,
		    enum gaz_key_use use, struct gaz_signer **out);
void gaz_signer_free(struct gaz_signer *s);

/* ---- CMS (CAdES detached) ---------------------------------------------- */

/* Upper bound of the DER size of gaz_cms_sign()'s output without a
 * time-stamp, from a trial structure carrying a maximum-size signature. */
int gaz_cms_max_size(const struct gaz_signer *s, size_t *len);

/* Builds the detached CMS SignedData over a content whose SHA-256 is
 * digest: signed attributes exactly content-type, message-digest,
 * signing-certificate-v2; certificates: signer + chain; no unsigned
 * attributes.  *der is yours (free()). */
int gaz_cms_sign(const struct gaz_signer *s, const unsigned char digest[32],
		 unsigned char **der, size_t *len);

/* Like gaz_cms_sign, then asks the TSA at tsa_url for a token over the
 * signature value and adds it as id-aa-signatureTimeStampToken.  *tst_len
 * (if non-NULL) gets the token's size. */
int gaz_cms_sign_timestamped(const struct gaz_signer *s, const unsigned char digest[32],
			     const char *tsa_url, unsigned char **der, size_t *len,
			     size_t *tst_len);

/* ---- RFC 3161 client ----------------------------------------------------- */

#define GAZ_TSA_RESPONSE_MAX (64u << 10)
#define GAZ_TSA_TIMEOUT_S 20

/* Asks the TSA at url (http://host[:port]/path only) for a time-stamp token
 * over SHA-256(data), with a random nonce and the TSA's certificate
 * requested.  Checks the response: status granted, imprint, nonce, version.
 * The TSA's signature is not checked here (gazette verify does that against
 * its trust anchors).  *token is the DER TimeStampToken (free()).
 * GAZ_EIO when the TSA cannot be reached (a refused connection fails at once)
 * or does not answer within GAZ_TSA_TIMEOUT_S, with the reason in
 * gaz_errdetail(). */
int gaz_tsa_timestamp(const char *url, const unsigned char *data, size_t n,
		      unsigned char **token, size_t *len);

/* ---- the PDF --------------------------------------------------------------- */

enum gaz_pades_level { GAZ_PADES_B_B, GAZ_PADES_B_T, GAZ_PADES_B_LT };

#define GAZ_SIGN_PDF_MAX ((size_t)1 << 30)

struct gaz_sign_opts {
	enum gaz_pades_level level;
	int certify;             /* DocMDP P=1 certification signature */
	const char *reason;      /* /Reason (UTF-8) or NULL */
	const char *location;    /* /Location (UTF-8) or NULL */
	const char *tsa_url;     /* required for B-T and B-LT */
	int64_t time;            /* /M as Unix time (UTC); -1 = now */
	const char *crl_paths[8];/* CRL files (PEM or DER) for the /DSS; NULL-ended */
	const char *seal_png;    /* visible seal image on the last page, or NULL */
};

/* Signs pdf[0..len) and returns the signed file in *out (free()): the
 * original bytes unchanged, then an incremental update with the signature
 * field, its widget on the last page, the signature dictionary and (with
 * certify) the catalog's /Perms /DocMDP; for B-LT, a second update with the
 * /DSS.  GAZ_EFORMAT when pdf is not a PDF the parser accepts; GAZ_EINVAL
 * when the file already carries a certification signature. */
int gaz_pdf_sign(const struct gaz_signer *s, const unsigned char *pdf, size_t len,
		 const struct gaz_sign_opts *o, unsigned char **out, size_t *outlen);
/* The same, returning only what is appended: the signed file is pdf[0..len)
 * followed by *upd[0..*updlen) (write both, e.g. with
 * gaz_write_file_atomic2 — no copy of the original is made). */
int gaz_pdf_sign_update(const struct gaz_signer *s, const unsigned char *pdf, size_t len,
			const struct gaz_sign_opts *o, unsigned char **upd, size_t *updlen);

#ifdef __cplusplus
}
#endif
#endif
