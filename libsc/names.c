/*
 * libsc - stable names of enums (JSON keys, --path values)
 */
#include "sc-private.h"

const char *sc_path_name(enum sc_path path)
{
	switch (path) {
	case SC_PATH_NETLOGON: return "netlogon";
	case SC_PATH_KERBEROS: return "kerberos";
	case SC_PATH_LDAP: return "ldap";
	case SC_PATH_COUNT: break;
	}
	return "?";
}

const char *sc_cand_name(enum sc_cand cand)
{
	switch (cand) {
	case SC_CAND_CURRENT: return "current";
	case SC_CAND_PREVIOUS: return "previous";
	case SC_CAND_KEYTAB: return "keytab";
	}
	return "?";
}

const char *sc_outcome_name(enum sc_outcome outcome)
{
	switch (outcome) {
	case SC_OUTCOME_NOT_RUN: return "not-run";
	case SC_OUTCOME_ACCEPTED: return "accepted";
	case SC_OUTCOME_REJECTED: return "rejected";
	case SC_OUTCOME_REMEMBERED: return "remembered";
	case SC_OUTCOME_UNREACHABLE: return "unreachable";
	case SC_OUTCOME_ERROR: return "error";
	}
	return "?";
}

const char *sc_health_name(enum sc_health health)
{
	switch (health) {
	case SC_HEALTH_OK: return "ok";
	case SC_HEALTH_WARNING: return "warning";
	case SC_HEALTH_BROKEN: return "broken";
	case SC_HEALTH_UNKNOWN: return "unknown";
	}
	return "?";
}
