#pragma once
// Writing CRLs (RFC 5280 §5): entries are DER-encoded as they stream in (a million entries
// build in seconds, without an OpenSSL object per entry); finish() signs with any Signer.
#include <cstdint>
#include <optional>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::revocation {

struct CrlSpec {
    std::uint64_t number = 1;                  // cRLNumber (complete and delta CRLs share one sequence)
    std::optional<std::uint64_t> delta_base;   // set: a delta CRL (critical deltaCRLIndicator)
    TimePoint this_update, next_update;
    keys::SignOptions algorithm;
    std::string freshest_url;                  // set: freshestCRL (where the delta CRLs are)
};

class CrlWriter {
public:
    /// `issuer` is the CA's certificate (name, key identifier); `signer` its key.
    CrlWriter(const x509::Certificate& issuer, const keys::Signer& signer, CrlSpec spec);

    /// One entry; `serial` is the big-endian magnitude. Reason Unspecified is written without a
    /// reasonCode (RFC 5280 §5.3.1); RemoveFromCrl only in delta CRLs.
    void add(ByteView serial, TimePoint revoked_at, Reason reason, std::optional<TimePoint> invalidity_date = {});
    std::size_t count() const { return count_; }
    /// The signed CRL (DER). Throws KEY_SIGN_FAILED.
    Bytes finish();

private:
    const x509::Certificate& issuer_;
    const keys::Signer& signer_;
    CrlSpec spec_;
    Bytes entries_;
    std::size_t count_ = 0;
    TimePoint last_time_{};
    Bytes last_time_der_;
};

}  // namespace tanba::revocation
