/* token.h — the sales+TOKEN@ address that names a profile and proves it: an HMAC of the profile under a secret. */
#ifndef MAILOPT_TOKEN_H
#define MAILOPT_TOKEN_H

#include <stdint.h>

struct token;

/*
 * Read the secret from path: at least 16 bytes, and the file must not
 * be readable by group or others. Returns 0 and sets *out (caller owns
 * it, token_free), or EX_CONFIG having said why.
 */
int	 token_new(const char *path, struct token **out);
/* Accepts NULL; wipes the secret. */
void	 token_free(struct token *t);

/*
 * The token of a profile: "ID-MAC", MAC the first 80 bits of
 * HMAC-SHA256(secret, "mailopt profile ID") in lowercase base32, so it
 * survives MTAs that change the case of local parts. Caller frees.
 */
char	*token_make(const struct token *t, int64_t profile_id);
/*
 * 1 and *profile_id set when tok (any case) is a token this secret
 * made, compared in constant time; 0 otherwise.
 */
int	 token_check(const struct token *t, const char *tok, int64_t *profile_id);
/*
 * The token in an address's "+detail" (local+TOKEN@domain), or NULL.
 * Caller frees.
 */
char	*token_from_address(const char *addr);

#endif
