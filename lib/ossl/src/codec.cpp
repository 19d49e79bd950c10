#include "tanba/ossl/codec.hpp"

#include <openssl/param_build.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "tanba/ossl/errors.hpp"

namespace tanba::ossl {

bool is_pem(ByteView data) {
    static constexpr std::string_view kBegin = "-----BEGIN ";
    std::string_view text(reinterpret_cast<const char*>(data.data()), std::min<std::size_t>(data.size(), 4096));
    return text.find(kBegin) != std::string_view::npos;
}

std::vector<Bytes> pem_blocks(ByteView pem, std::string_view label) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::vector<Bytes> out;
    for (;;) {
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* data = nullptr;
        long len = 0;
        if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) break;
        OpenSslString n(name), h(header);
        OpenSslBytes d(data);
        if (label == name) out.emplace_back(data, data + len);
    }
    clear_errors();  // the loop ends on "no start line"
    return out;
}

std::vector<Bytes> der_objects(ByteView data, std::initializer_list<std::string_view> labels, ErrorCode code) {
    if (!is_pem(data)) return {Bytes(data.begin(), data.end())};
    std::string names;
    for (std::string_view label : labels) {
        auto blocks = pem_blocks(data, label);
        if (!blocks.empty()) return blocks;
        names += (names.empty() ? "" : " or ") + std::string(label);
    }
    throw Error(code, "no " + names + " block in PEM input");
}

std::string to_pem(ByteView der, std::string_view label) {
    Bio bio(BIO_new(BIO_s_mem()));
    std::string name(label);
    check(PEM_write_bio(bio.get(), name.c_str(), "", der.data(), static_cast<long>(der.size())) > 0,
          ErrorCode::CRYPTO_FAILURE, "encoding PEM");
    char* p = nullptr;
    long n = BIO_get_mem_data(bio.get(), &p);
    return std::string(p, static_cast<std::size_t>(n));
}

Cert cert_from_der(ByteView der) {
    const unsigned char* p = der.data();
    Cert c(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!c || p != der.data() + der.size()) throw error(ErrorCode::CERT_DECODE_FAILED, "certificate DER");
    return c;
}

Bytes cert_to_der(const X509* cert) {
    unsigned char* out = nullptr;
    int n = i2d_X509(cert, &out);
    if (n <= 0) throw error(ErrorCode::CRYPTO_FAILURE, "encoding certificate");
    OpenSslBytes guard(out);
    return Bytes(out, out + n);
}

Req req_from_der(ByteView der) {
    const unsigned char* p = der.data();
    Req r(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
    if (!r || p != der.data() + der.size()) throw error(ErrorCode::CSR_DECODE_FAILED, "PKCS#10 DER");
    return r;
}

Bytes req_to_der(const X509_REQ* req) {
    unsigned char* out = nullptr;
    int n = i2d_X509_REQ(req, &out);
    if (n <= 0) throw error(ErrorCode::CRYPTO_FAILURE, "encoding certificate request");
    OpenSslBytes guard(out);
    return Bytes(out, out + n);
}

TimePoint to_time_point(const ASN1_TIME* t) {
    struct tm tm {};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) throw error(ErrorCode::DECODE_FAILED, "ASN.1 time");
    using namespace std::chrono;
    year_month_day ymd{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                       day{static_cast<unsigned>(tm.tm_mday)}};
    return sys_days{ymd} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}

Asn1Time to_asn1_time(TimePoint t) {
    // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
    Asn1Time out(ASN1_TIME_set(nullptr, static_cast<time_t>(t.time_since_epoch().count())));
    if (!out) throw error(ErrorCode::CRYPTO_FAILURE, "encoding time");
    return out;
}

Bytes integer_bytes(const ASN1_INTEGER* i) {
    BigNum bn(ASN1_INTEGER_to_BN(i, nullptr));
    if (!bn) throw error(ErrorCode::DECODE_FAILED, "ASN.1 INTEGER");
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), out.data());
    return out;
}

Asn1Integer integer_from_bytes(ByteView bytes) {
    BigNum bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    Asn1Integer out(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    if (!out) throw error(ErrorCode::CRYPTO_FAILURE, "encoding INTEGER");
    return out;
}

std::string oid_text(const ASN1_OBJECT* obj) {
    char buf[128];
    int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
    if (n < 0 || n >= static_cast<int>(sizeof buf)) return {};
    return buf;
}

std::string oid_name(const ASN1_OBJECT* obj) {
    int nid = OBJ_obj2nid(obj);
    if (nid == NID_undef) return oid_text(obj);
    const char* ln = OBJ_nid2ln(nid);
    return ln ? ln : oid_text(obj);
}

Asn1Object oid_from_text(std::string_view dotted) {
    std::string s(dotted);
    bool numeric = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
    Asn1Object obj(numeric ? OBJ_txt2obj(s.c_str(), 1) : nullptr);
    if (!obj) {
        clear_errors();
        throw Error(ErrorCode::INVALID_ARGUMENT, "not an OID: '" + s + "'");
    }
    return obj;
}

void random_bytes(std::span<std::uint8_t> out) {
    check(RAND_bytes(out.data(), static_cast<int>(out.size())) == 1, ErrorCode::CRYPTO_FAILURE, "random bytes");
}

Bytes sha1(ByteView data) {
    Bytes out(SHA_DIGEST_LENGTH);
    SHA1(data.data(), data.size(), out.data());
    return out;
}

Bytes sha256(ByteView data) {
    Bytes out(SHA256_DIGEST_LENGTH);
    SHA256(data.data(), data.size(), out.data());
    return out;
}

Bytes hmac_sha256(ByteView key, ByteView data) {
    Bytes out(SHA256_DIGEST_LENGTH);
    std::size_t n = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(), data.data(), data.size(), out.data(), out.size(), &n) ||
        n != out.size())
        throw Error(ErrorCode::CRYPTO_FAILURE, "HMAC-SHA256");
    return out;
}

Bytes bn_param(const EVP_PKEY* key, const char* name, std::size_t pad) {
    BIGNUM* raw = nullptr;
    check(EVP_PKEY_get_bn_param(key, name, &raw) == 1, ErrorCode::KEY_UNSUPPORTED, name);
    BigNum bn(raw);
    Bytes out(pad ? pad : static_cast<std::size_t>(BN_num_bytes(bn.get())));
    const bool ok = BN_bn2binpad(bn.get(), out.data(), static_cast<int>(out.size())) >= 0;
    BN_clear(bn.get());  // private parameters too (a key imported to a token)
    check(ok, ErrorCode::KEY_UNSUPPORTED, name);
    return out;
}

std::string random_text(std::size_t bytes, Base64 alphabet) {
    Bytes raw(bytes);
    random_bytes(raw);
    return base64_encode(raw, alphabet);
}

Bytes digest(const EVP_MD* md, ByteView data) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    if (!md || EVP_Digest(data.data(), data.size(), out.data(), &n, md, nullptr) != 1)
        throw error(ErrorCode::CRYPTO_FAILURE, "computing a digest");
    out.resize(n);
    return out;
}

Cert up_ref(X509* cert) {
    X509_up_ref(cert);
    return Cert(cert);
}

PKey up_ref(EVP_PKEY* key) {
    EVP_PKEY_up_ref(key);
    return PKey(key);
}

PKey dsa_key_inheriting(const X509* cert, const EVP_PKEY* params_from) {
    const X509_PUBKEY* spki = X509_get_X509_PUBKEY(cert);
    const unsigned char* bits = nullptr;
    int len = 0;
    X509_ALGOR* alg = nullptr;
    if (!params_from || !EVP_PKEY_is_a(params_from, "DSA") ||
        X509_PUBKEY_get0_param(nullptr, &bits, &len, &alg, spki) != 1 || OBJ_obj2nid(alg->algorithm) != NID_dsa)
        return nullptr;
    int ptype = 0;
    X509_ALGOR_get0(nullptr, &ptype, nullptr, alg);
    if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL) return nullptr;  // it has its own
    Asn1Integer y(d2i_ASN1_INTEGER(nullptr, &bits, len));
    BigNum pub(y ? ASN1_INTEGER_to_BN(y.get(), nullptr) : nullptr);
    BIGNUM *p = nullptr, *q = nullptr, *g = nullptr;
    EVP_PKEY_get_bn_param(params_from, OSSL_PKEY_PARAM_FFC_P, &p);
    EVP_PKEY_get_bn_param(params_from, OSSL_PKEY_PARAM_FFC_Q, &q);
    EVP_PKEY_get_bn_param(params_from, OSSL_PKEY_PARAM_FFC_G, &g);
    BigNum bp(p), bq(q), bg(g);
    ParamBuilder bld(OSSL_PARAM_BLD_new());
    if (!pub || !bp || !bq || !bg || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, bp.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_Q, bq.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, bg.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.get())) {
        clear_errors();
        return nullptr;
    }
    Params params(OSSL_PARAM_BLD_to_param(bld.get()));
    PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        key = nullptr;
    clear_errors();
    return PKey(key);
}

}  // namespace tanba::ossl
