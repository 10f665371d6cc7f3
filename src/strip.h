#ifndef MAILOPT_STRIP_H
#define MAILOPT_STRIP_H
#endif
