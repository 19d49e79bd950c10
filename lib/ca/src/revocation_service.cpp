// The CA's revocation service: the rules of revocation and hold, CRLs, and the status facts
// OCSP answers from. The store only keeps the rows; what may follow what is decided here.
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

using revocation::Reason;
constexpr int kHold = static_cast<int>(Reason::CertificateHold);
constexpr int kTries = 3;  // a change that lost a race to another is decided again on what won

// The revocation reason the store has for an issued certificate (nullopt: not revoked).
std::optional<int> current_reason(store::CaRepository& repo, const std::string& issuer, const std::string& serial) {
    const auto rec = repo.find(issuer, serial);
    if (!rec || rec->status != store::CertStatus::Issued) throw Error(ErrorCode::STORE_NOT_FOUND, "no issued certificate " + serial);
    return rec->revoked_at ? std::optional<int>(rec->revocation_reason) : std::nullopt;
}

// Applies a change decided on the state read just before; if the row changed meanwhile, the
// rule is applied again to the new state.
template <class Decide>
void change(store::CaRepository& repo, const std::string& issuer, const std::string& serial, Decide decide) {
    for (int attempt = 1;; ++attempt) {
        const auto current = current_reason(repo, issuer, serial);
        const auto [ch, note] = decide(current);
        try {
            repo.change_revocations(issuer, std::span(&ch, 1), note);
            return;
        } catch (const Error& e) {
            if (e.code() != ErrorCode::STORE_CONFLICT || attempt == kTries) throw;
        }
    }
}

}  // namespace

// A certificate not revoked may be revoked for any reason, or put on hold; one on hold may be
// revoked for good (any reason but hold again) or released (unhold); a revoked one stays so.
ListedCertificate CertificateAuthority::find(const std::string& serial) {
    const std::string s = normal_serial(serial);
    auto rec = s_->repo->find(s_->issuer_id, s);
    if (!rec) throw Error(ErrorCode::STORE_NOT_FOUND, "no certificate " + s + " issued by this CA");
    const CertificateState state = state_of(*rec, s_->clock.now());
    return {std::move(*rec), state};
}

ListedCertificate CertificateAuthority::revoke(const std::string& serial, revocation::Reason reason, std::optional<TimePoint> invalidity) {
    if (reason == Reason::RemoveFromCrl)
        throw Error(ErrorCode::INVALID_ARGUMENT, "removeFromCRL is not a revocation reason: use unhold");
    const std::string s = normal_serial(serial);
    change(*s_->repo, s_->issuer_id, s, [&](std::optional<int> current) {
        if (current && (*current != kHold || reason == Reason::CertificateHold)) throw Error(ErrorCode::CA_ALREADY_REVOKED, s);
        const store::RevocationRecord state{s, s_->clock.now(), static_cast<int>(reason), invalidity};
        return std::pair{store::RevocationChange{s, {current}, state, state},
                         store::AuditNote{reason == Reason::CertificateHold ? "hold" : "revoked", s,
                                          "reason " + std::string(revocation::to_string(reason))}};
    });
    return find(s);
}

void CertificateAuthority::unhold(const std::string& serial) {
    const std::string s = normal_serial(serial);
    change(*s_->repo, s_->issuer_id, s, [&](std::optional<int> current) {
        if (current != kHold) throw Error(ErrorCode::CA_NOT_ON_HOLD, s);
        // The release is an event (removeFromCRL in the next delta CRL); the row is not revoked.
        const store::RevocationRecord released{s, s_->clock.now(), static_cast<int>(Reason::RemoveFromCrl), std::nullopt};
        return std::pair{store::RevocationChange{s, {kHold}, std::nullopt, released}, store::AuditNote{"unhold", s, ""}};
    });
}

std::vector<CrlKind> CertificateAuthority::issue_due_crls(std::chrono::seconds validity) {
    auto& repo = *s_->repo;
    const TimePoint now = s_->clock.now();
    auto header = [&](store::CrlSelect which) { return repo.latest_crl(s_->issuer_id, which, store::CrlFields::WithoutDer); };
    // Past half its validity, or dated in the future (the clock stepped back): sign the next.
    auto half_past = [now](const store::CrlRecord& r) { return now >= r.this_update + (r.next_update - r.this_update) / 2 || r.this_update > now; };
    std::vector<CrlKind> issued;
    auto full = header(store::CrlSelect::NewestFull);
    if (!full || half_past(*full)) {
        crl({CrlKind::Full, validity, {}});
        issued.push_back(CrlKind::Full);
        full = header(store::CrlSelect::NewestFull);
    }
    const auto newest = header(store::CrlSelect::Newest);
    if (newest->base_number != full->number || half_past(*newest) || repo.last_event(s_->issuer_id) > newest->last_event) {
        crl({CrlKind::Delta, validity, {}});
        issued.push_back(CrlKind::Delta);
    }
    return issued;
}

Bytes CertificateAuthority::crl(const CrlOptions& o) {
    if (!s_->signer) throw Error(ErrorCode::CA_LOCKED, s_->dir.string());
    require_valid_now();
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
