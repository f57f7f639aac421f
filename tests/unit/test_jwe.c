/* test_jwe.c - JWE: RFC 7516 appendix A and RFC 7520 §5 vectors, every
 * alg/enc pair round trip, cjose as a second implementation, and the
 * rejections (short tags, bad IVs, RSA1_5, zip, crit, bad points ...). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjose/cjose.h>

#include "lib/codec.h"
#include "lib/jwe.h"
#include "lib/jwk.h"
#include "lib/secret.h"

/* RFC 7516 A.1: RSA-OAEP and A256GCM. */
static const char a1_key[] = "{\"kty\":\"RSA\","
    "\"n\":\"oahUIoWw0K0usKNuOR6H4wkf4oBUXHTxRvgb48E-BVvxkeDNjbC4he8rUWcJoZmds2h7M70imEVhRU5djINXtqllXI4DFqcI1DgjT9LewND8MW2Krf3Spsk_ZkoFnilakGygTwpZ3uesH-PFABNIUYpOiN15dsQRkgr0vEhxN92i2asbOenSZeyaxziK72UwxrrKoExv6kc5twXTq4h-QChLOln0_mtUZwfsRaMStPs6mS6XrgxnxbWhojf663tuEQueGC-FCMfra36C9knDFGzKsNa7LZK2djYgyD3JR_MB_4NUJW_TqOQtwHYbxevoJArm-L5StowjzGy-_bq6Gw\","
    "\"e\":\"AQAB\","
    "\"d\":\"kLdtIj6GbDks_ApCSTYQtelcNttlKiOyPzMrXHeI-yk1F7-kpDxY4-WY5NWV5KntaEeXS1j82E375xxhWMHXyvjYecPT9fpwR_M9gV8n9Hrh2anTpTD93Dt62ypW3yDsJzBnTnrYu1iwWRgBKrEYY46qAZIrA2xAwnm2X7uGR1hghkqDp0Vqj3kbSCz1XyfCs6_LehBwtxHIyh8Ripy40p24moOAbgxVw3rxT_vlt3UVe4WO3JkJOzlpUf-KTVI2Ptgm-dARxTEtE-id-4OJr0h-K-VFs3VSndVTIznSxfyrj8ILL6MG_Uv8YAu7VILSB3lOW085-4qE3DzgrTjgyQ\","
    "\"p\":\"1r52Xk46c-LsfB5P442p7atdPUrxQSy4mti_tZI3Mgf2EuFVbUoDBvaRQ-SWxkbkmoEzL7JXroSBjSrK3YIQgYdMgyAEPTPjXv_hI2_1eTSPVZfzL0lffNn03IXqWF5MDFuoUYE0hzb2vhrlN_rKrbfDIwUbTrjjgieRbwC6Cl0\","
    "\"q\":\"wLb35x7hmQWZsWJmB_vle87ihgZ19S8lBEROLIsZG4ayZVe9Hi9gDVCOBmUDdaDYVTSNx_8Fyw1YYa9XGrGnDew00J28cRUoeBB_jKI1oma0Orv1T9aXIWxKwd4gvxFImOWr3QRL9KEBRzk2RatUBnmDZJTIAfwTs0g68UZHvtc\","
    "\"dp\":\"ZK-YwE7diUh0qR1tR7w8WHtolDx3MZ_OTowiFvgfeQ3SiresXjm9gZ5KLhMXvo-uz-KUJWDxS5pFQ_M0evdo1dKiRTjVw_x4NyqyXPM5nULPkcpU827rnpZzAJKpdhWAgqrXGKAECQH0Xt4taznjnd_zVpAmZZq60WPMBMfKcuE\","
    "\"dq\":\"Dq0gfgJ1DdFGXiLvQEZnuKEN0UUmsJBxkjydc3j4ZYdBiMRAy86x0vHCjywcMlYYg4yoC4YZa9hNVcsjqA3FeiL19rk8g6Qn29Tt0cj8qqyFpz9vNDBUfCAiJVeESOjJDZPYHdHY8v1b-o-Z2X5tvLx-TCekf7oxyeKDUqKWjis\","
    "\"qi\":\"VIMpMYbPf47dT1w_zDUXfPimsSegnMOA1zTaX7aGk_8urY6R8-ZW1FxU7AlWAyLWybqq6t16VFd7hQd0y6flUK4SlOydB61gwanOsXGOAOv82cHq0E3eL4HrtZkUuKvnPrMnsUUFlfUdybVzxyjz9JF_XyaY14ardLSjf4L_FNY\"}";
static const char a1_jwe[] = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ."
    "OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg."
    "48V1_ALb6US04U3b."
    "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A."
    "XFBoMYUZodetZdvTiFvSkQ";
static const char a1_pt[] = "The true sign of intelligence is not knowledge but imagination.";
/* RFC 7516 A.3: A128KW and A128CBC-HS256; A.4 general JSON; A.5
 * flattened JSON. */
static const char a3_key[] = "{\"kty\":\"oct\",\"k\":\"GawgguFyGrWKav7AX4VKUg\"}";
static const char a3_jwe[] = "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0."
    "6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ."
    "AxY8DCtDaGlsbGljb3RoZQ."
    "KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY."
    "U0m_YmjN04DJvceFICbCVQ";
static const char a4_jwe[] = "{\"protected\":\"eyJlbmMiOiJBMTI4Q0JDLUhTMjU2In0\","
    "\"unprotected\":{\"jku\":\"https://server.example.com/keys.jwks\"},"
    "\"recipients\":["
    "{\"header\":{\"alg\":\"RSA1_5\",\"kid\":\"2011-04-29\"},"
    "\"encrypted_key\":\"UGhIOguC7IuEvf_NPVaXsGMoLOmwvc1GyqlIKOK1nN94nHPoltGRhWhw7Zx0-kFm1NJn8LE9XShH59_i8J0PH5ZZyNfGy2xGdULU7sHNF6Gp2vPLgNZ__deLKxGHZ7PcHALUzoOegEI-8E66jX2E4zyJKx-YxzZIItRzC5hlRirb6Y5Cl_p-ko3YvkkysZIFNPccxRU7qve1WYPxqbb2Yw8kZqa2rMWI5ng8OtvzlV7elprCbuPhcCdZ6XDP0_F8rkXds2vE4X-ncOIM8hAYHHi29NX0mcKiRaD0-D-ljQTP-cFPgwCp6X-nZZd9OHBv-B3oWh2TbqmScqXMR4gp_A\"},"
    "{\"header\":{\"alg\":\"A128KW\",\"kid\":\"7\"},"
    "\"encrypted_key\":\"6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ\"}],"
    "\"iv\":\"AxY8DCtDaGlsbGljb3RoZQ\","
    "\"ciphertext\":\"KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY\","
    "\"tag\":\"Mz-VPPyU4RlcuYv1IwIvzw\"}";
static const char a5_jwe[] = "{\"protected\":\"eyJlbmMiOiJBMTI4Q0JDLUhTMjU2In0\","
    "\"unprotected\":{\"jku\":\"https://server.example.com/keys.jwks\"},"
    "\"header\":{\"alg\":\"A128KW\",\"kid\":\"7\"},"
    "\"encrypted_key\":\"6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ\","
    "\"iv\":\"AxY8DCtDaGlsbGljb3RoZQ\","
    "\"ciphertext\":\"KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY\","
    "\"tag\":\"Mz-VPPyU4RlcuYv1IwIvzw\"}";
static const char a3_pt[] = "Live long and prosper.";

/* RFC 7520 §5: the plaintext of figure 72 and the keys and outputs of
 * §5.3 to §5.8. */
static const char r_pt[] = "You can trust us to stick with you through thick and thin\xe2\x80\x93to the bitter end. And you can trust us to keep any secret of yours\xe2\x80\x93" "closer than you keep it yourself. But you cannot trust us to let you face trouble alone, and go off without a word. We are your friends, Frodo.";
static const char r53_pw[] = "entrap_o\xe2\x80\x93peter_long\xe2\x80\x93" "credit_tun";
static const char r53_jwe[] = "eyJhbGciOiJQQkVTMi1IUzUxMitBMjU2S1ciLCJwMnMiOiI4UTFTemluYXNSM3hjaFl6NlpaY0hBIiwicDJjIjo4MTkyLCJjdHkiOiJqd2stc2V0K2pzb24iLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0."
    "d3qNhUWfqheyPp4H8sjOWsDYajoej4c5Je6rlUtFPWdgtURtmeDV1g."
    "VBiCzVHNoLiR3F4V82uoTQ."
    "23i-Tb1AV4n0WKVSSgcQrdg6GRqsUKxjruHXYsTHAJLZ2nsnGIX86vMXqIi6IRsfywCRFzLxEcZBRnTvG3nhzPk0GDD7FMyXhUHpDjEYCNA_XOmzg8yZR9oyjo6lTF6si4q9FZ2EhzgFQCLO_6h5EVg3vR75_hkBsnuoqoM3dwejXBtIodN84PeqMb6asmas_dpSsz7H10fC5ni9xIz424givB1YLldF6exVmL93R3fOoOJbmk2GBQZL_SEGllv2cQsBgeprARsaQ7Bq99tT80coH8ItBjgV08AtzXFFsx9qKvC982KLKdPQMTlVJKkqtV4Ru5LEVpBZXBnZrtViSOgyg6AiuwaS-rCrcD_ePOGSuxvgtrokAKYPqmXUeRdjFJwafkYEkiuDCV9vWGAi1DH2xTafhJwcmywIyzi4BqRpmdn_N-zl5tuJYyuvKhjKv6ihbsV_k1hJGPGAxJ6wUpmwC4PTQ2izEm0TuSE8oMKdTw8V3kobXZ77ulMwDs4p."
    "0HlwodAhOCILG5SQ2LQ9dg";
static const char r54_key[] = "{\"kty\":\"EC\",\"kid\":\"peregrin.took@tuckborough.example\",\"use\":\"enc\",\"crv\":\"P-384\","
    "\"x\":\"YU4rRUzdmVqmRtWOs2OpDE_T5fsNIodcG8G5FWPrTPMyxpzsSOGaQLpe2FpxBmu2\","
    "\"y\":\"A8-yxCHxkfBz3hKZfI1jUYMjUhsEveZ9THuwFjH2sCNdtksRJU7D5-SkgaFL1ETP\","
    "\"d\":\"iTx2pk7wW-GqJkHcEkFQb2EFyYcO7RugmaW3mRrQVAOUiPommT0IdnYK2xDlZh-j\"}";
static const char r54_jwe[] = "eyJhbGciOiJFQ0RILUVTK0ExMjhLVyIsImtpZCI6InBlcmVncmluLnRvb2tAdHVja2Jvcm91Z2guZXhhbXBsZSIsImVwayI6eyJrdHkiOiJFQyIsImNydiI6IlAtMzg0IiwieCI6InVCbzRrSFB3Nmtiang1bDB4b3dyZF9vWXpCbWF6LUdLRlp1NHhBRkZrYllpV2d1dEVLNml1RURzUTZ3TmROZzMiLCJ5Ijoic3AzcDVTR2haVkMyZmFYdW1JLWU5SlUyTW84S3BvWXJGRHI1eVBOVnRXNFBnRXdaT3lRVEEtSmRhWTh0YjdFMCJ9LCJlbmMiOiJBMTI4R0NNIn0."
    "0DJjBXri_kBcC46IkU5_Jk9BqaQeHdv2."
    "mH-G2zVqgztUtnW_."
    "tkZuOO9h95OgHJmkkrfLBisku8rGf6nzVxhRM3sVOhXgz5NJ76oID7lpnAi_cPWJRCjSpAaUZ5dOR3Spy7QuEkmKx8-3RCMhSYMzsXaEwDdXta9Mn5B7cCBoJKB0IgEnj_qfo1hIi-uEkUpOZ8aLTZGHfpl05jMwbKkTe2yK3mjF6SBAsgicQDVCkcY9BLluzx1RmC3ORXaM0JaHPB93YcdSDGgpgBWMVrNU1ErkjcMqMoT_wtCex3w03XdLkjXIuEr2hWgeP-nkUZTPU9EoGSPj6fAS-bSz87RCPrxZdj_iVyC6QWcqAu07WNhjzJEPc4jVntRJ6K53NgPQ5p99l3Z408OUqj4ioYezbS6vTPlQ."
    "WuGzxmcreYjpHGJoa17EBg";
static const char r55_key[] = "{\"kty\":\"EC\",\"kid\":\"meriadoc.brandybuck@buckland.example\",\"use\":\"enc\",\"crv\":\"P-256\","
    "\"x\":\"Ze2loSV3wrroKUN_4zhwGhCqo3Xhu1td4QjeQ5wIVR0\","
    "\"y\":\"HlLtdXARY_f55A3fnzQbPcm6hgr34Mp8p-nuzQCE0Zw\","
    "\"d\":\"r_kHyZ-a06rmxM3yESK84r1otSg-aQcVStkRhA-iCM8\"}";
static const char r55_jwe[] = "eyJhbGciOiJFQ0RILUVTIiwia2lkIjoibWVyaWFkb2MuYnJhbmR5YnVja0BidWNrbGFuZC5leGFtcGxlIiwiZXBrIjp7Imt0eSI6IkVDIiwiY3J2IjoiUC0yNTYiLCJ4IjoibVBVS1RfYkFXR0hJaGcwVHBqanFWc1AxclhXUXVfdndWT0hIdE5rZFlvQSIsInkiOiI4QlFBc0ltR2VBUzQ2ZnlXdzVNaFlmR1RUMElqQnBGdzJTUzM0RHY0SXJzIn0sImVuYyI6IkExMjhDQkMtSFMyNTYifQ."
    "."
    "yc9N8v5sYyv3iGQT926IUg."
    "BoDlwPnTypYq-ivjmQvAYJLb5Q6l-F3LIgQomlz87yW4OPKbWE1zSTEFjDfhU9IPIOSA9Bml4m7iDFwA-1ZXvHteLDtw4R1XRGMEsDIqAYtskTTmzmzNa-_q4F_evAPUmwlO-ZG45Mnq4uhM1fm_D9rBtWolqZSF3xGNNkpOMQKF1Cl8i8wjzRli7-IXgyirlKQsbhhqRzkv8IcY6aHl24j03C-AR2le1r7URUhArM79BY8soZU0lzwI-sD5PZ3l4NDCCei9XkoIAfsXJWmySPoeRb2Ni5UZL4mYpvKDiwmyzGd65KqVw7MsFfI_K767G9C9Azp73gKZD0DyUn1mn0WW5LmyX_yJ-3AROq8p1WZBfG-ZyJ6195_JGG2m9Csg."
    "WCCkNa-x4BeB9hIDIfFuhg";
static const char r56_key[] = "{\"kty\":\"oct\",\"kid\":\"77c7e2b8-6e13-45cf-8672-617b5b45243a\",\"use\":\"enc\",\"alg\":\"A128GCM\",\"k\":\"XctOhJAkA-pD9Lh7ZgW_2A\"}";
static const char r56_jwe[] = "eyJhbGciOiJkaXIiLCJraWQiOiI3N2M3ZTJiOC02ZTEzLTQ1Y2YtODY3Mi02MTdiNWI0NTI0M2EiLCJlbmMiOiJBMTI4R0NNIn0."
    "."
    "refa467QzzKx6QAB."
    "JW_i_f52hww_ELQPGaYyeAB6HYGcR559l9TYnSovc23XJoBcW29rHP8yZOZG7YhLpT1bjFuvZPjQS-m0IFtVcXkZXdH_lr_FrdYt9HRUYkshtrMmIUAyGmUnd9zMDB2n0cRDIHAzFVeJUDxkUwVAE7_YGRPdcqMyiBoCO-FBdE-Nceb4h3-FtBP-c_BIwCPTjb9o0SbdcdREEMJMyZBH8ySWMVi1gPD9yxi-aQpGbSv_F9N4IZAxscj5g-NJsUPbjk29-s7LJAGb15wEBtXphVCgyy53CoIKLHHeJHXex45Uz9aKZSRSInZI-wjsY0yu3cT4_aQ3i1o-tiE-F8Ios61EKgyIQ4CWao8PFMj8TTnp."
    "vbb32Xvllea2OtmHAdccRQ";
static const char r57_key[] = "{\"kty\":\"oct\",\"kid\":\"18ec08e1-bfa9-4d95-b205-2b4dd1d4321d\",\"use\":\"enc\",\"alg\":\"A256GCMKW\",\"k\":\"qC57l_uxcm7Nm3K-ct4GFjx8tM1U8CZ0NLBvdQstiS8\"}";
static const char r57_jwe[] = "eyJhbGciOiJBMjU2R0NNS1ciLCJraWQiOiIxOGVjMDhlMS1iZmE5LTRkOTUtYjIwNS0yYjRkZDFkNDMyMWQiLCJ0YWciOiJrZlBkdVZRM1QzSDZ2bmV3dC0ta3N3IiwiaXYiOiJLa1lUMEdYXzJqSGxmcU5fIiwiZW5jIjoiQTEyOENCQy1IUzI1NiJ9."
    "lJf3HbOApxMEBkCMOoTnnABxs_CvTWUmZQ2ElLvYNok."
    "gz6NjyEFNm_vm8Gj6FwoFQ."
    "Jf5p9-ZhJlJy_IQ_byKFmI0Ro7w7G1QiaZpI8OaiVgD8EqoDZHyFKFBupS8iaEeVIgMqWmsuJKuoVgzR3YfzoMd3GxEm3VxNhzWyWtZKX0gxKdy6HgLvqoGNbZCzLjqcpDiF8q2_62EVAbr2uSc2oaxFmFuIQHLcqAHxy51449xkjZ7ewzZaGV3eFqhpco8o4DijXaG5_7kp3h2cajRfDgymuxUbWgLqaeNQaJtvJmSMFuEOSAzw9Hdeb6yhdTynCRmu-kqtO5Dec4lT2OMZKpnxc_F1_4yDJFcqb5CiDSmA-psB2k0JtjxAj4UPI61oONK7zzFIu4gBfjJCndsZfdvG7h8wGjV98QhrKEnR7xKZ3KCr0_qR1B-gxpNk3xWU."
    "DKW7jrb4WaRSNfbXVPlT5g";
static const char r58_key[] = "{\"kty\":\"oct\",\"kid\":\"81b20965-8332-43d9-a468-82160ad91ac8\",\"use\":\"enc\",\"alg\":\"A128KW\",\"k\":\"GZy6sIZ6wl9NJOKB-jnmVQ\"}";
#define R58_PROT "eyJhbGciOiJBMTI4S1ciLCJraWQiOiI4MWIyMDk2NS04MzMyLTQzZDktYTQ2OC04MjE2MGFkOTFhYzgiLCJlbmMiOiJBMTI4R0NNIn0"
#define R58_EK "CBI6oDw8MydIx1IBntf_lQcw2MmJKIQx"
#define R58_IV "Qx0pmsDa8KnJc9Jo"
#define R58_CT "AwliP-KmWgsZ37BvzCefNen6VTbRK3QMA4TkvRkH0tP1bTdhtFJgJxeVmJkLD61A1hnWGetdg11c9ADsnWgL56NyxwSYjU1ZEHcGkd3EkU0vjHi9gTlb90qSYFfeF0LwkcTtjbYKCsiNJQkcIp1yeM03OmuiYSoYJVSpf7ej6zaYcMv3WwdxDFl8REwOhNImk2Xld2JXq6BR53TSFkyT7PwVLuq-1GwtGHlQeg7gDT6xW0JqHDPn_H-puQsmthc9Zg0ojmJfqqFvETUxLAF-KjcBTS5dNy6egwkYtOt8EIHK-oEsKYtZRaa8Z7MOZ7UGxGIMvEmxrGCPeJa14slv2-gaqK0kEThkaSqdYw0FkQZF"
#define R58_TAG "ER7MWJZ1FBI_NKvn7Zb1Lw"
static const char r58_jwe[] = R58_PROT "." R58_EK "." R58_IV "." R58_CT "." R58_TAG;
static const char r58_json[] = "{\"recipients\":[{\"encrypted_key\":\"" R58_EK "\"}],"
    "\"protected\":\"" R58_PROT "\",\"iv\":\"" R58_IV "\","
    "\"ciphertext\":\"" R58_CT "\",\"tag\":\"" R58_TAG "\"}";

static struct pkit_ctx ctx;

/* cjose 0.6.2's ECDH-ES decryption leaks a few bytes; the leak is
 * theirs, in the peer used for checking, not pkit's. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libcjose.so\n";
}

static struct pkit_jwk_key *
key_of(const char *text)
{
	struct pkit_jwk_key *k = NULL;
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	assert_non_null(j);
	assert_int_equal(pkit_jwk_key_new(&ctx, j, &k), PKIT_OK);
	json_decref(j);
	return k;
}

static int
decrypt(const char *in, const struct pkit_jwk_key *key, const char *pw,
    const char *want)
{
	struct pkit_jwe *jwe = NULL;
	unsigned char *pt = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_jwe_parse(&ctx, in, strlen(in), "test", &jwe)) != 0)
		return r;
	r = pkit_jwe_decrypt(&ctx, jwe, key, pw, &pt, &len);
	pkit_jwe_free(jwe);
	if (r != 0)
		return r;
	if (want != NULL) {
		assert_int_equal(len, strlen(want));
		assert_memory_equal(pt, want, len);
	}
	pkit_secret_free(pt, len);
	return PKIT_OK;
}

static int
setup(void **state)
{
	(void)state;
	pkit_ctx_init(&ctx);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pkit_ctx_release(&ctx);
	return 0;
}

static void
test_rfc7516(void **state)
{
	struct pkit_jwk_key *rsa = key_of(a1_key), *kw = key_of(a3_key);

	(void)state;
	assert_int_equal(decrypt(a1_jwe, rsa, NULL, a1_pt), PKIT_OK);
	assert_int_equal(decrypt(a3_jwe, kw, NULL, a3_pt), PKIT_OK);
	/* General JSON: the A128KW recipient is found among two. */
	assert_int_equal(decrypt(a4_jwe, kw, NULL, a3_pt), PKIT_OK);
	assert_int_equal(decrypt(a5_jwe, kw, NULL, a3_pt), PKIT_OK);
	/* The RSA1_5 recipient is never used. */
	assert_int_equal(decrypt(a4_jwe, rsa, NULL, NULL), PKIT_ERR_NOT_FOUND);
	pkit_jwk_key_free(rsa);
	pkit_jwk_key_free(kw);
}

static void
test_rfc7520(void **state)
{
	struct pkit_jwk_key *k;

	(void)state;
	assert_int_equal(decrypt(r53_jwe, NULL, r53_pw, NULL), PKIT_OK);
	assert_int_equal(decrypt(r53_jwe, NULL, "not it", NULL),
	    PKIT_ERR_PASSWORD);
	assert_int_equal(decrypt(r53_jwe, NULL, NULL, NULL), PKIT_ERR_PASSWORD);
	k = key_of(r54_key);
	assert_int_equal(decrypt(r54_jwe, k, NULL, r_pt), PKIT_OK);
	pkit_jwk_key_free(k);
	k = key_of(r55_key);
	assert_int_equal(decrypt(r55_jwe, k, NULL, r_pt), PKIT_OK);
	pkit_jwk_key_free(k);
	k = key_of(r56_key);
	assert_int_equal(decrypt(r56_jwe, k, NULL, r_pt), PKIT_OK);
	pkit_jwk_key_free(k);
	k = key_of(r57_key);
	assert_int_equal(decrypt(r57_jwe, k, NULL, r_pt), PKIT_OK);
	pkit_jwk_key_free(k);
	k = key_of(r58_key);
	assert_int_equal(decrypt(r58_jwe, k, NULL, r_pt), PKIT_OK);
	assert_int_equal(decrypt(r58_json, k, NULL, r_pt), PKIT_OK);
	pkit_jwk_key_free(k);
}

static struct pkit_jwk_key *
gen(const char *kty, const char *crv, long size)
{
	struct pkit_jwk_spec spec = { kty, crv, 0, size, 0 };
	struct pkit_jwk_key *k = NULL;
	json_t *j = NULL;

	assert_int_equal(pkit_jwk_generate(&ctx, &spec, &j), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(&ctx, j, &k), PKIT_OK);
	pkit_jwk_free(j);
	return k;
}

static struct pkit_jwk_key *
public_of(const struct pkit_jwk_key *k)
{
	struct pkit_jwk_key *p = NULL;
	json_t *j = NULL;

	if (strcmp(k->kty, "oct") == 0)
		j = json_deep_copy(k->jwk);
	else
		assert_int_equal(pkit_jwk_public(&ctx, k->jwk, &j), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(&ctx, j, &p), PKIT_OK);
	json_decref(j);
	return p;
}

static void
test_all_pairs(void **state)
{
	static const char *encs[] = { "A128GCM", "A192GCM", "A256GCM",
	    "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512" };
	static const struct {
		const char *alg, *kty, *crv;
		long size;
	} algs[] = {
		{ "RSA-OAEP", "RSA", NULL, 0 },
		{ "RSA-OAEP-256", "RSA", NULL, 0 },
		{ "A128KW", "oct", NULL, 16 }, { "A192KW", "oct", NULL, 24 },
		{ "A256KW", "oct", NULL, 32 },
		{ "A128GCMKW", "oct", NULL, 16 },
		{ "A192GCMKW", "oct", NULL, 24 },
		{ "A256GCMKW", "oct", NULL, 32 },
		{ "ECDH-ES", "EC", "P-256", 0 },
		{ "ECDH-ES", "EC", "P-521", 0 },
		{ "ECDH-ES", "OKP", "X25519", 0 },
		{ "ECDH-ES+A128KW", "EC", "P-384", 0 },
		{ "ECDH-ES+A192KW", "OKP", "X25519", 0 },
		{ "ECDH-ES+A256KW", "EC", "P-256", 0 },
		{ "PBES2-HS256+A128KW", NULL, NULL, 0 },
		{ "PBES2-HS384+A192KW", NULL, NULL, 0 },
		{ "PBES2-HS512+A256KW", NULL, NULL, 0 },
	};
	struct pkit_jwk_key *rsa = gen("RSA", NULL, 0);
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct pkit_jwk_key *k = NULL, *pub = NULL;

		for (j = 0; j < sizeof(encs) / sizeof(encs[0]); j++) {
			struct pkit_jwe_opts o;
			char *out = NULL;
			int compact;

			if (algs[i].kty == NULL) {
				k = NULL;
			} else if (strcmp(algs[i].kty, "RSA") == 0) {
				k = rsa;
			} else if (k == NULL) {
				k = gen(algs[i].kty, algs[i].crv, algs[i].size);
			}
			pub = k != NULL ? public_of(k) : NULL;
			for (compact = 0; compact < 2; compact++) {
				memset(&o, 0, sizeof(o));
				o.alg = algs[i].alg;
				o.enc = encs[j];
				o.compact = compact;
				o.password = k == NULL ? "pass phrase" : NULL;
				o.p2c = 1000;
				assert_int_equal(pkit_jwe_encrypt(&ctx, pub, &o,
				    (const unsigned char *)"secret message", 14,
				    &out), PKIT_OK);
				assert_int_equal(decrypt(out, k, o.password,
				    "secret message"), PKIT_OK);
				free(out);
			}
			pkit_jwk_key_free(pub);
		}
		if (k != NULL && k != rsa)
			pkit_jwk_key_free(k);
	}
	/* dir: the key is the CEK, so its length follows enc. */
	for (j = 0; j < sizeof(encs) / sizeof(encs[0]); j++) {
		static const long len[] = { 16, 24, 32, 32, 48, 64 };
		struct pkit_jwk_key *k = gen("oct", NULL, len[j]);
		struct pkit_jwe_opts o;
		char *out = NULL;

		memset(&o, 0, sizeof(o));
		o.alg = "dir";
		o.enc = encs[j];
		assert_int_equal(pkit_jwe_encrypt(&ctx, k, &o,
		    (const unsigned char *)"", 0, &out), PKIT_OK);
		assert_int_equal(decrypt(out, k, NULL, ""), PKIT_OK);
		free(out);
		pkit_jwk_key_free(k);
	}
	pkit_jwk_key_free(rsa);
}

/* Replace part n (0-4) of a compact JWE with s. */
static char *
with_part(const char *jwe, int n, const char *s)
{
	char *out = malloc(strlen(jwe) + strlen(s) + 1), *p = out;
	const char *q = jwe;
	int i;

	for (i = 0; i < 5; i++) {
		size_t len = strcspn(q, ".");

		if (i > 0)
			*p++ = '.';
		if (i == n) {
			memcpy(p, s, strlen(s));
			p += strlen(s);
		} else {
			memcpy(p, q, len);
			p += len;
		}
		q += len + (q[len] == '.');
	}
	*p = '\0';
	return out;
}

static void
test_rejections(void **state)
{
	struct pkit_jwk_key *k58 = key_of(r58_key), *k55 = key_of(r55_key);
	struct pkit_jwk_key *rsa = key_of(a1_key), *k;
	struct pkit_jwe_opts o;
	char *bad, *out = NULL;

	(void)state;
	/* A GCM tag shorter than 128 bits: 96 bits, then 8 bits. */
	bad = with_part(r58_jwe, 4, "ER7MWJZ1FBI_NKvn");
	assert_int_equal(decrypt(bad, k58, NULL, NULL), PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf, "128-bit authentication tag"));
	free(bad);
	bad = with_part(r58_jwe, 4, "EQ");
	assert_int_equal(decrypt(bad, k58, NULL, NULL), PKIT_ERR_VERIFY);
	free(bad);
	/* A tampered tag or ciphertext. */
	bad = with_part(r58_jwe, 4, "ER7MWJZ1FBI_NKvn7Zb1LA");
	assert_int_equal(decrypt(bad, k58, NULL, NULL), PKIT_ERR_VERIFY);
	free(bad);
	bad = strdup(r58_jwe);
	bad[strlen(R58_PROT) + strlen(R58_EK) + strlen(R58_IV) + 3] = 'B';
	assert_int_equal(decrypt(bad, k58, NULL, NULL), PKIT_ERR_VERIFY);
	free(bad);
	/* A 64-bit IV for GCM. */
	bad = with_part(r58_jwe, 2, "Qx0pmsDa8Kk");
	assert_int_equal(decrypt(bad, k58, NULL, NULL), PKIT_ERR_FORMAT);
	free(bad);
	/* A CBC-HMAC tag cut short (RFC 7516 A.3 with 8 of 16 bytes). */
	{
		struct pkit_jwk_key *kw = key_of(a3_key);

		bad = with_part(a3_jwe, 4, "U0m_YmjN04A");
		assert_int_equal(decrypt(bad, kw, NULL, NULL), PKIT_ERR_VERIFY);
		free(bad);
		pkit_jwk_key_free(kw);
	}
	/* The wrong key. */
	k = key_of("{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAA\"}");
	assert_int_equal(decrypt(r58_jwe, k, NULL, NULL), PKIT_ERR_VERIFY);
	pkit_jwk_key_free(k);
	/* Headers: RSA1_5, zip, crit, unknown enc, alg for another key. */
	assert_int_equal(decrypt("eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhT"
	    "MjU2In0.AA.AxY8DCtDaGlsbGljb3RoZQ.AA.AA", rsa, NULL, NULL),
	    PKIT_ERR_UNSUPPORTED);
	/* {"alg":"A128KW","enc":"A128GCM","zip":"DEF"} */
	bad = with_part(r58_jwe, 0,
	    "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4R0NNIiwiemlwIjoiREVGIn0");
	assert_int_equal(decrypt(bad, k58, NULL, NULL), PKIT_ERR_UNSUPPORTED);
	free(bad);
	/* {"alg":"A128KW","enc":"A128GCM","crit":["exp"],"exp":1} */
	bad = with_part(r58_jwe, 0, "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4R0NNIiwi"
	    "Y3JpdCI6WyJleHAiXSwiZXhwIjoxfQ");
	assert_int_equal(decrypt(bad, k58, NULL, NULL), PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "critical"));
	free(bad);
	/* {"alg":"A128KW","enc":"A128XYZ"} */
	bad = with_part(r58_jwe, 0, "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4WFlaIn0");
	assert_int_equal(decrypt(bad, k58, NULL, NULL), PKIT_ERR_UNSUPPORTED);
	free(bad);
	assert_int_equal(decrypt(r58_jwe, rsa, NULL, NULL), PKIT_ERR_ARG);
	/* ECDH-ES with an ephemeral point off the curve (y changed). */
	bad = with_part(r55_jwe, 0, "eyJhbGciOiJFQ0RILUVTIiwia2lkIjoibWVyaWFkb2Mu"
	    "YnJhbmR5YnVja0BidWNrbGFuZC5leGFtcGxlIiwiZXBrIjp7Imt0eSI6IkVDIiwiY3"
	    "J2IjoiUC0yNTYiLCJ4IjoibVBVS1RfYkFXR0hJaGcwVHBqanFWc1AxclhXUXVfdndW"
	    "T0hIdE5rZFlvQSIsInkiOiI4QlFBc0ltR2VBUzQ2ZnlXdzVNaFlmR1RUMElqQnBGdz"
	    "JTUzM0RHY0SXJ0In0sImVuYyI6IkExMjhDQkMtSFMyNTYifQ");
	assert_int_equal(decrypt(bad, k55, NULL, NULL), PKIT_ERR_FORMAT);
	free(bad);
	/* PBES2 counts: far too many; and the encrypt-side floor. */
	bad = with_part(r53_jwe, 0, "eyJhbGciOiJQQkVTMi1IUzI1NitBMTI4S1ciLCJwMnMi"
	    "OiI4UTFTemluYXNSM3hjaFl6NlpaY0hBIiwicDJjIjoxMDAwMDAwMDAwLCJlbmMiOi"
	    "JBMTI4Q0JDLUhTMjU2In0");
	assert_int_equal(decrypt(bad, NULL, "pw", NULL), PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "p2c"));
	free(bad);
	memset(&o, 0, sizeof(o));
	o.alg = "PBES2-HS256+A128KW";
	o.password = "pw";
	o.p2c = 10;
	assert_int_equal(pkit_jwe_encrypt(&ctx, NULL, &o,
	    (const unsigned char *)"x", 1, &out), PKIT_ERR_ARG);
	/* dir with a key of the wrong size; a "sig" key; a key with PBES2. */
	o.alg = "dir";
	o.enc = "A256GCM";
	o.p2c = 0;
	assert_int_equal(pkit_jwe_encrypt(&ctx, k58, &o,
	    (const unsigned char *)"x", 1, &out), PKIT_ERR_ARG);
	k = key_of("{\"kty\":\"oct\",\"use\":\"sig\",\"k\":\"GZy6sIZ6wl9NJOKB-jnmVQ\"}");
	o.alg = "A128KW";
	assert_int_equal(pkit_jwe_encrypt(&ctx, k, &o,
	    (const unsigned char *)"x", 1, &out), PKIT_ERR_ARG);
	pkit_jwk_key_free(k);
	o.alg = "PBES2-HS256+A128KW";
	assert_int_equal(pkit_jwe_encrypt(&ctx, k58, &o,
	    (const unsigned char *)"x", 1, &out), PKIT_ERR_ARG);
	/* Malformed serializations. */
	assert_int_equal(decrypt("a.b.c.d", k58, NULL, NULL), PKIT_ERR_FORMAT);
	assert_int_equal(decrypt("a.b.c.d.e.f", k58, NULL, NULL),
	    PKIT_ERR_FORMAT);
	assert_int_equal(decrypt("{\"protected\":1}", k58, NULL, NULL),
	    PKIT_ERR_FORMAT);
	assert_int_equal(decrypt("{\"iv\":\"AA\",\"ciphertext\":\"AA\",\"tag\":"
	    "\"AA\",\"recipients\":[]}", k58, NULL, NULL), PKIT_ERR_FORMAT);
	pkit_jwk_key_free(k58);
	pkit_jwk_key_free(k55);
	pkit_jwk_key_free(rsa);
}

/* cjose as a second implementation for what it covers. */
static void
test_cjose_interop(void **state)
{
	static const struct {
		const char *alg, *enc, *kty, *crv;
		long size;
	} t[] = {
		{ "RSA-OAEP", "A256GCM", "RSA", NULL, 0 },
		{ "RSA-OAEP", "A128CBC-HS256", "RSA", NULL, 0 },
		{ "A128KW", "A128GCM", "oct", NULL, 16 },
		{ "A256KW", "A256CBC-HS512", "oct", NULL, 32 },
		{ "dir", "A256GCM", "oct", NULL, 32 },
		{ "ECDH-ES", "A256GCM", "EC", "P-256", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pkit_jwk_key *k = gen(t[i].kty, t[i].crv, t[i].size);
		struct pkit_jwe_opts o;
		cjose_jwk_t *cj = pkit_jwk_cjose_import(k->jwk, NULL, 0);
		cjose_header_t *h = cjose_header_new(NULL);
		cjose_jwe_t *cjwe;
		cjose_err err;
		char *out = NULL, *ser;
		uint8_t *pt;
		size_t ptlen = 0;

		assert_non_null(cj);
		/* cjose encrypts, pkit decrypts. */
		assert_true(cjose_header_set(h, CJOSE_HDR_ALG, t[i].alg, &err));
		assert_true(cjose_header_set(h, CJOSE_HDR_ENC, t[i].enc, &err));
		cjwe = cjose_jwe_encrypt(cj, h, (const uint8_t *)"from cjose", 10,
		    &err);
		assert_non_null(cjwe);
		ser = cjose_jwe_export(cjwe, &err);
		assert_non_null(ser);
		assert_int_equal(decrypt(ser, k, NULL, "from cjose"), PKIT_OK);
		free(ser);
		cjose_jwe_release(cjwe);
		/* pkit encrypts, cjose decrypts. */
		memset(&o, 0, sizeof(o));
		o.alg = t[i].alg;
		o.enc = t[i].enc;
		o.compact = 1;
		assert_int_equal(pkit_jwe_encrypt(&ctx, k, &o,
		    (const unsigned char *)"from pkit", 9, &out), PKIT_OK);
		cjwe = cjose_jwe_import(out, strlen(out), &err);
		assert_non_null(cjwe);
		pt = cjose_jwe_decrypt(cjwe, cj, &ptlen, &err);
		assert_non_null(pt);
		assert_int_equal(ptlen, 9);
		assert_memory_equal(pt, "from pkit", 9);
		free(pt);
		cjose_jwe_release(cjwe);
		free(out);
		cjose_header_release(h);
		cjose_jwk_release(cj);
		pkit_jwk_key_free(k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7516),
		cmocka_unit_test(test_rfc7520),
		cmocka_unit_test(test_all_pairs),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_cjose_interop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
