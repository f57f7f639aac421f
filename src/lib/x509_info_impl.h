/* x509_info_impl.h - what the text (x509_info.c) and the JSON
 * (x509_info_json.c) renderings of certificates share.  Private to the
 * two files.
 */
#ifndef PKIT_X509_INFO_IMPL_H
#define PKIT_X509_INFO_IMPL_H

#include <stddef.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "x509_info.h"

#define OID_STEP_PROVISIONER	"1.3.6.1.4.1.37476.9000.64.1"

/* Step Provisioner ::= SEQUENCE { type INTEGER, name OCTET STRING,
 *   credentialID OCTET STRING, keyValuePairs SEQUENCE OF String OPTIONAL } */
typedef struct {
	ASN1_INTEGER *type;
	ASN1_OCTET_STRING *name;
	ASN1_OCTET_STRING *credential_id;
	STACK_OF(ASN1_STRING) *kv;
} STEP_PROVISIONER;
DECLARE_ASN1_ITEM(STEP_PROVISIONER)

/* The name of a step provisioner type ("JWK"), or NULL. */
const char *info_step_provisioner_type(long t);

/* An extended key usage by its names in both renderings. */
struct eku_name {
	int nid;
	const char *text;	/* certinfo */
	const char *json;	/* zcrypto */
};
/* The known usage o, or NULL. */
const struct eku_name *info_eku_lookup(const ASN1_OBJECT *o);

/* Decode a DER value with an ASN.1 template; NULL if it does not parse or
 * has trailing bytes. */
void *info_item_d2i(const ASN1_ITEM *it, const unsigned char *p, long len);
/* An OID in dotted form; whether obj is the dotted OID. */
void info_oid_text(const ASN1_OBJECT *obj, char *buf, size_t size);
int info_oid_is(const ASN1_OBJECT *obj, const char *dotted);
/* An ASN.1 string as UTF-8 (malloc'd, OPENSSL_free), or NULL. */
char *info_str_utf8(const ASN1_STRING *s);
/* Bytes of a non-negative BIGNUM with no leading zeros (Go's Bytes()). */
unsigned char *info_bn_bytes(const BIGNUM *bn, size_t *len);
/* p as lower-case hex, truncated to fit buf. */
void info_hex_plain(char *buf, size_t size, const unsigned char *p,
    size_t n);
/* zcrypto's issuer_dn/subject_dn: "O=Test, CN=Test CA". */
void info_name_dn(const X509_NAME *name, char *buf, size_t size);
/* Go's public key algorithm name and the short form's parameter ("P-256",
 * "2048", "256").  Either output may be NULL. */
void info_pk_names(X509_PUBKEY *xpk, char *alg, size_t asize, char *param,
    size_t psize);
/* An IP range of a name constraint as Go's IPNet prints it. */
void info_ip_range_text(const ASN1_OCTET_STRING *ip, char *buf,
    size_t size);
/* The value of a general name, without prefix. */
void info_gn_value(const GENERAL_NAME *gn, char *buf, size_t size);
/* Whether crt is self-signed, and a CA. */
int info_is_self_signed(X509 *crt);
int info_is_ca(X509 *crt);
/* The subjectAltNames a CSR asks for (GENERAL_NAMES_free), or NULL. */
GENERAL_NAMES *info_csr_sans(X509_REQ *req);

/* The JSON rendering of in (x509_info_json.c). */
int info_json(struct pkit_ctx *ctx, const struct pkit_x509_input *in,
    unsigned flags, char **out);

#endif
