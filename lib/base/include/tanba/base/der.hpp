#pragma once
// Minimal DER writing (tag-length-value, definite lengths) for hand-assembled structures:
// certificates from templates, large CRLs, OCSP responses.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>
#include <optional>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"

namespace tanba::der {

inline void append_length(Bytes& out, std::size_t n) {
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
        return;
    }
    std::uint8_t buf[8];
    int len = 0;
    for (std::size_t v = n; v > 0; v >>= 8) buf[len++] = static_cast<std::uint8_t>(v & 0xFF);
    out.push_back(static_cast<std::uint8_t>(0x80 | len));
    while (len > 0) out.push_back(buf[--len]);
}

inline void append_tlv(Bytes& out, std::uint8_t tag, ByteView content) {
    out.push_back(tag);
    append_length(out, content.size());
    out.insert(out.end(), content.begin(), content.end());
}

inline Bytes tlv(std::uint8_t tag, ByteView content) {
    Bytes out;
    out.reserve(content.size() + 6);
    append_tlv(out, tag, content);
    return out;
}

/// SET OF: the encoded members in DER order (X.690 §11.6).
inline Bytes set_of(std::vector<Bytes> members) {
    std::sort(members.begin(), members.end(), [](const Bytes& a, const Bytes& b) {
        const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
        return c < 0 || (c == 0 && a.size() < b.size());
    });
    Bytes body;
    for (const auto& m : members) body.insert(body.end(), m.begin(), m.end());
    return tlv(0x31, body);
}

/// One DER element read in place (single-byte tags, definite lengths): `der[start]` is its
/// tag, its content is der[content, end).
struct Element {
    std::uint8_t tag = 0;
    std::size_t start = 0, content = 0, end = 0;
    ByteView of(ByteView der) const { return der.subspan(start, end - start); }
    ByteView content_of(ByteView der) const { return der.subspan(content, end - content); }
};
/// The element at `at`, or nullopt when it does not fit in `der`.
inline std::optional<Element> element_at(ByteView der, std::size_t at) {
    if (at + 2 > der.size()) return std::nullopt;
    Element e{der[at], at, at + 2, 0};
    std::size_t len = der[at + 1];
    if (len & 0x80) {
        const std::size_t n = len & 0x7f;
        if (n < 1 || n > 4 || e.content + n > der.size()) return std::nullopt;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = len << 8 | der[e.content++];
    }
    if (len > der.size() - e.content) return std::nullopt;
    e.end = e.content + len;
    return e;
}

/// A signed structure: SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING signature, then
/// `trailer` (already encoded, e.g. BasicOCSPResponse's [0] certs) } — the shape of X.509
/// certificates, CSRs, CRLs and OCSP responses.
inline Bytes signed_structure(ByteView tbs, ByteView algorithm, ByteView signature, ByteView trailer = {}) {
    Bytes body;
    body.reserve(tbs.size() + algorithm.size() + signature.size() + trailer.size() + 8);
    body.insert(body.end(), tbs.begin(), tbs.end());
    body.insert(body.end(), algorithm.begin(), algorithm.end());
    body.push_back(0x03);
    append_length(body, signature.size() + 1);
    body.push_back(0x00);  // no unused bits
    body.insert(body.end(), signature.begin(), signature.end());
    body.insert(body.end(), trailer.begin(), trailer.end());
    return tlv(0x30, body);
}

/// INTEGER from a non-negative big-endian magnitude.
inline Bytes positive_integer(ByteView magnitude) {
    std::size_t skip = 0;
    while (skip + 1 < magnitude.size() && magnitude[skip] == 0) ++skip;
    Bytes v;
    if (magnitude.empty() || (magnitude[skip] & 0x80)) v.push_back(0);
    v.insert(v.end(), magnitude.begin() + static_cast<long>(skip), magnitude.end());
    return tlv(0x02, v);
}

enum class TimeForm { Utc, Generalized };

/// UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (whole seconds).
inline Bytes time_as(TimePoint t, TimeForm form) {
    using namespace std::chrono;
    const auto days = floor<std::chrono::days>(t);
    const year_month_day ymd{days};
    const hh_mm_ss hms{t - days};
    const int y = int(ymd.year());
    char buf[20];
    std::snprintf(buf, sizeof buf, form == TimeForm::Utc ? "%02d%02u%02u%02d%02d%02dZ" : "%04d%02u%02u%02d%02d%02dZ",
                  form == TimeForm::Utc ? y % 100 : y, unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()));
    return tlv(form == TimeForm::Utc ? 0x17 : 0x18, as_bytes(buf));
}

/// RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
inline Bytes time(TimePoint t) {
    const bool before_2050 = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)}.year() < std::chrono::year(2050);
    return time_as(t, before_2050 ? TimeForm::Utc : TimeForm::Generalized);
}

/// GeneralizedTime (OCSP times, TSTInfo genTime, CRL invalidityDate).
inline Bytes generalized_time(TimePoint t) { return time_as(t, TimeForm::Generalized); }

}  // namespace tanba::der
