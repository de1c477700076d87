/*
 * libsc - the machine-account secure-channel library behind netchk
 */
#ifndef SC_SC_H
#define SC_SC_H

#include <sc/status.h>
#include <sc/store.h>
#include <sc/probe.h>
#include <sc/verify.h>

/* The library version, e.g. "0.1.0". */
const char *sc_version(void);

#endif
