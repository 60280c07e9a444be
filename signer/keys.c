/* Signing keys: passphrases, encrypted PEM and PKCS#12, certificate checks. */
#include "gazette/sign.h"
#include "signer/sign_local.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include <stdlib.h>
#include <string.h>

int gaz_crypto_fail(int code, const char *what)
{
	char buf[256];
	unsigned long e, last = 0;

	/* Keep the innermost (last queued) reason: it names the real cause. */
	while ((e = ERR_get_error()))
		last = e;
	if (last) {
		gaz_crypto_error_string(last, buf, sizeof buf);
		return gaz_fail(code, "%s (%s)", what, buf);
	}
	return gaz_fail(code, "%s", what);
}

int gaz_passphrase_load(const char *pass_file, char **out)
{
	char *data = NULL, *p = NULL;
	const char *env;
	size_t len = 0, n;
	int rc;

	if (pass_file) {
		if ((rc = gaz_read_file(pass_file, GAZ_PASSFILE_MAX, &data, &len)))
			return rc;
		n = strcspn(data, "\r\n");
	} else {
		if (!(env = getenv("GAZETTE_KEY_PASS")))
			return gaz_fail(GAZ_ENOTFOUND, "no passphrase: give --pass-file FILE "
					"or set GAZETTE_KEY_PASS");
		n = strlen(env);
		if (n > GAZ_PASSFILE_MAX)
			return gaz_fail(GAZ_ETOOBIG, "GAZETTE_KEY_PASS is too long");
		data = strdup(env);
		len = n;
		if (!data)
			return GAZ_ENOMEM;
	}
	if (n == 0) {
		rc = gaz_fail(GAZ_EINVAL, "the passphrase is empty (%s)",
			      pass_file ? pass_file : "GAZETTE_KEY_PASS");
		goto end;
	}
	if (!(p = malloc(n + 1))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	memcpy(p, data, n);
	p[n] = '\0';
	*out = p;
	rc = 0;
end:
	OPENSSL_cleanse(data, len);
	free(data);
	return rc;
}

void gaz_passphrase_free(char *pass)
{
	if (pass) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
}

void gaz_signer_free(struct gaz_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s);
}

static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pass = u;
	size_t n = strlen(pass);

	(void)rwflag;
	if (n > (size_t)size)
		return -1;
	memcpy(buf, pass, n);
	return (int)n;
}

/* memmem is a GNU extension; the inputs here are small. */
static int contains(const char *data, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (data[i] == needle[0] && !memcmp(data + i, needle, n))
			return 1;
	return 0;
}

static int is_pem(const char *data, size_t len)
{
	return contains(data, len < 4096 ? len : 4096, "-----BEGIN ");
}

static int load_pem_key(const char *path, const char *data, size_t len, const char *pass,
			EVP_PKEY **out)
{
	BIO *b = NULL;
	EVP_PKEY *k = NULL;
	int ret;

	if (!contains(data, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") &&
	    !contains(data, len, "Proc-Type: 4,ENCRYPTED"))
		return gaz_fail(GAZ_EINVAL, "%s: the private key is not encrypted; encrypt it "
				"(openssl pkcs8 -topk8 -v2 aes-256-cbc) — unencrypted keys "
				"are refused", path);
	if (!(b = BIO_new_mem_buf(data, (int)len)))
		return GAZ_ENOMEM;
	k = PEM_read_bio_PrivateKey(b, NULL, pem_pass_cb, (void *)pass);
	if (!k) {
		ret = gaz_crypto_fail(GAZ_ECRYPTO, "cannot decrypt the private key: wrong "
				      "passphrase or damaged key file");
		gaz_fail(ret, "%s: wrong passphrase or damaged key file", path);
		goto end;
	}
	*out = k;
	ret = 0;
end:
	BIO_free(b);
	return ret;
}

static int load_p12(const char *path, const char *data, size_t len, const char *pass,
		    EVP_PKEY **key, X509 **cert, STACK_OF(X509) **ca)
{
	const unsigned char *p = (const unsigned char *)data;
	PKCS12 *p12 = NULL;
	int ret = GAZ_EFORMAT;

	if (len > INT32_MAX || !(p12 = d2i_PKCS12(NULL, &p, (long)len))) {
		ERR_clear_error();
		return gaz_fail(GAZ_EFORMAT, "%s: neither a PEM private key nor PKCS#12", path);
	}
	if (!PKCS12_verify_mac(p12, pass, -1)) {
		ERR_clear_error();
		ret = gaz_fail(GAZ_ECRYPTO, "%s: wrong passphrase or damaged PKCS#12 file", path);
		goto end;
	}
	if (!PKCS12_parse(p12, pass, key, cert, ca) || !*key) {
		ret = gaz_crypto_fail(GAZ_ECRYPTO, "cannot read the PKCS#12 file");
		gaz_fail(ret, "%s: cannot read the PKCS#12 contents", path);
		goto end;
	}
	ret = 0;
end:
	PKCS12_free(p12);
	return ret;
}

static int load_certs(const char *path, STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk = NULL;
	BIO *b = NULL;
	X509 *x;
	char *data = NULL;
	size_t len;
	int rc;

	if ((rc = gaz_read_file(path, GAZ_KEYFILE_MAX, &data, &len)))
		return rc;
	rc = GAZ_ENOMEM;
	if (!(sk = sk_X509_new_null()) || !(b = BIO_new_mem_buf(data, (int)len)))
		goto end;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			goto end;
		}
	}
	ERR_clear_error(); /* the end of the PEM sequence queues "no start line" */
	if (sk_X509_num(sk) == 0) {
		rc = gaz_fail(GAZ_EFORMAT, "%s: no PEM certificate in it", path);
		goto end;
	}
	*out = sk;
	sk = NULL;
	rc = 0;
end:
	sk_X509_pop_free(sk, X509_free);
	BIO_free(b);
	free(data);
	return rc;
}

static int check_key_type(const char *path, EVP_PKEY *k)
{
	char group[64];
	size_t glen = 0;

	if (EVP_PKEY_is_a(k, "RSA")) {
		if (EVP_PKEY_get_bits(k) < 2048)
			return gaz_fail(GAZ_EINVAL, "%s: RSA key of %d bits; at least 2048 needed",
					path, EVP_PKEY_get_bits(k));
		return 0;
	}
	if (EVP_PKEY_is_a(k, "EC") &&
	    EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof group, &glen) &&
	    (!strcmp(group, "prime256v1") || !strcmp(group, "P-256")))
		return 0;
	ERR_clear_error();
	return gaz_fail(GAZ_EINVAL, "%s: unsupported key type %s (RSA ≥ 2048 or ECDSA P-256)",
			path, EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "?");
}

static int check_cert(const char *path, X509 *c, enum gaz_key_use use)
{
	uint32_t ku, xku;

	if (X509_cmp_current_time(X509_get0_notAfter(c)) <= 0)
		return gaz_fail(GAZ_EINVAL, "%s: the certificate has expired", path);
	if (X509_cmp_current_time(X509_get0_notBefore(c)) >= 0)
		return gaz_fail(GAZ_EINVAL, "%s: the certificate is not valid yet", path);
	/* X509_get_key_usage returns all bits when the extension is absent,
	 * which RFC 5280 allows. */
	ku = X509_get_key_usage(c);
	if (use == GAZ_USE_SIGN && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		return gaz_fail(GAZ_EINVAL, "%s: the certificate's key usage allows neither "
				"digitalSignature nor nonRepudiation", path);
	if (use == GAZ_USE_TIMESTAMP) {
		xku = X509_get_extended_key_usage(c);
		if (!(X509_get_extension_flags(c) & EXFLAG_XKUSAGE) || xku != XKU_TIMESTAMP)
			return gaz_fail(GAZ_EINVAL, "%s: a TSA certificate needs extendedKeyUsage "
					"timeStamping and nothing else (RFC 3161 2.3)", path);
		if (!(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
			return gaz_fail(GAZ_EINVAL, "%s: the certificate's key usage does not "
					"allow signing", path);
	}
	return 0;
}

int gaz_signer_load(const char *key_path, const char *cert_path, const char *chain_path,
		    const char *pass, enum gaz_key_use use, struct gaz_signer **out)
{
	struct gaz_signer *s = NULL;
	STACK_OF(X509) *certs = NULL, *p12ca = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (!key_path || !pass)
		return gaz_fail(GAZ_EINVAL, "a key and its passphrase are needed");
	if (!(s = calloc(1, sizeof *s)))
		return GAZ_ENOMEM;
	if ((rc = gaz_read_file(key_path, GAZ_KEYFILE_MAX, &data, &len)))
		goto end;
	if (is_pem(data, len))
		rc = load_pem_key(key_path, data, len, pass, &s->key);
	else
		rc = load_p12(key_path, data, len, pass, &s->key, &s->cert, &p12ca);
	if (rc)
		goto end;
	if (cert_path) {
		if ((rc = load_certs(cert_path, &certs)))
			goto end;
		X509_free(s->cert);
		s->cert = sk_X509_shift(certs);
	}
	if (!s->cert) {
		rc = gaz_fail(GAZ_EINVAL, "%s: no certificate: give --cert", key_path);
		goto end;
	}
	if (chain_path) {
		sk_X509_pop_free(certs, X509_free);
		certs = NULL;
		if ((rc = load_certs(chain_path, &certs)))
			goto end;
		s->chain = certs;
		certs = NULL;
	} else if (p12ca) {
		s->chain = p12ca;
		p12ca = NULL;
	} else if (!(s->chain = sk_X509_new_null())) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	if (X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		rc = gaz_fail(GAZ_EINVAL, "%s does not match the key in %s",
			      cert_path ? cert_path : "the certificate", key_path);
		goto end;
	}
	if ((rc = check_key_type(key_path, s->key)) ||
	    (rc = check_cert(cert_path ? cert_path : key_path, s->cert, use)) ||
	    (rc = gaz_cms_max_size(s, &s->max_cms)))
		goto end;
	*out = s;
	s = NULL;
	rc = 0;
end:
	if (data) {
		OPENSSL_cleanse(data, len);
		free(data);
	}
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(p12ca, X509_free);
	gaz_signer_free(s);
	ERR_clear_error();
	return rc;
}
