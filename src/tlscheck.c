/* tlscheck.c — whether a TLS server's certificate chain is trusted and names the host connected to. */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tlscheck.h"
#include "util.h"

/*
 * One certificate: real ones are a few KiB. The bound keeps the length
 * inside GnuTLS's unsigned int and a hostile server's 16 MiB record
 * out of the parser.
 */
#define MAX_CERT_LEN	(64 * 1024)
/* A CA file: Debian's whole bundle is about 200 KiB. */
#define MAX_CA_FILE	(16 * 1024 * 1024)

/*
 * Why GnuTLS does not trust a chain, most fundamental first; only the
 * first one found is said, since the later ones follow from it (a
 * signer that is no CA breaks its constraints too).
 */
static const struct reason {
	unsigned	 bit;
	const char	*text;
} untrusted[] = {
	{ GNUTLS_CERT_SIGNER_NOT_FOUND, "signer unknown" },
	{ GNUTLS_CERT_SIGNER_NOT_CA, "signer is not a CA" },
	{ GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE,
	  "outside its signer's constraints" },
	{ GNUTLS_CERT_SIGNATURE_FAILURE, "bad signature" },
	{ GNUTLS_CERT_INSECURE_ALGORITHM, "insecure signature algorithm" },
	{ GNUTLS_CERT_REVOKED, "revoked" },
},
/* and what else can be wrong with a trusted chain, each one said */
wrong[] = {
	{ GNUTLS_CERT_EXPIRED, "certificate has expired" },
	{ GNUTLS_CERT_NOT_ACTIVATED, "certificate is not valid yet" },
	{ GNUTLS_CERT_UNEXPECTED_OWNER, "certificate is for another host name" },
	{ GNUTLS_CERT_PURPOSE_MISMATCH, "certificate is not for a TLS server" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * GnuTLS's message for error r in buf, in the house's case: no
 * capital to start a sentence (acronyms kept), no final period.
 */
static const char *
gtls_error(int r, char *buf, size_t size)
{
	const char *e = gnutls_strerror(r);
	size_t n;

	if (e[0] >= 'A' && e[0] <= 'Z' && !(e[1] >= 'A' && e[1] <= 'Z'))
		snprintf(buf, size, "%c%s", e[0] + ('a' - 'A'), e + 1);
	else
		snprintf(buf, size, "%s", e);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '.' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

/* What the verification status says, reasons joined by "; ". */
static char *
status_text(unsigned status)
{
	struct buf b = { 0 };
	gnutls_datum_t out = { NULL, 0 };
	unsigned known = GNUTLS_CERT_INVALID;
	size_t i;

	for (i = 0; i < NELEM(untrusted); i++)
		known |= untrusted[i].bit;
	for (i = 0; i < NELEM(untrusted); i++)
		if (status & untrusted[i].bit) {
			buf_printf(&b, "certificate is not trusted (%s)",
			    untrusted[i].text);
			break;
		}
	for (i = 0; i < NELEM(wrong); i++) {
		known |= wrong[i].bit;
		if (status & wrong[i].bit) {
			if (b.len > 0)
				buf_adds(&b, "; ");
			buf_adds(&b, wrong[i].text);
		}
	}
	/*
	 * Bits these tables do not know (OCSP, revocation data, those of
	 * a later GnuTLS): GnuTLS's own sentences, in the house's case.
	 */
	if ((status & ~known) != 0 || b.len == 0) {
		unsigned rest = b.len > 0 ? status & ~known : status;

		if (gnutls_certificate_verification_status_print(rest,
		    GNUTLS_CRT_X509, &out, 0) == 0 && out.data != NULL) {
			char *s = (char *)out.data;
			size_t n = strlen(s);

			while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '.'))
				n--;
			for (i = 0; i < n; i++)
				if (s[i] >= 'A' && s[i] <= 'Z')
					s[i] += 'a' - 'A';
			if (b.len > 0)
				buf_adds(&b, "; ");
			buf_add(&b, s, n);
			gnutls_free(out.data);
		}
		if (b.len == 0)
			buf_printf(&b, "certificate is not trusted (status 0x%x)",
			    status);
	}
	return buf_steal(&b);
}

/*
 * Read the CA file into *ca (caller frees ca->data), so that a missing,
 * unreadable or odd file is said plainly rather than as a GnuTLS error
 * code, and a huge one is never read whole.
 */
static int
read_ca_file(const char *path, gnutls_datum_t *ca, char **why)
{
	char eb[128];
	struct stat st;
	unsigned char *p = NULL;
	size_t have = 0;
	ssize_t r;
	int fd, ret = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		*why = xasprintf("cannot read the CA file %s: %s", path,
		    mo_strerror(errno, eb, sizeof(eb)));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		*why = xasprintf("cannot read the CA file %s: %s", path,
		    mo_strerror(errno, eb, sizeof(eb)));
		goto out;
	}
	/* a FIFO or a device could block or never end */
	if (!S_ISREG(st.st_mode)) {
		*why = xasprintf("cannot read the CA file %s: not a regular file",
		    path);
		goto out;
	}
	if (st.st_size > MAX_CA_FILE) {
		*why = xasprintf("cannot read the CA file %s: larger than %d MiB",
		    path, MAX_CA_FILE / (1024 * 1024));
		goto out;
	}
	p = xmalloc((size_t)st.st_size + 1);
	/* to one byte past the size seen: a file that grew meanwhile is refused */
	while (have <= (size_t)st.st_size) {
		r = read(fd, p + have, (size_t)st.st_size + 1 - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = xasprintf("cannot read the CA file %s: %s", path,
			    mo_strerror(errno, eb, sizeof(eb)));
			goto out;
		}
		if (r == 0)
			break;
		have += (size_t)r;
	}
	if (have > (size_t)st.st_size) {
		*why = xasprintf("cannot read the CA file %s: it changed while read",
		    path);
		goto out;
	}
	ca->data = p;
	ca->size = (unsigned)have;
	p = NULL;
	ret = 0;
out:
	free(p);
	close(fd);
	return ret;
}

int
tls_check_chain(const unsigned char *const *der, const size_t *len,
    size_t n, const char *host, const char *ca_file, char **why)
{
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_x509_crt_t crt[TLS_CHAIN_MAX];
	gnutls_datum_t ca = { NULL, 0 };
	gnutls_typed_vdata_st data[2];
	char eb[128];
	unsigned status = 0;
	size_t i, ncrt = 0;
	int r, ret = -1;

	*why = NULL;
	if (n == 0 || der == NULL || len == NULL) {
		*why = xstrdup("no certificate");
		return -1;
	}
	if (n > TLS_CHAIN_MAX) {
		*why = xasprintf("certificate chain is too long (%zu, at most %d)",
		    n, TLS_CHAIN_MAX);
		return -1;
	}
	/* nothing to match would make any trusted certificate pass */
	if (host == NULL || *host == '\0') {
		*why = xstrdup("no host name to check the certificate against");
		return -1;
	}
	if (ca_file != NULL && read_ca_file(ca_file, &ca, why) < 0)
		return -1;

	if ((r = gnutls_x509_trust_list_init(&tl, 0)) < 0) {
		tl = NULL;
		*why = xasprintf("cannot set up certificate checking: %s",
		    gtls_error(r, eb, sizeof(eb)));
		goto out;
	}
	if (ca_file != NULL) {
		r = gnutls_x509_trust_list_add_trust_mem(tl, &ca, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
		if (r == GNUTLS_E_NO_CERTIFICATE_FOUND)
			r = 0;
		if (r < 0) {
			*why = xasprintf("cannot read the CA file %s: %s",
			    ca_file, gtls_error(r, eb, sizeof(eb)));
			goto out;
		}
		if (r == 0) {
			*why = xasprintf("the CA file %s holds no PEM certificate",
			    ca_file);
			goto out;
		}
	} else {
		r = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
		if (r < 0) {
			*why = xasprintf("cannot read the system's trusted CAs: %s",
			    gtls_error(r, eb, sizeof(eb)));
			goto out;
		}
		/* an empty store would refuse every server, and say why badly */
		if (r == 0) {
			*why = xstrdup("the system has no trusted CAs "
			    "(Debian: ca-certificates)");
			goto out;
		}
	}

	for (i = 0; i < n; i++) {
		gnutls_datum_t d;

		if (der[i] == NULL || len[i] == 0 || len[i] > MAX_CERT_LEN) {
			*why = xasprintf("certificate %zu of the chain is %s", i + 1,
			    der[i] == NULL || len[i] == 0 ? "empty" : "too large");
			goto out;
		}
		if ((r = gnutls_x509_crt_init(&crt[ncrt])) < 0) {
			*why = xasprintf("cannot read certificate %zu of the chain: %s",
			    i + 1, gtls_error(r, eb, sizeof(eb)));
			goto out;
		}
		ncrt++;
		d.data = (unsigned char *)der[i];
		d.size = (unsigned)len[i];
		if ((r = gnutls_x509_crt_import(crt[ncrt - 1], &d,
		    GNUTLS_X509_FMT_DER)) < 0) {
			*why = xasprintf("cannot read certificate %zu of the chain: %s",
			    i + 1, gtls_error(r, eb, sizeof(eb)));
			goto out;
		}
	}

	/*
	 * GnuTLS matches the host as RFC 6125 says, IP literals included,
	 * and the common name only when no subject alternative name is a
	 * DNS name or an IP address. The key purpose refuses a leaf made
	 * for something else (a client certificate, code signing) that a
	 * trusted CA signed.
	 */
	data[0].type = GNUTLS_DT_DNS_HOSTNAME;
	data[0].data = (unsigned char *)host;
	data[0].size = 0;
	data[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	data[1].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	data[1].size = 0;
	r = gnutls_x509_trust_list_verify_crt2(tl, crt, (unsigned)ncrt, data, 2,
	    0, &status, NULL);
	if (r < 0) {
		*why = xasprintf("cannot check the certificate: %s",
		    gtls_error(r, eb, sizeof(eb)));
		goto out;
	}
	if (status != 0) {
		*why = status_text(status);
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < ncrt; i++)
		gnutls_x509_crt_deinit(crt[i]);
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	free(ca.data);
	return ret;
}
