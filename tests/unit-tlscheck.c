/* unit-tlscheck.c — tls_check_chain on certificates tests/0091-tlscheck.t makes: prints "ok" or why not. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlscheck.h"
#include "util.h"

/*
 * unit-tlscheck CAFILE HOST [CERT.der...]: CAFILE "-" is the system's
 * trusted CAs; no CERT is the empty chain (der and len NULL). Exits 0
 * when the chain is trusted for HOST, 1 when not, 2 on a usage or
 * read error of the test's own.
 */

/* More than tls_check_chain takes, so that its bound is tested too. */
#define MAX_ARGS	(TLS_CHAIN_MAX + 4)

/* The whole file; NULL on error. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	struct buf b = { 0 };
	char chunk[4096];
	size_t r;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, r);
	if (ferror(f)) {
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	*len = b.len;
	/* an empty file stays empty: len 0, a pointer to one NUL byte */
	if (b.s == NULL)
		return (unsigned char *)xstrdup("");
	return (unsigned char *)buf_steal(&b);
}

int
main(int argc, char **argv)
{
	unsigned char *der[MAX_ARGS];
	size_t len[MAX_ARGS], n = 0, i;
	const char *ca;
	char *why = NULL;
	int r, ret = 2;

	progname = "unit-tlscheck";
	if (argc < 3 || argc - 3 > MAX_ARGS) {
		fprintf(stderr, "usage: unit-tlscheck CAFILE|- HOST [CERT.der...] "
		    "(at most %d)\n", MAX_ARGS);
		return 2;
	}
	ca = strcmp(argv[1], "-") == 0 ? NULL : argv[1];
	for (i = 3; i < (size_t)argc; i++) {
		if ((der[n] = slurp(argv[i], &len[n])) == NULL) {
			mo_warn_errno("%s", argv[i]);
			goto out;
		}
		n++;
	}
	/* no CERT argument: the NULL chain a stream without TLS gives */
	r = tls_check_chain(n > 0 ? (const unsigned char *const *)der : NULL,
	    n > 0 ? len : NULL, n, argv[2], ca, &why);
	if (r == 0 && why == NULL) {
		puts("ok");
		ret = 0;
	} else if (r == -1 && why != NULL) {
		puts(why);
		ret = 1;
	} else {
		printf("broken contract: returned %d, why %s\n", r,
		    why ? why : "(null)");
	}
out:
	for (i = 0; i < n; i++)
		free(der[i]);
	free(why);
	return ret;
}
