/*
 * libsc - writing the machine secret into the local stores
 *
 * Keytab: a new FILE keytab is built next to the old one (0600 from
 * creation), filled with MIT's krb5_kt_add_entry, fsynced and renamed over
 * the old one, so a reader (sssd, a kinit -k) sees the old or the new
 * keytab, never half of one.
 *
 * secrets.tdb: Samba 4.17 keeps the password twice, in the legacy
 * SECRETS/MACHINE_PASSWORD{,.PREV}/LAST_CHANGE_TIME records and in the
 * NDR SECRETS/MACHINE_DOMAIN_INFO blob that winbindd and 'net rpc' read
 * first.  The blob's NDR code (ndr_secrets) is in a private Samba
 * library, so we drive Samba's own writer instead: 'net changesecretpw -f
 * -i' reads the password from stdin (never argv) and, in 4.17, moves the
 * current password to previous and updates the legacy records and the
 * blob inside one tdb transaction.  Tried in the lab: afterwards 'net ads
 * testjoin', 'net rpc testjoin' and a restarted winbindd's 'wbinfo -t'
 * all agree.  It stores the channel type WKSTA, which is what a member
 * is.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <sys/random.h>
#include "reset-private.h"

#define ENCTYPE_RC4		23
/*
 * 120 characters, as Windows uses for machine passwords.  Samba's own
 * generator makes random UTF-16 (357 bytes as UTF-8), longer than 'net
 * changesecretpw' reads from stdin, so we stay with printable ASCII:
 * 120 x log2(94) = 786 bits, far beyond any key it becomes.
 */
#define MACHINE_PW_LEN		120

struct sc_secret *sci_machine_password_new(TALLOC_CTX *mem_ctx)
{
	struct sc_secret *pw = sc_secret_new(mem_ctx, NULL, MACHINE_PW_LEN);
	uint8_t r[64];
	size_t n = 0;

	if (pw == NULL)
		return NULL;
	while (n < MACHINE_PW_LEN) {
		/* the kernel CSPRNG; <= 256 bytes are never cut short */
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
			talloc_free(pw);
			explicit_bzero(r, sizeof(r));
			return NULL;
		}
		/* Rejection sampling: no bias towards the first chars. */
		for (size_t i = 0; i < sizeof(r) && n < MACHINE_PW_LEN; i++)
			if (r[i] < 188)
				pw->data[n++] = (uint8_t)(0x21 + r[i] % 94);
	}
	explicit_bzero(r, sizeof(r));
	return pw;
}

struct kctx {
	krb5_context ctx;
};

static int kctx_destructor(struct kctx *k)
{
	if (k->ctx != NULL)
		krb5_free_context(k->ctx);
	return 0;
}

static struct kctx *kctx_new(TALLOC_CTX *mem_ctx)
{
	struct kctx *k = talloc_zero(mem_ctx, struct kctx);

	if (k == NULL)
		return NULL;
	talloc_set_destructor(k, kctx_destructor);
	if (krb5_init_context(&k->ctx) != 0) {
		k->ctx = NULL;
		talloc_free(k);
		return NULL;
	}
	return k;
}

enum sc_rc sci_derive_keys(TALLOC_CTX *mem_ctx, const char *realm,
			   const char *account,
			   const struct sc_secret *password,
			   const int32_t *enctypes, size_t n, uint32_t kvno,
			   struct sc_key **keys_out,
			   struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sc_key *keys;
	struct kctx *k;
	krb5_data salt, pw;
	char *s;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	keys = talloc_zero_array(tmp_ctx, struct sc_key, n);
	k = kctx_new(tmp_ctx);
	s = sc_machine_salt(tmp_ctx, realm, account);
	if (keys == NULL || k == NULL || s == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       0, "cannot set up key derivation");
		goto done;
	}
	salt.magic = pw.magic = KV5M_DATA;
	salt.data = s;
	salt.length = (unsigned int)strlen(s);
	pw.data = (char *)password->data;
	pw.length = (unsigned int)password->len;
	for (size_t i = 0; i < n; i++) {
		struct sc_secret *key = NULL;

		keys[i].enctype = enctypes[i];
		keys[i].kvno = kvno;
		if (enctypes[i] == ENCTYPE_RC4) {
			rc = sc_nt_hash(keys, password, &key, err_out);
			if (rc != SC_OK)
				goto done;
		} else {
			krb5_keyblock kb;
			krb5_error_code code;

			memset(&kb, 0, sizeof(kb));
			code = krb5_c_string_to_key(k->ctx, enctypes[i], &pw,
						    &salt, &kb);
			if (code != 0) {
				rc = sci_error(mem_ctx, err_out, SC_EINTERNAL,
					       SC_ERRDOM_KRB5, code,
					       "cannot derive a key for "
					       "enctype %d: %s",
					       (int)enctypes[i],
					       error_message(code));
				goto done;
			}
			key = sc_secret_new(keys, kb.contents, kb.length);
			krb5_free_keyblock_contents(k->ctx, &kb);
			if (key == NULL) {
				rc = SC_ENOMEM;
				goto done;
			}
		}
		keys[i].key = key;
	}
	*keys_out = talloc_move(mem_ctx, &keys);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * The file a keytab name writes to: the path after FILE: / WRFILE:, and
 * through a symlink its final target (a symlinked keytab stays a symlink:
 * the new file replaces the target, next to it).  NULL + *why_out when it
 * is not a file netchk can rewrite.
 */
char *sci_keytab_file_path(TALLOC_CTX *mem_ctx, const char *keytab_name,
			   const char **why_out)
{
	char real[PATH_MAX];
	struct stat st;
	const char *path;

	*why_out = NULL;
	if (strncmp(keytab_name, "FILE:", 5) == 0)
		path = keytab_name + 5;
	else if (strncmp(keytab_name, "WRFILE:", 7) == 0)
		path = keytab_name + 7;
	else if (keytab_name[0] == '/')
		path = keytab_name;
	else {
		*why_out = "it is not a FILE keytab; netchk only rewrites files";
		return NULL;
	}
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (realpath(path, real) == NULL) {
			*why_out = "it is a symlink whose target cannot be "
				   "resolved";
			return NULL;
		}
		return talloc_strdup(mem_ctx, real);
	}
	return talloc_strdup(mem_ctx, path);
}

/*
 * Give a new file (fd) what the file it replaces (path) had: owner,
 * group, permission bits and SELinux label (its security.selinux xattr,
 * when it has one), so that a keytab a service reads through its group,
 * or under an SELinux policy, stays readable.  A new keytab: 0600.
 */
static int copy_file_attrs(int fd, const char *path)
{
	struct stat st;
	char label[1024];
	ssize_t n;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? fchmod(fd, 0600) : -1;
	if (fchown(fd, st.st_uid, st.st_gid) != 0 ||
	    fchmod(fd, st.st_mode & 07777) != 0)
		return -1;
	n = getxattr(path, "security.selinux", label, sizeof(label));
	if (n > 0 && fsetxattr(fd, "security.selinux", label, (size_t)n,
			       0) != 0)
		return -1;
	return 0;
}

struct ktw {
	struct kctx *k;
	krb5_keytab new;
	char *tmp;			/* unlinked unless renamed */
};

static int ktw_destructor(struct ktw *w)
{
	if (w->new != NULL)
		krb5_kt_close(w->k->ctx, w->new);
	if (w->tmp != NULL)
		unlink(w->tmp);
	return 0;
}

/*
 * The bytes of the file at path in a wiping buffer (keytabs hold keys);
 * *file_out NULL when there is no file.  Only regular files, bounded.
 */
static enum sc_rc read_old(TALLOC_CTX *mem_ctx, const char *path,
			   struct sc_secret **file_out,
			   struct sc_error **err_out)
{
	struct sc_secret *f;
	struct stat st;
	size_t len = 0;
	int fd;

	*file_out = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return SC_OK;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 64 * 1024 * 1024) {
		if (fd >= 0)
			close(fd);
		return sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
				 errno, "cannot read the old keytab %s", path);
	}
	f = sc_secret_new(mem_ctx, NULL, (size_t)st.st_size);
	while (f != NULL && len < f->len) {
		ssize_t n = read(fd, f->data + len, f->len - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (f == NULL)
		return SC_ENOMEM;
	f->len = len;
	*file_out = f;
	return SC_OK;
}

/*
 * Start the new keytab (fd, already with the old file's attributes):
 * the old file's version header, then, byte for byte, every record of
 * it that stays: those of other accounts, and the machine's of keep_kvno
 * (not kvno).  A new keytab gets MIT's header (0x0502) only.
 */
static enum sc_rc write_kept(int fd, const struct sc_secret *old,
			     const struct sc_machine_names *names,
			     uint32_t kvno, uint32_t keep_kvno,
			     TALLOC_CTX *mem_ctx, struct sc_error **err_out)
{
	struct sci_kt_record *recs = NULL;
	size_t n = 0;
	enum sc_rc rc = SC_OK;

	if (old == NULL || old->len == 0)
		return write(fd, "\x05\x02", 2) == 2 ? SC_OK :
		       sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
				 errno, "cannot write the new keytab: %s",
				 strerror(errno));
	rc = sci_keytab_records(mem_ctx, old, names, &recs, &n, err_out);
	if (rc != SC_OK)
		return rc;
	if (write(fd, old->data, 2) != 2)
		rc = SC_EACCES;
	for (size_t i = 0; rc == SC_OK && i < n; i++) {
		bool keep = !recs[i].machine ||
			    (keep_kvno != 0 && recs[i].kvno == keep_kvno &&
			     recs[i].kvno != kvno);

		if (keep && write(fd, old->data + recs[i].off, recs[i].len) !=
			    (ssize_t)recs[i].len)
			rc = SC_EACCES;
	}
	talloc_free(recs);
	if (rc != SC_OK)
		return sci_error(mem_ctx, err_out, rc, SC_ERRDOM_ERRNO, errno,
				 "cannot write the new keytab: %s",
				 strerror(errno));
	return SC_OK;
}

/* Add each principal's keys (one entry per enctype) at kvno. */
static enum sc_rc add_keys(struct ktw *w, const char *const *principals,
			   const struct sc_key *keys, size_t nenc,
			   uint32_t kvno, TALLOC_CTX *mem_ctx,
			   struct sc_error **err_out)
{
	for (size_t p = 0; principals[p] != NULL; p++) {
		krb5_principal princ = NULL;
		krb5_error_code code;

		code = krb5_parse_name(w->k->ctx, principals[p], &princ);
		for (size_t i = 0; code == 0 && i < nenc; i++) {
			krb5_keytab_entry e;

			memset(&e, 0, sizeof(e));
			e.principal = princ;
			e.vno = kvno;
			e.timestamp = (krb5_timestamp)time(NULL);
			e.key.magic = KV5M_KEYBLOCK;
			e.key.enctype = keys[i].enctype;
			e.key.length = (unsigned int)keys[i].key->len;
			e.key.contents = keys[i].key->data;
			code = krb5_kt_add_entry(w->k->ctx, w->new, &e);
		}
		if (princ != NULL)
			krb5_free_principal(w->k->ctx, princ);
		if (code != 0)
			return sci_error(mem_ctx, err_out, SC_EINTERNAL,
					 SC_ERRDOM_KRB5, code,
					 "cannot add %s to the keytab: %s",
					 principals[p], error_message(code));
	}
	return SC_OK;
}

enum sc_rc sci_keytab_write_keys(TALLOC_CTX *mem_ctx,
				 const char *keytab_name,
				 const struct sc_machine_names *names,
				 const char *const *principals,
				 const struct sc_key *keys, size_t nkeys,
				 uint32_t kvno, uint32_t keep_kvno,
				 struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sc_secret *old_file = NULL;
	struct ktw *w;
	const char *path, *why = NULL;
	char *name, *dir;
	enum sc_rc rc;
	int fd;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	path = sci_keytab_file_path(tmp_ctx, keytab_name, &why);
	if (path == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE, 0,
			       "keytab %s cannot be rewritten: %s",
			       keytab_name, why ? why : "out of memory");
		goto done;
	}
	rc = read_old(tmp_ctx, path, &old_file, err_out);
	if (rc != SC_OK)
		goto done;

	w = talloc_zero(tmp_ctx, struct ktw);
	if (w == NULL || (w->k = kctx_new(w)) == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	talloc_set_destructor(w, ktw_destructor);
	w->tmp = talloc_asprintf(w, "%s.netchk.XXXXXX", path);
	if (w->tmp == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	fd = mkostemp(w->tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
			       errno, "cannot create a keytab next to %s: %s",
			       path, strerror(errno));
		talloc_free(w->tmp);
		w->tmp = NULL;
		goto done;
	}
	if (copy_file_attrs(fd, path) != 0) {
		close(fd);
		rc = sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
			       errno, "cannot give %s the attributes of %s: %s",
			       w->tmp, path, strerror(errno));
		goto done;
	}
	rc = write_kept(fd, old_file, names, kvno, keep_kvno, mem_ctx,
			err_out);
	close(fd);
	if (rc != SC_OK)
		goto done;
	name = talloc_asprintf(w, "FILE:%s", w->tmp);
	if (name == NULL || krb5_kt_resolve(w->k->ctx, name, &w->new) != 0) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       0, "cannot open keytab %s", w->tmp);
		goto done;
	}
	rc = add_keys(w, principals, keys, nkeys, kvno, mem_ctx, err_out);
	if (rc != SC_OK)
		goto done;
	krb5_kt_close(w->k->ctx, w->new);
	w->new = NULL;
	sci_test_hook("keytab-temp");
	fd = open(w->tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0 || rename(w->tmp, path) != 0) {
		rc = sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
			       errno, "cannot replace %s: %s", path,
			       strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	close(fd);
	talloc_free(w->tmp);
	w->tmp = NULL;
	dir = talloc_strdup(tmp_ctx, path);
	if (dir != NULL && strrchr(dir, '/') != NULL) {
		*strrchr(dir, '/') = '\0';
		fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY |
			  O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * The enctypes the account uses: those the keytab had (at most 16),
 * else AES256, AES128 and RC4.  The count.
 */
static size_t keytab_enctypes(const struct sc_keytab *old, int32_t *enctypes)
{
	static const int32_t dflt[] = { 18, 17, ENCTYPE_RC4 };
	size_t nenc = 0;

	for (size_t i = 0; old != NULL && i < old->count; i++) {
		bool dup = false;

		for (size_t j = 0; j < nenc; j++)
			dup = dup || enctypes[j] == old->entries[i].enctype;
		if (!dup && nenc < 16)
			enctypes[nenc++] = old->entries[i].enctype;
	}
	if (nenc > 0)
		return nenc;
	memcpy(enctypes, dflt, sizeof(dflt));
	return 3;
}

enum sc_rc sci_keytab_write(TALLOC_CTX *mem_ctx, const char *keytab_name,
			    const struct sc_machine_names *names,
			    const char *const *principals,
			    const struct sc_keytab *old,
			    const struct sc_secret *password, uint32_t kvno,
			    uint32_t keep_kvno, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	int32_t enctypes[16];
	size_t nenc = keytab_enctypes(old, enctypes);
	struct sc_key *keys = NULL;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	rc = sci_derive_keys(tmp_ctx, names->realm, names->account, password,
			     enctypes, nenc, kvno, &keys, err_out);
	if (rc == SC_OK)
		rc = sci_keytab_write_keys(mem_ctx, keytab_name, names,
					   principals, keys, nenc, kvno,
					   keep_kvno, err_out);
	/* the derived keys are sc_secrets: wiped as tmp_ctx goes */
	talloc_free(tmp_ctx);
	return rc;
}

enum sc_rc sci_secrets_write(TALLOC_CTX *mem_ctx, const char *net_binary,
			     const char *smb_conf,
			     const struct sc_secret *password,
			     struct sc_error **err_out)
{
	const char *net = sci_find_program(mem_ctx, net_binary != NULL ?
					   net_binary : "net");
	int in[2], status = 0;
	ssize_t n;
	size_t off = 0;
	pid_t pid;

	if (net == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOENT, SC_ERRDOM_NONE,
				 0, "Samba's 'net' is not in %s",
				 sci_safe_path);
	if (password->len > SCI_NET_PW_MAX)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "a %zu-byte password is longer than '%s "
				 "changesecretpw' reads (%d bytes)",
				 password->len, net, SCI_NET_PW_MAX);
	if (memchr(password->data, '\n', password->len) != NULL ||
	    memchr(password->data, '\0', password->len) != NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "password cannot be passed on a line");
	if (pipe2(in, O_CLOEXEC) != 0)
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_ERRNO, errno, "pipe: %s",
				 strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_ERRNO, errno, "fork: %s",
				 strerror(errno));
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		dup2(in[0], 0);
		if (nul >= 0) {
			dup2(nul, 1);
			dup2(nul, 2);
		}
		if (smb_conf != NULL)
			execl(net, net, "changesecretpw", "-f", "-i", "-s",
			      smb_conf, (char *)NULL);
		else
			execl(net, net, "changesecretpw", "-f", "-i",
			      (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	while (off < password->len) {
		n = write(in[1], password->data + off, password->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off == password->len)
		n = write(in[1], "\n", 1);
	close(in[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (off != password->len || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_NONE, 0,
				 "'%s changesecretpw' failed (status %d)",
				 net, WIFEXITED(status) ?
				 WEXITSTATUS(status) : -1);
	return SC_OK;
}
