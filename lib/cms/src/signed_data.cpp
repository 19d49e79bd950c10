#include "signed_data.hpp"

#include <openssl/pem.h>

#include <algorithm>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::cms::detail {
namespace {

// A minimal DER reader: enough to walk to the SignerInfos.
struct Tlv {
    unsigned tag = 0;
    ByteView value;
};

std::optional<Tlv> read_tlv(ByteView& in) {
    if (in.size() < 2) return std::nullopt;
    Tlv t;
    t.tag = in[0];
    std::size_t len = in[1], pos = 2;
    if (len & 0x80) {
        const std::size_t n = len & 0x7f;
        if (n == 0 || n > 4 || in.size() < 2 + n) return std::nullopt;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[2 + i];
        pos += n;
    }
    if (in.size() - pos < len) return std::nullopt;
    t.value = in.subspan(pos, len);
    in = in.subspan(pos + len);
    return t;
}

// The whole TLV as read (header included).
ByteView whole(ByteView before, ByteView after) { return before.first(before.size() - after.size()); }

void put_tlv(Bytes& out, std::uint8_t tag, ByteView content) {
    out.push_back(tag);
    const std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        std::uint8_t len[4];
        int k = 0;
        for (std::size_t v = n; v; v >>= 8) len[k++] = static_cast<std::uint8_t>(v & 0xff);
        out.push_back(static_cast<std::uint8_t>(0x80 | k));
        while (k) out.push_back(len[--k]);
    }
    out.insert(out.end(), content.begin(), content.end());
}

Bytes pem_or_der(ByteView data) {
    if (data.size() > kMaxSignature) throw Error(ErrorCode::INPUT_TOO_LARGE, "signature larger than 64 MiB");
    return std::move(ossl::der_objects(data, {"CMS", "PKCS7"}, ErrorCode::CMS_DECODE_FAILED).front());
}

}  // namespace

ossl::CmsContent parse_der(ByteView data) {
    const unsigned char* p = data.data();
    ossl::CmsContent cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(data.size())));
    if (!cms || p != data.data() + data.size()) throw ossl::error(ErrorCode::CMS_DECODE_FAILED, "CMS DER");
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed)
        throw Error(ErrorCode::CMS_DECODE_FAILED, "CMS content type is not signedData");
    return cms;
}

namespace {

// The certificates taken out of a DER SignedData: false when the DER walk fails (BER input,
// or not a SignedData at all).
bool take_out_certificates(ParsedSignedData& out) {
    // ContentInfo { contentType, [0] { SignedData { version, digestAlgorithms, encapContentInfo,
    // [0] certificates?, [1] crls?, signerInfos } } }
    ByteView in = out.der;
    auto ci = read_tlv(in);
    ByteView ci_body = ci ? ci->value : ByteView{};
    const ByteView before_type = ci_body;
    auto type = read_tlv(ci_body);
    const ByteView type_tlv = whole(before_type, ci_body);
    auto explicit0 = read_tlv(ci_body);
    ByteView sd_outer = explicit0 ? explicit0->value : ByteView{};
    auto sd = read_tlv(sd_outer);
    if (!ci || !type || !explicit0 || explicit0->tag != 0xA0 || !sd || sd->tag != 0x30 || !in.empty()) return false;
    Bytes body;
    ByteView fields = sd->value;
    while (!fields.empty()) {
        const ByteView before = fields;
        auto t = read_tlv(fields);
        if (!t) throw Error(ErrorCode::CMS_DECODE_FAILED, "SignedData DER");
        if (t->tag == 0xA0) {  // certificates: plain Certificate choices only, else keep them
            ByteView certs = t->value;
            std::vector<ByteView> found;
            bool plain = true;
            while (!certs.empty()) {
                const ByteView cb = certs;
                auto c = read_tlv(certs);
                if (!c) throw Error(ErrorCode::CMS_DECODE_FAILED, "certificates DER");
                plain = plain && c->tag == 0x30;
                found.push_back(whole(cb, certs));
            }
            if (plain) {
                out.certificates = std::move(found);
                continue;
            }
        }
        const ByteView tlv = whole(before, fields);
        body.insert(body.end(), tlv.begin(), tlv.end());
    }
    Bytes signed_data, wrapped, content_info;
    put_tlv(signed_data, 0x30, body);
    put_tlv(wrapped, 0xA0, signed_data);
    Bytes ci_content(type_tlv.begin(), type_tlv.end());
    ci_content.insert(ci_content.end(), wrapped.begin(), wrapped.end());
    put_tlv(content_info, 0x30, ci_content);
    out.cms = parse_der(content_info);
    return true;
}

}  // namespace

ParsedSignedData parse_without_certificates(ByteView data) {
    ossl::clear_errors();
    ParsedSignedData out;
    out.der = pem_or_der(data);
    // Zero bytes after the ContentInfo (some signers pad their files) are dropped and reported.
    ByteView in = out.der;
    if (read_tlv(in) && !in.empty() && std::all_of(in.begin(), in.end(), [](std::uint8_t b) { return b == 0; })) {
        out.trailing_zeros = in.size();
        out.der.resize(out.der.size() - in.size());
    }
    if (take_out_certificates(out)) return out;
    // BER (indefinite lengths, constructed strings: legal and common) is verified exactly as its
    // DER re-encoding; anything else, OpenSSL says what is wrong.
    ossl::CmsContent cms = parse_der(out.der);
    out.der = to_der(cms.get());
    if (!take_out_certificates(out)) out.cms = std::move(cms);
    return out;
}

ossl::CmsContent parse(ByteView data) {
    ossl::clear_errors();
    return parse_der(pem_or_der(data));
}

Bytes to_der(CMS_ContentInfo* cms) { return ossl::encode(cms, i2d_CMS_ContentInfo, "CMS"); }

std::optional<ByteView> attached_content(CMS_ContentInfo* cms) {
    ASN1_OCTET_STRING** content = CMS_get0_content(cms);
    if (!content || !*content) return std::nullopt;
    return ByteView((*content)->data, static_cast<std::size_t>((*content)->length));
}

std::optional<Bytes> first_signing_cert_only(ByteView value) {
    auto outer = read_tlv(value);
    if (!outer || outer->tag != 0x30) return std::nullopt;
    ByteView body = outer->value;
    auto certs = read_tlv(body);
    if (!certs || certs->tag != 0x30) return std::nullopt;
    ByteView list = certs->value;
    const ByteView before = list;
    if (!read_tlv(list)) return std::nullopt;
    Bytes one, seq;
    put_tlv(one, 0x30, whole(before, list));
    put_tlv(seq, 0x30, one);
    return seq;
}

std::vector<long> signer_info_versions(ByteView der) {
    std::vector<long> out;
    auto ci = read_tlv(der);  // ContentInfo
    if (!ci) return out;
    ByteView in = ci->value;
    read_tlv(in);                      // contentType
    auto explicit0 = read_tlv(in);     // [0]
    if (!explicit0) return out;
    in = explicit0->value;
    auto sd = read_tlv(in);            // SignedData
    if (!sd) return out;
    in = sd->value;
    std::optional<Tlv> last;
    while (auto t = read_tlv(in)) last = t;  // signerInfos is the last element
    if (!last || last->tag != 0x31) return out;
    ByteView infos = last->value;
    while (auto si = read_tlv(infos)) {
        ByteView fields = si->value;
        auto version = read_tlv(fields);
        long v = -1;
        if (version && version->tag == 0x02 && version->value.size() == 1) v = version->value[0];
        out.push_back(v);
    }
    return out;
}

const ASN1_TYPE* signed_attribute(CMS_SignerInfo* si, int nid) {
    const int loc = CMS_signed_get_attr_by_NID(si, nid, -1);
    if (loc < 0) return nullptr;
    X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, loc);
    if (X509_ATTRIBUTE_count(attr) != 1) return nullptr;
    return X509_ATTRIBUTE_get0_type(attr, 0);
}

namespace {
const ASN1_OBJECT* digest_oid(CMS_SignerInfo* si) {
    X509_ALGOR* dig = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig, nullptr);
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, dig);
    return oid;
}
}  // namespace

std::string digest_algorithm_of(CMS_SignerInfo* si) { return ossl::oid_text(digest_oid(si)); }

std::optional<Bytes> content_digest(const std::string& algorithm, const Content& content) {
    if (content.digests) {
        const auto d = content.digests->digest(algorithm);
        if (!d) return std::nullopt;
        return Bytes(d->begin(), d->end());
    }
    if (!content.bytes) return std::nullopt;
    DocumentDigests::Builder builder({algorithm});  // OpenSSL's digests and lib/gost's alike
    builder.update(*content.bytes);
    const auto digests = builder.finish();
    const auto d = digests.digest(algorithm);
    if (!d) return std::nullopt;
    return Bytes(d->begin(), d->end());
}

std::optional<Bytes> content_digest(CMS_SignerInfo* si, const Content& content) { return content_digest(digest_algorithm_of(si), content); }

}  // namespace tanba::cms::detail
