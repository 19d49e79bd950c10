// Revocation and CRLs of a CA.
#include <algorithm>
#include <cctype>

#include "state.hpp"
#include "tanba/revocation/crl_writer.hpp"

namespace tanba::ca {
namespace {

// The store's spelling of a serial: lower-case hex without leading zero bytes.
std::string normal_serial(const std::string& text) {
    std::string s;
    for (char c : text)
        if (c != ':' && c != ' ') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (s.empty() || s.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw Error(ErrorCode::INVALID_ARGUMENT, "not a hex serial number: " + text);
    if (s.size() % 2) s.insert(s.begin(), '0');
    while (s.size() > 2 && s.compare(0, 2, "00") == 0) s.erase(0, 2);
    return s;
}

}  // namespace

void CertificateAuthority::revoke(const std::string& serial, revocation::Reason reason, std::optional<TimePoint> invalidity) {
    if (reason == revocation::Reason::RemoveFromCrl)
        throw Error(ErrorCode::INVALID_ARGUMENT, "removeFromCRL is not a revocation reason: use unhold");
    s_->repo->revoke(s_->issuer_id, normal_serial(serial), static_cast<int>(reason), s_->clock.now(), invalidity);
}

void CertificateAuthority::unhold(const std::string& serial) {
    s_->repo->unhold(s_->issuer_id, normal_serial(serial), s_->clock.now());
}

Bytes CertificateAuthority::crl(const CrlOptions& o) {
    if (!s_->signer) throw Error(ErrorCode::CA_LOCKED, s_->dir.string());
    auto& repo = *s_->repo;
    const auto latest = repo.latest_crl(s_->issuer_id, store::CrlSelect::Newest, store::CrlFields::WithoutDer);
    revocation::CrlSpec spec;
    spec.number = latest ? static_cast<std::uint64_t>(latest->number) + 1 : 1;
    spec.this_update = s_->clock.now();
    spec.next_update = spec.this_update + o.validity;
    spec.algorithm = keys::default_sign_options(s_->signer->spec().algorithm);
    std::optional<store::CrlRecord> base;
    // Full CRLs say where the deltas are (freshestCRL); relying parties such as OpenSSL look
    // for deltas only then.
    if (o.kind == CrlKind::Full) spec.freshest_url = s_->config.base_url + "/crl/" + s_->config.id + "-delta.crl";
    if (o.kind == CrlKind::Delta) {
        base = repo.latest_crl(s_->issuer_id, store::CrlSelect::NewestFull, store::CrlFields::WithoutDer);
        if (!base) throw Error(ErrorCode::CA_CRL_BASE_MISSING, s_->config.id);
        spec.delta_base = static_cast<std::uint64_t>(base->number);
    }
    revocation::CrlWriter writer(s_->chain.front(), *s_->signer, spec);
    auto add = [&](const store::RevocationRecord& r) {
        writer.add(from_hex(r.serial), r.at, static_cast<revocation::Reason>(r.reason), r.invalidity_date);
        if (o.progress && writer.count() % 100000 == 0) o.progress(writer.count());
    };
    std::int64_t last = repo.last_event(s_->issuer_id);
    if (base) {
        for (const auto& r : repo.events_after(s_->issuer_id, base->last_event, last)) add(r);
    } else {
        repo.for_each_revoked(s_->issuer_id, add);
    }
    if (o.progress) o.progress(writer.count());
    Bytes der = writer.finish();
    store::CrlRecord rec{static_cast<std::int64_t>(spec.number), spec.this_update, spec.next_update,
                         base ? std::optional<std::int64_t>(base->number) : std::nullopt, last, der};
    repo.record_crl(s_->issuer_id, rec);
    return der;
}

}  // namespace tanba::ca
