#ifndef AUTHTOKEN_CLDAP_SHIM_H
#define AUTHTOKEN_CLDAP_SHIM_H
// The deprecated synchronous calls are not used; LDAP_DEPRECATED stays off.
#include <ldap.h>
#include <lber.h>
#endif
