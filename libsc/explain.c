/*
 * libsc - the knowledge base: what each code means for the machine trust
 *
 * The one place where netchk's explanatory prose lives.  verify's
 * diagnosis and repair texts (sc_diag_text, sc_repair_text) are entries of
 * this table too, so that `netchk verify`, `netchk reset` and `netchk
 * explain` say the same words; tests/t-explain-strings.sh fails when one of
 * these strings is typed a second time anywhere in libsc/ or netchk/.
 *
 * Facts: MS-ERREF 2.3 (NTSTATUS values), MS-NRPC 3.5.4.4 (what
 * NetrServerAuthenticate3 answers), MS-KILE 3.3.5 (how an AD KDC maps
 * account state to Kerberos errors and the NTSTATUS in e-data), RFC 4120
 * 7.5.9 (Kerberos error numbers), and the lab's observations in
 * FIELD-NOTES 7.  The wording is ours.
 */
#include <inttypes.h>
#include <stdio.h>
#include <krb5/krb5.h>
#include "sc-private.h"

/* Repairs: referenced by the diagnoses and by the curated codes. */
static const char RP_NONE[] = "nothing to do";
static const char RP_REWRITE_KEYTAB[] =
	"rewrite the keytab from the good secrets.tdb password "
	"('netchk reset'); no change on the DC is needed";
static const char RP_CHANGE_PASSWORD[] =
	"change the machine password with the secret the DC still "
	"accepts, then update every store ('netchk reset')";
static const char RP_ADMIN_RESET[] =
	"reset the machine password with administrator credentials "
	"('netchk reset -U ADMIN', or 'net ads join -U ADMIN')";
static const char RP_REJOIN[] =
	"rejoin the domain ('net ads join -U ADMIN'): a reset "
	"cannot bring back a deleted account";
static const char RP_ENABLE_ACCOUNT[] =
	"find out why the account was disabled; if it should be "
	"back, enable it ('samba-tool user enable HOST$', or Active "
	"Directory Users and Computers)";
static const char RP_FIX_TIME[] =
	"fix the clock (chrony/ntpd/systemd-timesyncd against the "
	"DCs); do not reset the password";
static const char RP_FIX_NETWORK[] =
	"make the DC reachable (is it up? firewall on 88, 135, 389, "
	"445 and the RPC ports?); do not reset the password";
static const char RP_FIX_DNS[] =
	"fix DNS: the host must resolve the domain's SRV records "
	"(_ldap._tcp.dc._msdcs), or name a DC ('netchk verify --server "
	"DC')";
static const char RP_WAIT_REPLICATION[] =
	"nothing on this host: let replication catch up or force it "
	"('samba-tool drs replicate DC SOURCE NC', 'repadmin /syncall'); "
	"a password reset would not help, it would only start another "
	"change that has to replicate";

static const char RP_ENABLE_AES[] =
	"enable AES on the account (msDS-SupportedEncryptionTypes 0x1c) "
	"and in krb5.conf's permitted_enctypes, then 'netchk reset "
	"--force' for AES keys";

static const char RP_ONE_ROTATOR[] =
	"keep exactly one rotator and turn the others off (winbind's "
	"machine password timeout, sssd's renewal age, an adcli or "
	"msktutil timer), or let sssd update secrets.tdb as well";

static const char RP_FIX_ACCEPTOR[] =
	"register the missing SPN on the machine account (adcli update "
	"--service-name=SERVICE, 'setspn -S', 'samba-tool spn add') or "
	"remove it from the keytab; a kvno or enctype mismatch needs the "
	"keytab rewritten ('netchk reset --force')";

static const char RP_RELABEL_KEYTAB[] =
	"write the keytab's accepted keys again under the DC's kvno, "
	"keeping the old kvno ('netchk reset'); no change on the DC is "
	"needed";

/* Confirmations shared by several codes. */
static const char CF_VERIFY_NETLOGON[] =
	"'netchk verify': the netlogon line shows the DC's answer to each "
	"stored password, the verdict names the stale store; the DC's log "
	"(auth_audit:3) has 'Auth: [NETLOGON,ServerAuthenticate]' with "
	"the same status";
static const char CF_VERIFY_ACCOUNT[] =
	"'netchk verify': the kerberos and ldap lines tell deleted "
	"(C_PRINCIPAL_UNKNOWN, account not found) from disabled "
	"(CLIENT_REVOKED, 0xC0000072); on the DC: "
	"'samba-tool computer show HOST'";
static const char CF_VERIFY_REACH[] =
	"'netchk verify' says which DC it tried and whether it answered; "
	"'netchk verify --server DC' pins one DC";
static const char CF_VERIFY_KEYTAB[] =
	"'netchk verify': the kerberos line shows the keytab's kvno and "
	"the KDC's answer, the keytab line which keys match which password";

#define CAUSES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NT(code, nm, ttl, mean, cs, cf, rp) \
	{ SC_CODE_NTSTATUS, (code), (nm), (ttl), (mean), cs, (cf), (rp), \
	  false, 0 }
#define K5(code, nm, ttl, mean, cs, cf, rp, hnt, nt) \
	{ SC_CODE_KRB5, (code), (nm), (ttl), (mean), cs, (cf), (rp), \
	  (hnt), (nt) }
#define EV(id, src, ttl, mean, cs, cf, rp, hnt, nt) \
	{ SC_CODE_EVENT, (id), (src), (ttl), (mean), cs, (cf), (rp), \
	  (hnt), (nt) }
#define DG(d, nm, ttl, mean, cs, cf, rp) \
	{ SC_CODE_DIAG, (d), (nm), (ttl), (mean), cs, (cf), (rp), false, 0 }
#define RP(r, nm, text) \
	{ SC_CODE_REPAIR, (r), (nm), (nm), (text), NULL, NULL, NULL, false, 0 }

static const struct sc_explain_entry table[] = {
	/* --- NTSTATUS (MS-ERREF 2.3.1) ------------------------------- */
	NT(0x00000000, "NT_STATUS_OK", "success",
	   "the DC accepted the request: on netlogon, the machine password "
	   "is the one the DC holds",
	   NULL, NULL, RP_NONE),
	NT(0xC0000022, "NT_STATUS_ACCESS_DENIED",
	   "wrong machine password (netlogon)",
	   "NetrServerAuthenticate3 refused the credential computed from "
	   "the stored machine password: the DC holds a different password "
	   "for this account",
	   CAUSES("the password was changed or reset on the DC side only "
		  "(admin reset, another host joined under the same name)",
		  "secrets.tdb was restored from a backup or another host",
		  "a password change has not replicated to this DC yet"),
	   CF_VERIFY_NETLOGON, RP_CHANGE_PASSWORD),
	NT(0xC000018B, "NT_STATUS_NO_TRUST_SAM_ACCOUNT",
	   "no usable machine account (netlogon)",
	   "the DC has no workstation trust account it will use for this "
	   "host: netlogon answers this for a deleted and for a disabled "
	   "account alike",
	   CAUSES("the computer object was deleted (cleanup of stale "
		  "computers, a rejoin under another name)",
		  "the computer account was disabled",
		  "the object was not yet replicated to this DC"),
	   CF_VERIFY_ACCOUNT, RP_REJOIN),
	NT(0xC000006D, "NT_STATUS_LOGON_FAILURE",
	   "logon failed (NTLM/SMB layer)",
	   "an NTLM or SMB session setup as the machine account failed; a "
	   "freshly started winbindd reports this for a wrong password and "
	   "for a deleted account",
	   CAUSES("the machine password differs from the DC's",
		  "the account was deleted",
		  "a user's stale credentials, not the machine's"),
	   CF_VERIFY_NETLOGON, RP_ADMIN_RESET),
	NT(0xC000006A, "NT_STATUS_WRONG_PASSWORD", "wrong password",
	   "the DC checked the presented password or key and it is not the "
	   "account's current one (the KDC's PREAUTH_FAILED is the same "
	   "fact on the Kerberos path)",
	   CAUSES("the keytab or secrets.tdb holds an old password",
		  "the password was reset on the DC side"),
	   CF_VERIFY_NETLOGON, RP_CHANGE_PASSWORD),
	NT(0xC0000064, "NT_STATUS_NO_SUCH_USER", "account does not exist",
	   "the DC does not know the account name that was presented",
	   CAUSES("the computer object was deleted",
		  "the host uses a different name than it joined with "
		  "(netbios name changed in smb.conf)",
		  "the DC asked is of another domain"),
	   CF_VERIFY_ACCOUNT, RP_REJOIN),
	NT(0xC0000072, "NT_STATUS_ACCOUNT_DISABLED", "account disabled",
	   "the machine account exists but is disabled "
	   "(userAccountControl has ACCOUNTDISABLE): no logon, no ticket",
	   CAUSES("an administrator or a cleanup script disabled the "
		  "computer",
		  "the account was pre-created and never enabled"),
	   CF_VERIFY_ACCOUNT, RP_ENABLE_ACCOUNT),
	NT(0xC0000071, "NT_STATUS_PASSWORD_EXPIRED", "password expired",
	   "the account's password is past its maximum age; machine "
	   "accounts are normally exempt, so a policy or account flag was "
	   "changed",
	   CAUSES("a fine-grained password policy applied to computers",
		  "the host did not change its password for a long time "
		  "('machine password timeout = 0')"),
	   "'netchk verify': pwdLastSet on the ldap line; on the DC: "
	   "'samba-tool computer show HOST'", RP_CHANGE_PASSWORD),
	NT(0xC0000224, "NT_STATUS_PASSWORD_MUST_CHANGE",
	   "password must be changed",
	   "pwdLastSet of the account is 0: the DC wants a new password "
	   "before any logon",
	   CAUSES("an administrator set 'user must change password' on the "
		  "computer object",
		  "the account was reset in a way that cleared pwdLastSet"),
	   "on the DC: pwdLastSet of HOST$ is 0", RP_ADMIN_RESET),
	NT(0xC0000234, "NT_STATUS_ACCOUNT_LOCKED_OUT", "account locked out",
	   "the account's badPwdCount reached the lockout threshold; every "
	   "logon fails, even with the right secret, until the lockout "
	   "ends or is cleared",
	   CAUSES("a process kept presenting an old machine password or "
		  "keytab (monitoring, sssd with a stale keytab)",
		  "a user account used by a service on this host has a "
		  "stale password"),
	   "Security event 4740 on the DC names the account and the caller; "
	   "'netchk verify' never re-presents a rejected secret",
	   "unlock the account on the DC, then repair the stale store "
	   "('netchk verify' names it) before anything retries"),
	NT(0xC000005E, "NT_STATUS_NO_LOGON_SERVERS", "no DC available",
	   "the client could not reach any DC of the domain: nothing was "
	   "said about the password",
	   CAUSES("the DCs are down or unreachable (firewall on 88, 135, "
		  "389, 445, RPC ports)",
		  "DNS does not resolve the domain's SRV records",
		  "every DC refused the secure channel and the client gave "
		  "up (look for 5719 with another status)"),
	   CF_VERIFY_REACH, RP_FIX_NETWORK),
	NT(0xC0000233, "NT_STATUS_DOMAIN_CONTROLLER_NOT_FOUND",
	   "no DC found",
	   "the client found no DC for the domain (winbindd says this when "
	   "DNS or the DCs fail); not a password problem",
	   CAUSES("DNS cannot resolve _ldap._tcp.dc._msdcs.DOMAIN",
		  "the DCs are down or firewalled"),
	   CF_VERIFY_REACH, RP_FIX_DNS),
	NT(0xC0000236, "NT_STATUS_CONNECTION_REFUSED", "DC refused the connection",
	   "the DC's address answered but nothing listens on the port: the "
	   "DC service is stopped or the address is wrong",
	   CAUSES("samba (or Netlogon) is stopped on the DC",
		  "a stale DNS record points at a host that is no DC"),
	   CF_VERIFY_REACH, RP_FIX_NETWORK),
	NT(0xC00000DF, "NT_STATUS_NO_SUCH_DOMAIN", "unknown domain",
	   "the DC does not serve the domain named in the request",
	   CAUSES("workgroup or realm in smb.conf is wrong",
		  "the host asks a DC of another domain or forest"),
	   "'netchk verify' prints the workgroup and realm it read; "
	   "compare with 'samba-tool domain info DC'", RP_FIX_DNS),
	NT(0xC0000199, "NT_STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT",
	   "machine account used for an interactive logon",
	   "a computer account's credentials were used for a normal "
	   "(NTLM) logon; the DC refuses that, which shows the password "
	   "itself was right",
	   CAUSES("a tool authenticated as HOST$ over SMB/NTLM instead of "
		  "through netlogon",
		  "on a healthy trust this is expected and harmless"),
	   "'netchk verify --path netlogon' tests the secure channel the "
	   "right way", RP_NONE),
	NT(0xC000019B, "NT_STATUS_DOMAIN_TRUST_INCONSISTENT",
	   "domain SID or name mismatch",
	   "the domain's name or SID that the host stored differs from "
	   "what the DC says: the host was joined to another domain of the "
	   "same name (a rebuilt domain)",
	   CAUSES("the domain was re-provisioned under the same name",
		  "secrets.tdb was copied from a host of another domain"),
	   "compare the domain SID in secrets.tdb ('net getdomainsid') with "
	   "the DC's ('samba-tool domain info DC')", RP_REJOIN),
	NT(0xC0000192, "NT_STATUS_NETLOGON_NOT_STARTED",
	   "Netlogon service not running",
	   "the Netlogon service (winbindd on a Samba member) is not "
	   "running, so no secure channel exists",
	   CAUSES("winbindd is stopped or crashed",
		  "the service failed at boot (SCM event 7023)"),
	   "'systemctl status winbind'; 'wbinfo -p'",
	   "start winbindd; then 'netchk verify'"),
	NT(0xC000009A, "NT_STATUS_INSUFFICIENT_RESOURCES",
	   "DC out of resources",
	   "the DC (or the client) could not allocate what the request "
	   "needed; on netlogon also the answer of a DC whose secure "
	   "channel table is exhausted",
	   CAUSES("the DC is overloaded", "a local resource limit"),
	   CF_VERIFY_REACH,
	   "retry against another DC ('netchk verify --server DC'); "
	   "investigate the DC"),
	NT(0xC0000388, "NT_STATUS_DOWNGRADE_DETECTED",
	   "downgrade detected",
	   "the client saw the negotiation weakened (signing, sealing or "
	   "an older protocol than both sides support) and stopped: a "
	   "protection, not a password problem",
	   CAUSES("a man-in-the-middle or a broken proxy on the path",
		  "the DC's and the client's netlogon or SMB settings "
		  "disagree (server schannel, client signing)"),
	   "compare 'server schannel' and signing settings on both sides; "
	   "'netchk verify --server DC' against another DC",
	   "align the signing and schannel settings; do not reset the "
	   "password"),
	NT(0xC0000133, "NT_STATUS_TIME_DIFFERENCE_AT_DC", "clock skew",
	   "the host's clock and the DC's differ by more than the allowed "
	   "skew (5 minutes by default): Kerberos fails whatever the "
	   "password",
	   CAUSES("no time sync on the host or the DC",
		  "a VM resumed from a snapshot"),
	   "'netchk verify': the clock line shows the DC's offset",
	   RP_FIX_TIME),
	NT(0xC0000193, "NT_STATUS_ACCOUNT_EXPIRED", "account expired",
	   "the account's accountExpires date has passed",
	   CAUSES("an expiry date was set on the computer object"),
	   "on the DC: accountExpires of HOST$",
	   "clear the expiry date on the DC"),

	/* --- Kerberos (RFC 4120 7.5.9, MS-KILE 3.3.5) --------------- */
	K5(KRB5KDC_ERR_PREAUTH_FAILED, "KDC_ERR_PREAUTH_FAILED",
	   "wrong key (Kerberos)",
	   "the KDC could not decrypt the pre-authentication timestamp "
	   "with the account's key: the keytab's keys are not the DC's",
	   CAUSES("the keytab holds an older kvno (a password change by "
		  "winbindd or 'net rpc changetrustpw' does not update it)",
		  "the password was reset on the DC side",
		  "a change has not replicated to this DC yet"),
	   CF_VERIFY_KEYTAB, RP_REWRITE_KEYTAB, true, 0xC000006A),
	K5(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, "KDC_ERR_C_PRINCIPAL_UNKNOWN",
	   "machine principal unknown",
	   "the KDC does not know HOST$@REALM: the computer object is gone "
	   "(or was never there under this name)",
	   CAUSES("the computer was deleted", "the host's name changed"),
	   CF_VERIFY_ACCOUNT, RP_REJOIN, true, 0xC0000064),
	K5(KRB5KDC_ERR_CLIENT_REVOKED, "KDC_ERR_CLIENT_REVOKED",
	   "account disabled, locked or expired",
	   "the KDC knows the account but will not issue it tickets; an AD "
	   "KDC says why in the error's e-data (0xC0000072 disabled, "
	   "0xC0000234 locked out, 0xC0000193 expired)",
	   CAUSES("the computer account was disabled",
		  "the account is locked out",
		  "the account expired"),
	   CF_VERIFY_ACCOUNT, RP_ENABLE_ACCOUNT, true, 0xC0000072),
	K5(KRB5KDC_ERR_KEY_EXP, "KDC_ERR_KEY_EXPIRED",
	   "password expired (Kerberos)",
	   "the account's password has expired or must be changed",
	   CAUSES("a password policy applied to computer accounts",
		  "pwdLastSet was cleared"),
	   "'netchk verify': pwdLastSet on the ldap line",
	   RP_CHANGE_PASSWORD, true, 0xC0000071),
	K5(KRB5KRB_AP_ERR_SKEW, "KRB_AP_ERR_SKEW", "clock skew",
	   "the timestamps differ by more than the KDC allows (5 minutes): "
	   "every ticket fails, whatever the password",
	   CAUSES("no time sync on the host", "a DC with a wrong clock"),
	   "'netchk verify': the clock line shows the DC's offset",
	   RP_FIX_TIME, true, 0xC0000133),
	K5(KRB5KDC_ERR_ETYPE_NOSUPP, "KDC_ERR_ETYPE_NOSUPP",
	   "no common encryption type",
	   "the KDC has no key of an encryption type the client offered: "
	   "the account's msDS-SupportedEncryptionTypes and the client's "
	   "permitted_enctypes do not overlap",
	   CAUSES("krb5.conf allows only AES while the account has only "
		  "RC4 keys (or the reverse)",
		  "the account's keys were never generated for AES "
		  "(set once, before the domain level allowed it)"),
	   "'netchk verify': the keytab line lists enctypes; on the DC: "
	   "msDS-SupportedEncryptionTypes of HOST$",
	   "align enctypes, then change the password so the DC derives "
	   "keys of every type ('netchk reset')", false, 0),
	K5(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, "KDC_ERR_S_PRINCIPAL_UNKNOWN",
	   "service principal unknown",
	   "a client asked for a ticket to a service name (e.g. "
	   "host/NAME) that no account carries as servicePrincipalName",
	   CAUSES("the host's SPNs are missing (dNSHostName changed, "
		  "SPNs removed)",
		  "clients use a name (alias, CNAME) the account has no SPN "
		  "for"),
	   "'netchk verify': the ldap line lists the account's SPNs",
	   "add the SPN ('net ads keytab add_update_ads' or 'samba-tool "
	   "spn add'), then rewrite the keytab", false, 0),
	K5(KRB5_KDC_UNREACH, "KRB5_KDC_UNREACH", "KDC unreachable",
	   "no KDC of the realm answered: nothing was said about the keys",
	   CAUSES("the DC is down or port 88 is firewalled",
		  "krb5.conf names the wrong KDC, DNS has no _kerberos SRV"),
	   CF_VERIFY_REACH, RP_FIX_NETWORK, true, 0xC000005E),
	K5(KRB5KRB_AP_ERR_BADKEYVER, "KRB_AP_ERR_BADKEYVER",
	   "ticket key version not in keytab",
	   "a service on this host got a ticket encrypted with a kvno its "
	   "keytab does not have: the DC moved on, the keytab did not",
	   CAUSES("the machine password changed without a keytab update",
		  "the keytab was restored from a backup"),
	   CF_VERIFY_KEYTAB, RP_REWRITE_KEYTAB, false, 0),
	K5(KRB5KRB_AP_ERR_MODIFIED, "KRB_AP_ERR_MODIFIED",
	   "ticket not decryptable by the keytab",
	   "a service on this host could not decrypt a ticket with the "
	   "key of the right kvno: the keytab's key is not the DC's",
	   CAUSES("keytab written from a password the DC never took",
		  "two hosts share one computer account or SPN"),
	   CF_VERIFY_KEYTAB, RP_REWRITE_KEYTAB, false, 0),

	/* --- Windows events an admin pastes ------------------------- */
	EV(3210, "NETLOGON", "member could not authenticate with a DC",
	   "logged on the member: its secure channel setup with the named "
	   "DC failed; the status in the event says why",
	   CAUSES("the machine password differs from the DC's (0xC0000022)",
		  "another computer uses the same name"),
	   "'netchk verify --server DC' against the DC named in the event",
	   RP_CHANGE_PASSWORD, true, 0xC0000022),
	EV(5719, "NETLOGON", "no secure session with any DC",
	   "logged on the member: it could not set up a secure channel "
	   "with any DC; usually none was reachable (0xC000005E)",
	   CAUSES("network, DNS or firewall to the DCs",
		  "the DCs refused the channel (see the status given)"),
	   CF_VERIFY_REACH, RP_FIX_NETWORK, true, 0xC000005E),
	EV(5721, "NETLOGON", "DC has no account for the session",
	   "logged on the computer that asked (a member, or a BDC in the "
	   "NT 4.0 case): the DC it asked for a secure channel has no "
	   "account for it; the DC side logs 5723",
	   CAUSES("the computer object was deleted",
		  "it has not replicated to this DC"),
	   CF_VERIFY_ACCOUNT, RP_REJOIN, true, 0xC000018B),
	EV(5722, "NETLOGON", "session setup failed to authenticate",
	   "logged on the DC: the named computer's secure channel "
	   "authentication failed; with 0xC0000022 the computer presented "
	   "a password the DC does not hold",
	   CAUSES("the member's secrets.tdb holds an old password",
		  "the password was reset on the DC side",
		  "two computers with the same name"),
	   CF_VERIFY_NETLOGON, RP_CHANGE_PASSWORD, true, 0xC0000022),
	EV(5723, "NETLOGON", "no trust account for the computer",
	   "logged on the DC: the security database has no trust account "
	   "for the computer that asked",
	   CAUSES("the computer object was deleted",
		  "the computer was renamed on one side only"),
	   CF_VERIFY_ACCOUNT, RP_REJOIN, true, 0xC000018B),
	EV(5805, "NETLOGON", "session setup from computer failed",
	   "logged on the DC: a computer's secure channel setup failed; "
	   "the status in the event (often 0xC0000022) tells why",
	   CAUSES("the computer's stored password is stale",
		  "two computers with the same name"),
	   CF_VERIFY_NETLOGON, RP_CHANGE_PASSWORD, true, 0xC0000022),
	EV(7023, "Service Control Manager", "a service terminated",
	   "the named service (for the trust: Netlogon) stopped with the "
	   "error given; without Netlogon there is no secure channel",
	   CAUSES("Netlogon could not start (no DC, broken trust)"),
	   "the error text in the event; 'netchk verify' for the trust",
	   "fix the error the event names, then start the service",
	   true, 0xC0000192),
	EV(4625, "Security", "an account failed to log on",
	   "logged where the logon was tried: Status and Sub Status give "
	   "the NTSTATUS (0xC000006D with 0xC000006A wrong password, "
	   "0xC0000064 no such user, 0xC0000072 disabled, 0xC0000234 "
	   "locked out)",
	   CAUSES("a stale password presented by a service or a host"),
	   "'netchk explain' the Sub Status; for HOST$ run 'netchk verify'",
	   NULL, true, 0xC000006D),
	EV(4740, "Security", "an account was locked out",
	   "logged on the DC: the account reached the lockout threshold; "
	   "'Caller Computer Name' says where the bad attempts came from",
	   CAUSES("a service retrying a stale password or keytab"),
	   "'netchk verify' on the caller computer",
	   "unlock the account, then repair the stale store before anything "
	   "retries", true, 0xC0000234),
	EV(4771, "Security", "Kerberos pre-authentication failed",
	   "logged on the DC: an AS request failed; Failure Code is the "
	   "Kerberos error number (0x18 wrong key, 0x12 revoked, 0x25 "
	   "clock skew)",
	   CAUSES("a keytab or password that is not the DC's"),
	   CF_VERIFY_KEYTAB, RP_REWRITE_KEYTAB, true, 0xC000006A),
	EV(4776, "Security", "NTLM credential validation",
	   "logged on the DC: it validated an NTLM logon; Error Code is "
	   "the NTSTATUS (0xC000006A wrong password, 0xC0000064 no such "
	   "account, 0xC0000072 disabled)",
	   CAUSES("a stale password presented over NTLM"),
	   "'netchk explain' the Error Code; for HOST$ run 'netchk verify'",
	   NULL, true, 0xC000006A),

	/* --- netchk verify diagnoses -------------------------------- */
	DG(SC_DIAG_HEALTHY, "healthy", "trust healthy",
	   "the DC accepts the stored machine secret on every path "
	   "tested", NULL, NULL, RP_NONE),
	DG(SC_DIAG_PREVIOUS_ONLY, "previous-only", "only previous password",
	   "the DC accepts only the previous machine password: a "
	   "password change never reached this DC, or secrets.tdb was "
	   "changed behind its back",
	   CAUSES("replication lag after a password change",
		  "a change that failed half-way"),
	   CF_VERIFY_NETLOGON, RP_CHANGE_PASSWORD),
	DG(SC_DIAG_KEYTAB_STALE, "keytab-stale", "keytab holds old keys",
	   "secrets.tdb is good but the keytab holds old keys: Kerberos "
	   "users of this host (sssd, ssh GSSAPI, NFS) fail while "
	   "'net ads testjoin' still says the join is OK",
	   CAUSES("'wbinfo -c' or 'net rpc changetrustpw' changed the "
		  "password without touching the keytab",
		  "the keytab was restored from a backup"),
	   CF_VERIFY_KEYTAB, RP_REWRITE_KEYTAB),
	DG(SC_DIAG_KEYTAB_MISSING, "keytab-missing", "no keytab keys",
	   "the configured keytab does not exist or has no keys for the "
	   "machine account, while secrets.tdb is good",
	   CAUSES("the keytab was never written ('kerberos method')",
		  "it was deleted or another keytab is configured"),
	   CF_VERIFY_KEYTAB, RP_REWRITE_KEYTAB),
	DG(SC_DIAG_KEYTAB_EXTRA, "keytab-extra", "stale extra keytab keys",
	   "the trust works, but the keytab also holds keys that match "
	   "neither the current nor the previous password",
	   CAUSES("old kvnos left behind by earlier changes"),
	   CF_VERIFY_KEYTAB, RP_REWRITE_KEYTAB),
	DG(SC_DIAG_SECRETS_STALE, "secrets-stale", "secrets.tdb stale",
	   "the keytab is good but the DC rejects the password in "
	   "secrets.tdb (restored from a backup, or a change that was "
	   "not saved): winbind cannot set up its secure channel",
	   CAUSES("secrets.tdb restored from a backup",
		  "a password change written to the keytab only"),
	   CF_VERIFY_NETLOGON, RP_CHANGE_PASSWORD),
	DG(SC_DIAG_ALL_REJECTED, "all-rejected", "every secret rejected",
	   "the DC rejects every secret this host holds: the machine "
	   "password was changed or reset on the DC side",
	   CAUSES("an administrator reset the computer account",
		  "another host joined under the same name"),
	   CF_VERIFY_NETLOGON, RP_ADMIN_RESET),
	DG(SC_DIAG_ACCOUNT_DELETED, "account-deleted", "account deleted",
	   "the machine account no longer exists on the DC",
	   CAUSES("cleanup of stale computer objects"),
	   CF_VERIFY_ACCOUNT, RP_REJOIN),
	DG(SC_DIAG_ACCOUNT_DISABLED, "account-disabled", "account disabled",
	   "the machine account is disabled on the DC",
	   CAUSES("an administrator or script disabled it"),
	   CF_VERIFY_ACCOUNT, RP_ENABLE_ACCOUNT),
	DG(SC_DIAG_ACCOUNT_GONE, "account-gone", "account deleted or disabled",
	   "the DC has no usable trust account for this host (deleted "
	   "or disabled; no Kerberos or LDAP answer to tell which)",
	   CAUSES("the account was deleted", "the account was disabled"),
	   CF_VERIFY_ACCOUNT, RP_REJOIN),
	DG(SC_DIAG_CLOCK_SKEW, "clock-skew", "clock skew",
	   "this host's clock differs from the DC's by more than "
	   "Kerberos allows: every ticket fails, whatever the password",
	   CAUSES("no time sync on the host or the DC"),
	   "'netchk verify': the clock line", RP_FIX_TIME),
	DG(SC_DIAG_DC_UNREACHABLE, "dc-unreachable", "DC did not answer",
	   "the DC did not answer: nothing could be verified",
	   CAUSES("the DC is down", "a firewall between host and DC"),
	   CF_VERIFY_REACH, RP_FIX_NETWORK),
	DG(SC_DIAG_NO_SECRET, "no-secret", "host not joined",
	   "this host holds no machine secret: it is not joined",
	   CAUSES("never joined, or 'net ads leave'",
		  "the wrong smb.conf or private dir"),
	   "'netchk verify': the secrets.tdb and keytab lines", RP_REJOIN),
	DG(SC_DIAG_DC_NOT_FOUND, "dc-not-found", "no DC in DNS",
	   "no domain controller was found in DNS",
	   CAUSES("resolv.conf does not point at the domain's DNS",
		  "the SRV records are missing"),
	   "'host -t SRV _ldap._tcp.dc._msdcs.DOMAIN'", RP_FIX_DNS),
	DG(SC_DIAG_REPL_LAG, "repl-lag", "replication lag",
	   "this DC holds an older copy of the machine account than "
	   "another DC (a lower msDS-KeyVersionNumber): the last password "
	   "change has not replicated to it yet, so it still accepts only "
	   "the previous secret; a password reset would not help",
	   CAUSES("inbound replication disabled or failing on that DC",
		  "a password change made moments ago"),
	   "'netchk check --all-dcs': the kvno of each DC; "
	   "'samba-tool drs showrepl' on the lagging DC",
	   RP_WAIT_REPLICATION),

	DG(SC_DIAG_KEYTAB_ENCTYPES, "keytab-enctypes",
	   "keytab lacks AES keys",
	   "the account has AES keys but the keytab's newest kvno holds "
	   "none: the KDC answers with AES, so 'kinit -k', sssd and every "
	   "keytab user fail ('No key table entry found'), although an "
	   "RC4-only exchange still passes",
	   CAUSES("the keytab was made with RC4 only (ktutil, an old "
		  "msktutil or ktpass /crypto RC4-HMAC-NT)",
		  "AES was enabled on the account after the join"),
	   "'netchk verify': the enctypes line; 'klist -ke' on the keytab",
	   RP_CHANGE_PASSWORD),
	DG(SC_DIAG_RC4_ONLY, "rc4-only", "depends on RC4",
	   "the trust works only with RC4 (arcfour-hmac): the account, the "
	   "keytab or krb5.conf's permitted_enctypes allow no AES.  DCs "
	   "are turning RC4 off; this host will lose its trust then",
	   CAUSES("msDS-SupportedEncryptionTypes without the AES bits "
		  "(0x18)", "permitted_enctypes without aes",
		  "a keytab with arcfour-hmac keys only"),
	   "'netchk verify': the enctypes line", RP_ENABLE_AES),

	DG(SC_DIAG_ROTATORS, "rotators", "several rotators, or none",
	   "more than one thing on this host changes the machine password "
	   "(winbind, sssd, an adcli or msktutil timer), and their stores "
	   "drift apart; or nothing does, and the password never changes",
	   CAUSES("winbind and sssd both configured for the domain",
		  "a cron job or timer left from an earlier join method"),
	   "'netchk verify': the rotators line", RP_ONE_ROTATOR),

	DG(SC_DIAG_ACCEPTOR, "acceptor", "a keytab principal cannot accept",
	   "the machine account works, but a service principal of the "
	   "keytab does not: the DC has no such SPN, issues its tickets "
	   "under another kvno or enctype, or they belong to another "
	   "account, so that service on this host fails",
	   CAUSES("the SPN was removed from the account (or never added)",
		  "the SPN is registered on another account",
		  "the keytab entry is from an older kvno"),
	   "'netchk verify': the acceptor lines; 'kvno -k KEYTAB PRINC'",
	   RP_FIX_ACCEPTOR),

	DG(SC_DIAG_KEYTAB_KVNO, "keytab-kvno", "keytab kvno behind the DC's",
	   "the keytab's newest keys are the DC's current keys (the DC "
	   "accepts them, they open its service tickets) but carry an "
	   "older kvno than the account's "
	   "msDS-KeyVersionNumber: 'kinit -k' works, while a service that "
	   "accepts tickets for its own name looks the key up by the "
	   "ticket's kvno and fails ('Cannot find key for host/... kvno N "
	   "in keytab')",
	   CAUSES("the same password was set twice on the DC (a repeated "
		  "or retransmitted set, an administrator setting it again, "
		  "two rotators racing): the kvno moved on, the key did not"),
	   "'netchk verify': the kerberos line's kvno (accepted) and the "
	   "ldap line's; 'klist -k' on the keytab",
	   RP_RELABEL_KEYTAB),

	/* --- repairs ------------------------------------------------ */
	RP(SC_REPAIR_NONE, "none", RP_NONE),
	RP(SC_REPAIR_REWRITE_KEYTAB, "rewrite-keytab", RP_REWRITE_KEYTAB),
	RP(SC_REPAIR_CHANGE_PASSWORD, "change-password", RP_CHANGE_PASSWORD),
	RP(SC_REPAIR_ADMIN_RESET, "admin-reset", RP_ADMIN_RESET),
	RP(SC_REPAIR_REJOIN, "rejoin", RP_REJOIN),
	RP(SC_REPAIR_ENABLE_ACCOUNT, "enable-account", RP_ENABLE_ACCOUNT),
	RP(SC_REPAIR_FIX_TIME, "fix-time", RP_FIX_TIME),
	RP(SC_REPAIR_FIX_NETWORK, "fix-network", RP_FIX_NETWORK),
	RP(SC_REPAIR_FIX_DNS, "fix-dns", RP_FIX_DNS),
	RP(SC_REPAIR_ENABLE_AES, "enable-aes", RP_ENABLE_AES),
	RP(SC_REPAIR_ONE_ROTATOR, "one-rotator", RP_ONE_ROTATOR),
	RP(SC_REPAIR_FIX_ACCEPTOR, "fix-acceptor", RP_FIX_ACCEPTOR),
	RP(SC_REPAIR_RELABEL_KEYTAB, "relabel-keytab", RP_RELABEL_KEYTAB),
	RP(SC_REPAIR_WAIT_REPLICATION, "wait-replication",
	   RP_WAIT_REPLICATION),
};

#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))

const struct sc_explain_entry *sc_explain_table(size_t *count_out)
{
	if (count_out != NULL)
		*count_out = TABLE_SIZE;
	return table;
}

const struct sc_explain_entry *sc_explain_lookup(enum sc_code_kind kind,
						 int64_t code)
{
	for (size_t i = 0; i < TABLE_SIZE; i++)
		if (table[i].kind == kind && table[i].code == code)
			return &table[i];
	return NULL;
}

const char *sc_code_kind_name(enum sc_code_kind kind)
{
	switch (kind) {
	case SC_CODE_NTSTATUS: return "ntstatus";
	case SC_CODE_KRB5: return "krb5";
	case SC_CODE_EVENT: return "event";
	case SC_CODE_DIAG: return "diagnosis";
	case SC_CODE_REPAIR: return "repair";
	}
	return "?";
}

const char *sc_code_format(enum sc_code_kind kind, int64_t code, char *buf)
{
	switch (kind) {
	case SC_CODE_NTSTATUS:
		snprintf(buf, 32, "0x%08" PRIX32, (uint32_t)code);
		break;
	case SC_CODE_DIAG:
		snprintf(buf, 32, "%s", sc_diag_name(code));
		break;
	case SC_CODE_REPAIR:
		snprintf(buf, 32, "%s", sc_repair_name(code));
		break;
	default:
		snprintf(buf, 32, "%" PRId64, code);
		break;
	}
	return buf;
}

/*
 * The diagnosis and repair API of verify.h, answered from the table so
 * that there is one text per diagnosis.
 */
static const char *field(enum sc_code_kind kind, int64_t code, bool name)
{
	const struct sc_explain_entry *e = sc_explain_lookup(kind, code);

	if (e == NULL)
		return "?";
	return name ? e->name : e->meaning;
}

const char *sc_diag_name(enum sc_diag d)
{
	return field(SC_CODE_DIAG, d, true);
}

const char *sc_diag_text(enum sc_diag d)
{
	return field(SC_CODE_DIAG, d, false);
}

const char *sc_repair_name(enum sc_repair r)
{
	return field(SC_CODE_REPAIR, r, true);
}

const char *sc_repair_text(enum sc_repair r)
{
	return field(SC_CODE_REPAIR, r, false);
}
