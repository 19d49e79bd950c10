#include "tanba/revocation/crl_writer.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tanba/base/der.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/x509/builder.hpp"

namespace tanba::revocation {
namespace {

constexpr std::uint8_t kAki[] = {0x06, 0x03, 0x55, 0x1D, 0x23};
constexpr std::uint8_t kCrlNumber[] = {0x06, 0x03, 0x55, 0x1D, 0x14};
constexpr std::uint8_t kDeltaIndicator[] = {0x06, 0x03, 0x55, 0x1D, 0x1B};
constexpr std::uint8_t kReasonCode[] = {0x06, 0x03, 0x55, 0x1D, 0x15};
constexpr std::uint8_t kInvalidityDate[] = {0x06, 0x03, 0x55, 0x1D, 0x18};
constexpr std::uint8_t kFreshestCrl[] = {0x06, 0x03, 0x55, 0x1D, 0x2E};

Bytes integer(std::uint64_t v) {
    Bytes mag;
    for (int shift = 56; shift >= 0; shift -= 8) mag.push_back(static_cast<std::uint8_t>(v >> shift));
    return der::positive_integer(mag);
}

Bytes concat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes extension(ByteView oid, ByteView value, bool critical = false) {
    static const std::uint8_t kTrue[] = {0x01, 0x01, 0xFF};
    return der::tlv(0x30, concat({oid, critical ? ByteView(kTrue) : ByteView(), der::tlv(0x04, value)}));
}


}  // namespace

CrlWriter::CrlWriter(const x509::Certificate& issuer, const keys::Signer& signer, CrlSpec spec)
    : issuer_(issuer), signer_(signer), spec_(std::move(spec)) {}

void CrlWriter::add(ByteView serial, TimePoint revoked_at, Reason reason, std::optional<TimePoint> invalidity) {
    // Written straight into the entry list: no allocation per entry (a million must be quick).
    while (serial.size() > 1 && serial[0] == 0) serial = serial.subspan(1);
    const bool pad = serial.empty() || (serial[0] & 0x80);
    const std::size_t int_len = serial.size() + (pad ? 1 : 0);
    if (revoked_at != last_time_) {
        last_time_ = revoked_at;
        last_time_der_ = der::time(revoked_at);
    }
    Bytes exts;
    if (reason != Reason::Unspecified) {
        const std::uint8_t code[] = {0x0A, 0x01, static_cast<std::uint8_t>(reason)};
        exts = extension(kReasonCode, code);
    }
    if (invalidity) {
        auto e = extension(kInvalidityDate, der::generalized_time(*invalidity));
        exts.insert(exts.end(), e.begin(), e.end());
    }
    std::size_t body = 2 + int_len + last_time_der_.size();
    if (!exts.empty()) body += 2 + exts.size() + (exts.size() >= 0x80 ? 1 : 0);
    entries_.push_back(0x30);
    der::append_length(entries_, body);
    entries_.push_back(0x02);
    entries_.push_back(static_cast<std::uint8_t>(int_len));
    if (pad) entries_.push_back(0x00);
    entries_.insert(entries_.end(), serial.begin(), serial.end());
    entries_.insert(entries_.end(), last_time_der_.begin(), last_time_der_.end());
    if (!exts.empty()) der::append_tlv(entries_, 0x30, exts);
    ++count_;
}

Bytes CrlWriter::finish() {
    const Bytes alg = signer_.algorithm_identifier(spec_.algorithm);
    const Bytes name = ossl::encode(X509_get_subject_name(issuer_.get()), i2d_X509_NAME, "the issuer name");
    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(issuer_.get());
    const Bytes key_id = ski ? Bytes(ski->data, ski->data + ski->length) : x509::key_identifier(issuer_);
    Bytes exts = extension(kAki, der::tlv(0x30, der::tlv(0x80, key_id)));
    auto number = extension(kCrlNumber, integer(spec_.number));
    exts.insert(exts.end(), number.begin(), number.end());
    if (spec_.delta_base) {
        auto delta = extension(kDeltaIndicator, integer(*spec_.delta_base), true);
        exts.insert(exts.end(), delta.begin(), delta.end());
    }
    if (!spec_.freshest_url.empty()) {  // SEQUENCE OF DistributionPoint { [0] { [0] fullName { [6] URI } } }
        auto point = der::tlv(0x30, der::tlv(0xA0, der::tlv(0xA0, der::tlv(0x86, as_bytes(spec_.freshest_url)))));
        auto fresh = extension(kFreshestCrl, der::tlv(0x30, point));
        exts.insert(exts.end(), fresh.begin(), fresh.end());
    }
    // TBSCertList assembled once around the entries (one copy of them), then the outer
    // CertificateList (a second); the entry list is released in between.
    const Bytes head = concat({integer(1), alg, name, der::time(spec_.this_update),
                               der::time(spec_.next_update)});
    const Bytes tail = der::tlv(0xA0, der::tlv(0x30, exts));
    Bytes list_header;
    if (count_ > 0) {
        list_header.push_back(0x30);
        der::append_length(list_header, entries_.size());
    }
    const std::size_t tbs_len = head.size() + list_header.size() + entries_.size() + tail.size();
    Bytes tbs;
    tbs.reserve(tbs_len + 8);
    tbs.push_back(0x30);
    der::append_length(tbs, tbs_len);
    for (const Bytes* part : std::initializer_list<const Bytes*>{&head, &list_header, &entries_, &tail}) tbs.insert(tbs.end(), part->begin(), part->end());
    Bytes().swap(entries_);
    const Bytes raw = signer_.sign(tbs, spec_.algorithm);
    Bytes sig{0x00};
    sig.insert(sig.end(), raw.begin(), raw.end());
    const Bytes sig_tlv = der::tlv(0x03, sig);
    const std::size_t body_len = tbs.size() + alg.size() + sig_tlv.size();
    Bytes out;
    out.reserve(body_len + 8);
    out.push_back(0x30);
    der::append_length(out, body_len);
    for (const Bytes* part : std::initializer_list<const Bytes*>{&tbs, &alg, &sig_tlv}) out.insert(out.end(), part->begin(), part->end());
    return out;
}

}  // namespace tanba::revocation
