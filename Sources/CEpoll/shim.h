#ifndef AUTHTOKEN_CEPOLL_SHIM_H
#define AUTHTOKEN_CEPOLL_SHIM_H
// Linux's readiness interface for the HTTP check listener (Glibc's module leaves it out).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
// accept4 is declared only under _GNU_SOURCE, which the Glibc module is not built with.
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
#endif
