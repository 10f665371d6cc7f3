#ifndef MAILOPT_HTML_H
#define MAILOPT_HTML_H
#endif
