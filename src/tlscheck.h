/* tlscheck.h — whether a TLS server's certificate chain is trusted and names the host connected to. */
#ifndef MAILOPT_TLSCHECK_H
#define MAILOPT_TLSCHECK_H

#include <stddef.h>

/* Longest chain looked at, leaf included (GnuTLS's own verify depth). */
#define TLS_CHAIN_MAX	16

/*
 * Verify a server's certificate chain (der[i], len[i], leaf first, n
 * of them) for host (a DNS name or an IP literal), against the CA
 * certificates in ca_file (PEM), or the system's trusted CAs when
 * ca_file is NULL. Returns 0 when the chain is trusted and names
 * host; -1 with *why (caller frees) saying what is wrong, e.g.
 * "certificate is not trusted (signer unknown)", "certificate is for
 * another host name", "certificate has expired", "no certificate".
 *
 * For libetpan's mailstream_get_certificate_chain(): call it after the
 * handshake and before any credential is sent, since libetpan's GnuTLS
 * build checks nothing itself. The leaf must come first (it is the one
 * that must name host); the intermediates after it may come in any
 * order, with the root or unrelated certificates among them. At most
 * TLS_CHAIN_MAX certificates of up to 64 KiB, each read as DER of
 * exactly len[i] bytes. host is matched as GnuTLS does for a TLS
 * client (RFC 6125): an IP literal (127.0.0.1, ::1, no brackets)
 * against the certificate's IP addresses, a DNS name against its DNS
 * names, wildcards allowed, and against its common name only when it
 * lists neither DNS names nor IP addresses. The leaf must also be fit
 * for a TLS server (extended key usage). *why = NULL on success.
 */
int tls_check_chain(const unsigned char *const *der, const size_t *len,
    size_t n, const char *host, const char *ca_file, char **why);

#endif
