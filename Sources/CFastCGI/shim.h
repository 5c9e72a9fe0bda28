#ifndef AUTHTOKEN_CFASTCGI_SHIM_H
#define AUTHTOKEN_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#endif
