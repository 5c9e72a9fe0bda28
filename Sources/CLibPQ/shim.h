#ifndef AUTHTOKEN_CLIBPQ_SHIM_H
#define AUTHTOKEN_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
