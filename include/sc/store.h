/*
 * libsc - the host's local view: configuration, secrets.tdb, keytab
 *
 * Everything here is read-only and local: no network.  Secret material
 * lives in struct sc_secret chunks whose talloc destructor wipes them.
 */
#ifndef SC_STORE_H
#define SC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>
#include <sc/status.h>

/*
 * A secret: a password (UTF-8, as Samba stores it) or a key.  The buffer
 * is wiped when the chunk is freed.  Never print one.
 */
struct sc_secret {
	uint8_t *data;
	size_t len;
};

/* Allocate a wiping secret holding a copy of data. */
struct sc_secret *sc_secret_new(TALLOC_CTX *mem_ctx, const void *data,
				size_t len);

/*
 * The member's configuration, read the way Samba (smb.conf via loadparm)
 * and MIT krb5 (krb5.conf via the profile library) read it.
 */
struct sc_config {
	const char *smb_conf;		/* the smb.conf that was read */
	const char *workgroup;		/* NetBIOS domain, e.g. NETCHK */
	const char *realm;		/* Kerberos realm, upper case */
	const char *dns_domain;		/* realm in lower case */
	const char *netbios_name;	/* this host, e.g. MEMBER1 */
	const char *secrets_path;	/* private dir/secrets.tdb */
	const char *keytab_name;	/* keytab holding the account */
	const char **more_keytabs;	/* the other keytabs the host uses
					 * (sssd krb5_keytab, the default
					 * keytab, the dedicated keytab file,
					 * 'sync machine password to keytab'),
					 * NULL-terminated; NULL: none */
	const char *state_dir;		/* Samba state directory */
	int machine_password_timeout;	/* seconds, 0 = never rotate; on a
					 * keytab-only host sssd's renewal
					 * age */
	int clockskew;			/* krb5.conf clockskew, s (300) */
	bool security_ads;		/* security = ads */

	/*
	 * A host with no AD member smb.conf (realmd/adcli/sssd): the answers
	 * come from krb5.conf, sssd.conf and the keytab; workgroup,
	 * secrets_path and state_dir are NULL.
	 */
	bool keytab_only;
	const char *krb5_conf;		/* KRB5_CONFIG or /etc/krb5.conf */
	const char *sssd_conf;		/* sssd.conf read, NULL: none */
	const char *sssd_domain;	/* its [domain/NAME] used, or NULL */
	const char *site;		/* sssd ad_site, NULL: none */
	const char **servers;		/* DCs the configuration names (sssd
					 * ad_server, krb5.conf kdc with
					 * dns_lookup_kdc off), NULL-terminated;
					 * NULL: DNS SRV */
	bool sssd_renews;		/* sssd (id_provider ad) rotates the
					 * machine password */
	int sssd_password_age;		/* ad_maximum_machine_account_
					 * password_age, days (30; 0 = off) */
	const char *sssd_renewal_opts;	/* ..._renewal_opts (86400:750) */
	bool sssd_update_samba;		/* ad_update_samba_machine_account_
					 * password */
	/* Where each answer came from ("FILE [section] key"), NULL: default */
	struct sc_config_from {
		const char *realm;
		const char *account;
		const char *keytab;
		const char *servers;
		const char *site;
		const char *password_age;
	} from;
};

/*
 * Load smb.conf (NULL: Samba's default path) and krb5.conf (KRB5_CONFIG or
 * MIT's default).  keytab_override, if not NULL, replaces the keytab that
 * Samba would use.
 */
enum sc_rc sc_config_load(TALLOC_CTX *mem_ctx, const char *smb_conf,
			  const char *keytab_override,
			  struct sc_config **config_out,
			  struct sc_error **err_out);

/* Contents of secrets.tdb for one workgroup. */
struct sc_secrets {
	const char *path;
	const char *workgroup;
	struct sc_secret *current;	/* UTF-8 password, NULL if absent */
	struct sc_secret *previous;	/* UTF-8 password, NULL if absent */
	bool have_last_change;
	time_t last_change;		/* SECRETS/MACHINE_LAST_CHANGE_TIME */
	uint32_t sec_channel_type;	/* 2 = WKSTA, 6 = BDC, 0 = unknown */
	const char *domain_sid;		/* "S-1-5-21-…" or NULL */
	const char *domain_guid;	/* "xxxxxxxx-…" or NULL */
};

enum sc_rc sc_secrets_load(TALLOC_CTX *mem_ctx, const char *path,
			   const char *workgroup,
			   struct sc_secrets **secrets_out,
			   struct sc_error **err_out);

/* How a keytab key relates to the passwords in secrets.tdb. */
enum sc_key_match {
	SC_KEY_MATCH_UNKNOWN = 0,	/* not compared (no password) */
	SC_KEY_MATCH_CURRENT,		/* derived from the current password */
	SC_KEY_MATCH_PREVIOUS,		/* derived from the previous password */
	SC_KEY_MATCH_NONE,		/* from neither */
};

struct sc_keytab_entry {
	const char *principal;		/* unparsed, e.g. MEMBER1$@NETCHK.TEST */
	uint32_t kvno;
	int32_t enctype;
	const char *enctype_name;	/* e.g. aes256-cts-hmac-sha1-96 */
	time_t timestamp;
	struct sc_secret *key;		/* key contents */
	enum sc_key_match match;	/* filled by sc_keytab_compare() */
};

struct sc_keytab {
	const char *name;		/* e.g. FILE:/etc/krb5.keytab */
	size_t count;			/* entries for the machine account */
	struct sc_keytab_entry *entries;
	size_t other_count;		/* entries of other accounts, ignored */
};

/*
 * Who the machine account is, to tell its keytab entries from those of
 * other accounts merged into the same keytab (a web service's HTTP/ keys).
 */
struct sc_machine_names {
	const char *account;		/* sAMAccountName, e.g. MEMBER1$ */
	const char *realm;
	const char *dns_host_name;	/* its dNSHostName; NULL: any name
					 * whose first label is the account
					 * without '$' */
	const char *const *spns;	/* its servicePrincipalName values
					 * (LDAP), NULL-terminated; NULL: not
					 * known */
};

/*
 * Does principal (unparsed, e.g. host/member1.example.com@EXAMPLE.COM)
 * carry the machine account's keys?  The account itself does; a service
 * principal does when it is one of the account's SPNs, or host/ or
 * RestrictedKrbHost/ on the machine's names; with the SPNs unknown, any
 * service on the machine's names.  Case-insensitive, as AD compares.
 */
bool sc_machine_principal(const struct sc_machine_names *names,
			  const char *principal);

/*
 * Read every entry of keytab_name that belongs to the machine account
 * (sc_machine_principal): they all carry the account's keys; the others
 * are only counted.  sc_keytab_load: the SPNs and dNSHostName not known.
 * account is e.g. "MEMBER1$".
 */
enum sc_rc sc_keytab_load(TALLOC_CTX *mem_ctx, const char *keytab_name,
			  const char *account, const char *realm,
			  struct sc_keytab **keytab_out,
			  struct sc_error **err_out);
enum sc_rc sc_keytab_load_machine(TALLOC_CTX *mem_ctx,
				  const char *keytab_name,
				  const struct sc_machine_names *names,
				  struct sc_keytab **keytab_out,
				  struct sc_error **err_out);

/* The AD salt of a computer account (MS-KILE 3.1.1.2). */
char *sc_machine_salt(TALLOC_CTX *mem_ctx, const char *realm,
		      const char *account);

/*
 * Derive keys from the current and previous passwords with the account's
 * salt and set each entry's match.  Local computation only.
 */
enum sc_rc sc_keytab_compare(struct sc_keytab *keytab,
			     const struct sc_secrets *secrets,
			     const char *realm, const char *account,
			     struct sc_error **err_out);

/* The highest kvno in the keytab, 0 when empty. */
uint32_t sc_keytab_max_kvno(const struct sc_keytab *keytab);

/* NT hash (MD4 of UTF-16LE) of a UTF-8 password; 16 bytes. */
enum sc_rc sc_nt_hash(TALLOC_CTX *mem_ctx, const struct sc_secret *password,
		      struct sc_secret **hash_out, struct sc_error **err_out);

#endif
