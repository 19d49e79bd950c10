// RFC 5280 §6.3: certificate status from CRLs (distribution points, scopes, reasons, indirect
// and delta CRLs), with the CRL signer's own path validated.
#include <algorithm>

#include "engine.hpp"
#include "tanba/x509/gost.hpp"

namespace tanba::validation::detail {
namespace {

using revocation::Crl;
using revocation::Reason;
using revocation::ReasonMask;

// One distribution point of the certificate; the implicit one when it has none.
struct Point {
    const DIST_POINT* dp = nullptr;
    ReasonMask reasons() const { return dp && dp->reasons ? revocation::reason_mask(dp->reasons) : revocation::kAllReasons; }
    const GENERAL_NAMES* crl_issuer() const { return dp ? dp->CRLissuer : nullptr; }
    const DIST_POINT_NAME* name() const { return dp ? dp->distpoint : nullptr; }
};

bool dir_name_in(const X509_NAME* name, const GENERAL_NAMES* names) {
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_DIRNAME && same_name(g->d.directoryName, name)) return true;
    }
    return false;
}

// Names of a distribution point name: its full names, or the relative name made absolute.
bool name_matches(const DIST_POINT_NAME* a, const GENERAL_NAME* g) {
    if (a->type == 0) {
        for (int i = 0; i < sk_GENERAL_NAME_num(a->name.fullname); ++i)
            if (GENERAL_NAME_cmp(sk_GENERAL_NAME_value(a->name.fullname, i), const_cast<GENERAL_NAME*>(g)) == 0) return true;
        return false;
    }
    return a->dpname && g->type == GEN_DIRNAME && same_name(a->dpname, g->d.directoryName);
}

bool names_overlap(const DIST_POINT_NAME* a, const DIST_POINT_NAME* b) {
    if (b->type == 0) {
        for (int i = 0; i < sk_GENERAL_NAME_num(b->name.fullname); ++i)
            if (name_matches(a, sk_GENERAL_NAME_value(b->name.fullname, i))) return true;
        return false;
    }
    if (!b->dpname) return false;
    GENERAL_NAME g{};
    g.type = GEN_DIRNAME;
    g.d.directoryName = b->dpname;
    return name_matches(a, &g);
}

bool names_overlap(const DIST_POINT_NAME* idp, const GENERAL_NAMES* crl_issuer) {
    for (int i = 0; crl_issuer && i < sk_GENERAL_NAME_num(crl_issuer); ++i)
        if (name_matches(idp, sk_GENERAL_NAME_value(crl_issuer, i))) return true;
    return false;
}

// §6.3.3 (b): this CRL is issued for this certificate and distribution point.
bool in_scope(const Crl& crl, const CertFacts& cert, const Point& p) {
    if (const GENERAL_NAMES* ci = p.crl_issuer()) {
        if (!dir_name_in(crl.issuer(), ci) || !crl.scope().indirect) return false;
    } else if (!same_name(crl.issuer(), cert.issuer())) {
        return false;
    }
    const auto& s = crl.scope();
    if (!s.present) return true;
    if (s.name) {
        if (p.name()) {
            if (!names_overlap(s.name, p.name())) return false;
        } else if (!p.crl_issuer() || !names_overlap(s.name, p.crl_issuer())) {
            return false;
        }
    }
    if (s.only_user && cert.is_ca) return false;
    if (s.only_ca && !cert.is_ca) return false;
    return !s.only_attribute;
}

bool usable(const Crl& crl, TimePoint at) {
    if (!crl.problem().empty()) return false;
    const auto next = crl.next_update();
    return !next || at <= *next;
}

bool key_allows_crl_signing(const CertFacts& c) { return !c.key_usage || (*c.key_usage & KU_CRL_SIGN); }

}  // namespace

bool Engine::crl_signed_by(const Crl& crl, const CertFacts& signer, const EVP_PKEY* key, Budget& budget) const {
    const ASN1_BIT_STRING* value = nullptr;
    X509_CRL_get0_signature(crl.get(), &value, nullptr);
    std::string id(reinterpret_cast<const char*>(value->data), static_cast<std::size_t>(value->length));
    id.append(signer.fingerprint.begin(), signer.fingerprint.end());
    {
        std::lock_guard lock(cache_mutex_);
        if (auto it = crl_signatures_.find(id); it != crl_signatures_.end()) return it->second;
    }
    if (!budget.spend()) return false;
    const bool ok = signer.gost_key ? x509::check_gost_signature(crl.der(), signer.x).verdict == x509::GostVerdict::Valid
                                    : crl.signature_valid(key);
    std::lock_guard lock(cache_mutex_);
    if (crl_signatures_.size() >= kMaxCached) crl_signatures_.clear();
    crl_signatures_.emplace(std::move(id), ok);
    return ok;
}

Engine::CrlSigner Engine::crl_signer(const Crl& crl, const Path& path, std::size_t i, const ValidationOptions& o,
                                     Budget& budget, int nesting) const {
    auto verifies = [&](const CertFacts& c) {
        if (!key_allows_crl_signing(c)) return CrlSigner{};
        ossl::PKey k = c.gost_key ? nullptr : public_key(c);  // a GOST key: lib/gost checks it
        if (!k && !c.gost_key) return CrlSigner{};
        return crl_signed_by(crl, c, k.get(), budget) ? CrlSigner{&c, std::move(k)} : CrlSigner{};
    };
    // The certificate's issuer first, then any certificate of this path with the CRL issuer's
    // name (key rollover: a self-issued certificate's old or new key).
    if (same_name(path[i - 1]->subject(), crl.issuer()))
        if (auto k = verifies(*path[i - 1]); k.cert) return k;
    for (std::size_t j = 0; j < path.size(); ++j)
        if (j != i - 1 && same_name(path[j]->subject(), crl.issuer()))
            if (auto k = verifies(*path[j]); k.cert) return k;
    // A separate CRL signer: its own path must validate to a trust anchor.
    if (nesting >= 2) return {};
    const unsigned long hash = X509_NAME_hash_ex(crl.issuer(), nullptr, nullptr, nullptr);
    for (bool anchors : {true, false}) {
        for (const CertFacts* c : anchors ? issuers_named(crl.issuer(), hash, true) : untrusted_named(crl.issuer(), hash, budget)) {
            auto k = verifies(*c);
            if (!k.cert) continue;
            if (anchors) return k;
            ValidationOptions signer_options = o;
            signer_options.purpose = Purpose::Any;
            signer_options.eku.reset();
            signer_options.host.reset();
            signer_options.ip.reset();
            signer_options.email.reset();
            signer_options.policy = PolicyInputs{};
            if (validate(*c, signer_options, budget, nesting + 1).valid()) return k;
        }
    }
    return {};
}

Engine::Status Engine::crl_status(const Path& path, std::size_t i, const ValidationOptions& o, Budget& budget,
                                  int nesting, ValidationReport& r, Crls crls) const {
    const CertFacts& cert = *path[i];
    const int idx = report_index(path, i);
    std::vector<Point> points;
    if (cert.crl_dps)
        for (int k = 0; k < sk_DIST_POINT_num(cert.crl_dps.get()); ++k) points.push_back(Point{sk_DIST_POINT_value(cert.crl_dps.get(), k)});
    if (points.empty()) points.push_back(Point{});

    ReasonMask covered = 0;
    std::optional<revocation::RevokedEntry> listed;
    for (const Point& p : points) {
        for (const Crl* crl_ptr : crls) {
            const Crl& crl = *crl_ptr;
            if (covered == revocation::kAllReasons) break;
            if (crl.is_delta() || !in_scope(crl, cert, p)) continue;
            int digest = NID_undef, pkey = NID_undef;
            OBJ_find_sigid_algs(X509_CRL_get_signature_nid(crl.get()), &digest, &pkey);
            if (auto weak = weak_digest(digest, o.allow_sha1); !weak.empty()) {
                r.add(FindingCode::CRL_UNUSABLE, Severity::Warning, weak, idx);
                continue;
            }
            if (!usable(crl, *o.at)) {
                r.add(FindingCode::CRL_UNUSABLE, Severity::Warning, crl.problem().empty() ? "past its nextUpdate" : crl.problem(), idx);
                continue;
            }
            const ReasonMask interim = crl.scope().only_some_reasons & p.reasons();
            if ((interim & ~covered) == 0) continue;
            const CrlSigner signer = crl_signer(crl, path, i, o, budget, nesting);
            if (!signer.cert) {
                r.add(FindingCode::CRL_UNUSABLE, Severity::Warning, "its signer could not be validated", idx);
                continue;
            }
            // (g) the newest usable delta CRL for this complete CRL, same issuer and scope.
            const Crl* delta = nullptr;
            for (const Crl* delta_ptr : crls) {
                const Crl& d = *delta_ptr;
                if (!d.is_delta() || !same_name(d.issuer(), crl.issuer()) || d.scope_der() != crl.scope_der()) continue;
                if (!crl.number() || !d.number() || !usable(d, *o.at)) continue;
                auto less = [](const Bytes& a, const Bytes& b) {  // big-endian magnitudes
                    return a.size() != b.size() ? a.size() < b.size() : a < b;
                };
                if (less(*crl.number(), *d.delta_base()) || !less(*crl.number(), *d.number())) continue;
                if (delta && !less(*delta->number(), *d.number())) continue;
                if (!crl_signed_by(d, *signer.cert, signer.key.get(), budget)) continue;
                delta = &d;
            }
            covered |= interim;
            std::optional<revocation::RevokedEntry> e;
            if (delta) e = delta->find(cert.cert);
            if (e && e->reason == Reason::RemoveFromCrl) continue;  // released from hold since the base
            if (!e) e = crl.find(cert.cert);
            if (e && e->reason != Reason::RemoveFromCrl) {
                listed = e;
                break;
            }
        }
        if (listed) break;
    }
    if (listed) {
        if (listed->revoked_at > *o.at) {
            r.add(FindingCode::REVOKED_LATER, Severity::Warning, "revoked at " + format_rfc3339(listed->revoked_at), idx);
            return covered == revocation::kAllReasons ? Status::RevokedLater : Status::Unknown;
        }
        const std::string detail = std::string(revocation::to_string(listed->reason)) + ", " + format_rfc3339(listed->revoked_at);
        if (listed->reason == Reason::CertificateHold) {
            r.add(FindingCode::ON_HOLD, Severity::Error, detail, idx);
            return Status::Hold;
        }
        r.add(FindingCode::REVOKED, Severity::Error, detail, idx);
        return Status::Revoked;
    }
    return covered == revocation::kAllReasons ? Status::Good : Status::Unknown;
}

Engine::Status Engine::status_of(const Path& path, std::size_t i, const ValidationOptions& o, Budget& budget, int nesting,
                                 ValidationReport& r) const {
    if (auto s = ocsp_status(path, i, o, r, ocsp_ptrs_)) return *s;
    if (!online_) return crl_status(path, i, o, budget, nesting, r, crl_ptrs_);
    const int idx = report_index(path, i);
    std::vector<std::string> problems;
    const auto fetched = online_->ocsp(path[i]->cert, path[i - 1]->cert, problems);
    std::vector<const revocation::OcspResponse*> responses;
    for (const auto& f : fetched) responses.push_back(f.get());
    std::optional<Status> s = ocsp_status(path, i, o, r, responses);
    std::vector<std::shared_ptr<const Crl>> crls;
    if (!s) crls = online_->crls(path[i]->cert, problems);
    for (const auto& p : problems) r.add(FindingCode::FETCH_FAILED, Severity::Warning, p, idx);
    if (s) return *s;
    std::vector<const Crl*> all = crl_ptrs_;
    for (const auto& c : crls) all.push_back(c.get());
    return crl_status(path, i, o, budget, nesting, r, all);
}

void Engine::check_revocation(const Path& path, const ValidationOptions& o, Budget& budget, int nesting,
                              ValidationReport& r) const {
    if (o.revocation == RevocationMode::Off) {
        for (std::size_t i = 1; i < path.size(); ++i) r.chain[report_index(path, i)].revocation = "not checked";
        r.add(FindingCode::REVOCATION_NOT_CHECKED, Severity::Warning);
        return;
    }
    for (std::size_t i = 1; i < path.size(); ++i) {
        const int idx = report_index(path, i);
        const Status s = status_of(path, i, o, budget, nesting, r);
        const char* names[] = {"good", "revoked", "on hold", "good (revoked later)", "unknown"};
        r.chain[idx].revocation = names[static_cast<int>(s)];
        if (s == Status::Unknown)
            r.add(FindingCode::REVOCATION_UNKNOWN,
                  o.revocation == RevocationMode::Require ? Severity::Error : Severity::Warning, {}, idx);
        if (s == Status::Revoked || s == Status::Hold) return;
    }
}

}  // namespace tanba::validation::detail
