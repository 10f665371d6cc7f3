/* operator.h — who an operator's decision is recorded under. */
#ifndef MAILOPT_OPERATOR_H
#define MAILOPT_OPERATOR_H

/*
 * The name to record: given (--operator), or, when NULL, the login
 * name. NULL, said, when it will not do (empty, too long, control
 * characters): a usage error. Caller frees.
 */
char	*operator_name(const char *given);

#endif
