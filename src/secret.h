/* secret.h — passwords and tokens from a private file or a command's output, never from argv or the environment. */
#ifndef MAILOPT_SECRET_H
#define MAILOPT_SECRET_H

/*
 * The first line of the file at path, which must be a regular file
 * nobody but its owner may read or write (mode 0600 or 0400).
 * setting names it in errors ("smtp_password_file: PATH: why").
 * Returns 0 and *out (caller frees, after wiping it with secret_free),
 * or EX_CONFIG.
 */
int	 secret_file(const char *setting, const char *path, char **out);

/*
 * The first line a shell command prints on standard output (like
 * mbsync's PassCmd: "pass show sales-imap", a token helper). It must
 * exit 0 and print something within a minute, or it is killed. Its
 * standard error passes through. Returns 0 and *out (caller frees with
 * secret_free), or EX_TEMPFAIL when it failed (a token helper fails
 * while the network is down).
 */
int	 secret_command(const char *setting, const char *command, char **out);

/* Wipe and free. Accepts NULL. */
void	 secret_free(char *s);

#endif
