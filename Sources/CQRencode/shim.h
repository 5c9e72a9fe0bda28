#ifndef AUTHTOKEN_CQRENCODE_SHIM_H
#define AUTHTOKEN_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
