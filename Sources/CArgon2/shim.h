#ifndef AUTHTOKEN_CARGON2_SHIM_H
#define AUTHTOKEN_CARGON2_SHIM_H
#include <argon2.h>
#include <malloc.h>
#endif
