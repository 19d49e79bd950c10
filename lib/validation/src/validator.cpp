#include "tanba/validation/validator.hpp"

#include <algorithm>
#include <functional>

#include "engine.hpp"
#include "tanba/gost/second_opinion.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/x509/gost.hpp"

namespace tanba::validation {
namespace detail {
namespace {

bool in_path(const std::vector<const CertFacts*>& chain, const CertFacts& c) {
    for (const CertFacts* p : chain) {
        if (p->fingerprint == c.fingerprint) return true;
        // The same name and key again is a loop through a re-issued or cross certificate.
        if (same_name(p->subject(), c.subject()) &&
            EVP_PKEY_eq(X509_get0_pubkey(p->x), X509_get0_pubkey(c.x)) == 1)
            return true;
    }
    return false;
}

/// Likely issuers first: key identifier match, valid at the time, newest.
void order_candidates(std::vector<const CertFacts*>& v, const CertFacts& child, TimePoint at) {
    auto score = [&](const CertFacts* c) {
        int s = 0;
        if (child.aki && c->ski) s += *child.aki == *c->ski ? 4 : -4;
        if (c->cert.not_before() <= at && at <= c->cert.not_after()) s += 2;
        return s;
    };
    std::stable_sort(v.begin(), v.end(), [&](const CertFacts* a, const CertFacts* b) {
        const int sa = score(a), sb = score(b);
        if (sa != sb) return sa > sb;
        return a->cert.not_before() > b->cert.not_before();
    });
}

}  // namespace

bool Budget::spend() {
    if (exhausted) return false;
    if (signature_checks_left == 0 || std::chrono::steady_clock::now() > deadline) {
        exhausted = true;
        return false;
    }
    --signature_checks_left;
    return true;
}

Engine::Engine(std::vector<x509::Certificate> anchors, std::vector<x509::Certificate> untrusted,
               std::vector<revocation::Crl> crls, std::vector<revocation::OcspResponse> ocsp,
               revocation::RevocationSource* online)
    : crls_(std::move(crls)), ocsp_(std::move(ocsp)), online_(online) {
    for (const auto& c : crls_) crl_ptrs_.push_back(&c);
    for (const auto& r : ocsp_) ocsp_ptrs_.push_back(&r);
    for (auto& c : anchors) {
        anchors_.push_back(std::make_unique<CertFacts>(std::move(c)));
        anchors_by_subject_.emplace(anchors_.back()->subject_hash, anchors_.back().get());
    }
    for (auto& c : untrusted) {
        pool_.push_back(std::make_unique<CertFacts>(std::move(c)));
        pool_by_subject_.emplace(pool_.back()->subject_hash, pool_.back().get());
    }
}

bool Engine::is_anchor(const CertFacts& c) const {
    for (const auto& a : anchors_)
        if (a->fingerprint == c.fingerprint) return true;
    return false;
}

std::vector<x509::Certificate> Engine::known_certificates() const {
    std::vector<x509::Certificate> out;
    out.reserve(anchors_.size() + pool_.size());
    for (const auto* list : {&anchors_, &pool_})
        for (const auto& c : *list) out.push_back(c->cert);
    return out;
}

std::vector<const CertFacts*> Engine::issuers_named(const X509_NAME* name, unsigned long hash, bool anchors) const {
    const auto& index = anchors ? anchors_by_subject_ : pool_by_subject_;
    std::vector<const CertFacts*> out;
    auto [b, e] = index.equal_range(hash);
    for (auto it = b; it != e; ++it)
        if (same_name(it->second->subject(), name)) out.push_back(it->second);
    return out;
}

ossl::PKey Engine::public_key(const CertFacts& c, int depth) const {
    if (EVP_PKEY* own = X509_get0_pubkey(c.x)) return ossl::up_ref(own);
    ossl::clear_errors();
    if (depth >= 4 || c.self_issued) return nullptr;
    for (bool anchors : {true, false})
        for (const CertFacts* issuer : issuers_named(c.issuer(), c.issuer_hash, anchors)) {
            ossl::PKey issuer_key = public_key(*issuer, depth + 1);
            if (!issuer_key || X509_verify(c.x, issuer_key.get()) != 1) continue;
            if (auto k = ossl::dsa_key_inheriting(c.x, issuer_key.get())) return k;
        }
    ossl::clear_errors();
    return nullptr;
}

std::vector<const CertFacts*> Engine::untrusted_named(const X509_NAME* name, unsigned long hash, const Budget& run) const {
    auto out = issuers_named(name, hash, false);
    for (const auto& c : run.extra)
        if (c->subject_hash == hash && same_name(c->subject(), name)) out.push_back(c.get());
    return out;
}

std::optional<std::string> Engine::unsupported_signature(const CertFacts& child, const CertFacts& parent) const {
    if (parent.gost_key) {  // lib/gost checks it, or says why it cannot
        const auto g = x509::check_gost_signature(child.cert.der(), parent.x);
        if (g.verdict == x509::GostVerdict::Unsupported) return g.detail + " (" + parent.cert.subject_text() + ")";
        if (g.verdict != x509::GostVerdict::NotGost) return std::nullopt;
    }
    int digest = NID_undef, pkey = NID_undef;
    const int sig = X509_get_signature_nid(child.x);
    if (sig == NID_undef || OBJ_find_sigid_algs(sig, &digest, &pkey) != 1) {
        const X509_ALGOR* alg = nullptr;
        X509_get0_signature(nullptr, &alg, child.x);
        const ASN1_OBJECT* oid = nullptr;
        X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
        return "signature algorithm " + ossl::oid_name(oid) + " of " + child.cert.subject_text();
    }
    if (!public_key(parent)) return "the public key of " + parent.cert.subject_text();
    return std::nullopt;
}

namespace {
std::string link_key(const CertFacts& child, const CertFacts& parent) {
    std::string key(child.fingerprint.begin(), child.fingerprint.end());
    key.append(parent.fingerprint.begin(), parent.fingerprint.end());
    return key;
}
}  // namespace

bool Engine::signed_by(const CertFacts& child, const CertFacts& parent, Budget& budget) const {
    auto key = link_key(child, parent);
    {
        std::lock_guard lock(cache_mutex_);
        if (auto it = signatures_.find(key); it != signatures_.end()) return it->second != Signed::No;
    }
    if (!budget.spend()) return false;
    Signed outcome = Signed::No;
    if (parent.gost_key) {
        const auto g = x509::check_gost_signature(child.cert.der(), parent.x);
        if (g.verdict == x509::GostVerdict::Valid) outcome = g.order == x509::GostOrder::Nca ? Signed::GostNca : Signed::GostRfc4491;
    } else {
        ossl::PKey pk = public_key(parent);
        if (pk && X509_verify(child.x, pk.get()) == 1) outcome = Signed::Yes;
    }
    ossl::clear_errors();
    std::lock_guard lock(cache_mutex_);
    if (signatures_.size() >= kMaxCached) signatures_.clear();
    signatures_.emplace(std::move(key), outcome);
    return outcome != Signed::No;
}

std::optional<std::string> Engine::gost_order(const CertFacts& child, const CertFacts& parent) const {
    std::lock_guard lock(cache_mutex_);
    const auto it = signatures_.find(link_key(child, parent));
    if (it == signatures_.end() || (it->second != Signed::GostNca && it->second != Signed::GostRfc4491)) return std::nullopt;
    return std::string(x509::gost_order_text(it->second == Signed::GostNca ? x509::GostOrder::Nca : x509::GostOrder::Rfc4491));
}

ValidationReport Engine::validate(const x509::Certificate& leaf, const ValidationOptions& options,
                                  std::span<const x509::Certificate> extra) const {
    std::optional<ValidationOptions> timed;  // a copy only when the caller left the time unset
    if (!options.at) timed.emplace(options).at = SystemClock().now();
    const ValidationOptions& o = timed ? *timed : options;
    Budget budget{std::chrono::steady_clock::now() + o.limits.time_budget, o.limits.max_signature_checks, false, {}};
    for (const auto& c : extra) budget.extra.push_back(facts(c));
    auto report = validate(*facts(leaf), o, budget, 0);
    report.revocation_policy = {std::string(to_string(o.revocation)), online_ != nullptr && o.revocation != RevocationMode::Off};
    report.anchor_constraints = std::string(to_string(o.anchor));
    if (o.cross_check) second_opinion(leaf, o, extra, report);
    return report;
}

void Engine::second_opinion(const x509::Certificate& leaf, const ValidationOptions& o,
                            std::span<const x509::Certificate> extra, ValidationReport& report) const {
    gost::PathInputs in;
    in.leaf = leaf.der();
    for (const auto& c : pool_) in.untrusted.push_back(c->cert.der());
    for (const auto& c : extra) in.untrusted.push_back(c.der());
    for (const auto& a : anchors_) in.anchors.push_back(a->cert.der());
    for (const auto& c : crls_) in.crls.push_back(c.der());
    in.unix_time = std::chrono::duration_cast<std::chrono::seconds>(o.at->time_since_epoch()).count();
    if (o.host) in.host = *o.host;
    const auto opinion = gost::botan_path_validation(in);
    report.cross_check = ValidationReport::CrossCheck{opinion.valid, opinion.reason};
    if (opinion.valid != report.valid())
        report.add(FindingCode::CROSS_CHECK_DISAGREES, Severity::Warning,
                   std::string("Botan says ") + (opinion.valid ? "valid" : "invalid") + ": " + opinion.reason);
}

std::shared_ptr<const CertFacts> Engine::facts(const x509::Certificate& c) const {
    const Bytes digest = ossl::sha256(c.der());
    std::string key(digest.begin(), digest.end());
    {
        std::lock_guard lock(cache_mutex_);
        if (auto it = facts_.find(key); it != facts_.end()) return it->second;
    }
    auto made = std::make_shared<const CertFacts>(c);
    std::lock_guard lock(cache_mutex_);
    if (facts_.size() >= kMaxCached) facts_.clear();
    return facts_.emplace(std::move(key), std::move(made)).first->second;
}

x509::Certificate Engine::intern(ByteView der) const {
    const Bytes digest = ossl::sha256(der);
    {
        std::lock_guard lock(cache_mutex_);
        if (auto it = facts_.find(std::string(digest.begin(), digest.end())); it != facts_.end()) return it->second->cert;
    }
    return facts(x509::Certificate::from_der(der))->cert;
}

ValidationReport Engine::validate(const CertFacts& leaf, const ValidationOptions& o, Budget& budget, int nesting) const {
    std::optional<ValidationReport> first_failure;
    std::optional<int> bad_signature;  // report index of a certificate whose named issuer did not sign it
    std::optional<std::string> unsupported;  // a signature that could not be checked at all, and why
    bool too_deep = false;
    std::vector<const CertFacts*> chain{&leaf};  // leaf first while building

    // A signature that does not verify is forged only if it could be checked: an algorithm or
    // issuer key this build cannot process (GOST today) makes the result INDETERMINATE.
    auto note_failed_signature = [&](const CertFacts& child, const CertFacts& parent) {
        if (auto why = unsupported_signature(child, parent)) unsupported = std::move(why);
        else bad_signature = static_cast<int>(chain.size() - 1);
    };

    auto evaluate = [&]() -> std::optional<ValidationReport> {
        Path path(chain.rbegin(), chain.rend());
        ValidationReport r;
        r.validation_time = *o.at;
        for (std::size_t i = path.size(); i-- > 0;) r.chain.push_back(ChainElement{path[i]->cert, i == 0, {}});
        check_path(path, o, r);
        const bool structural_errors = std::any_of(r.findings.begin(), r.findings.end(),
                                                   [](const Finding& f) { return f.severity == Severity::Error; });
        if (!structural_errors) check_revocation(path, o, budget, nesting, r);
        r.conclude();
        if (r.valid()) return r;
        if (!first_failure) first_failure = std::move(r);
        return std::nullopt;
    };

    std::function<std::optional<ValidationReport>()> extend = [&]() -> std::optional<ValidationReport> {
        const CertFacts& cur = *chain.back();
        for (const CertFacts* a : issuers_named(cur.issuer(), cur.issuer_hash, true)) {
            if (!signed_by(cur, *a, budget)) {
                if (!budget.exhausted) note_failed_signature(cur, *a);
                continue;
            }
            chain.push_back(a);
            auto r = evaluate();
            chain.pop_back();
            if (r) return r;
        }
        if (budget.exhausted) return std::nullopt;
        auto candidates = untrusted_named(cur.issuer(), cur.issuer_hash, budget);
        order_candidates(candidates, cur, *o.at);
        for (const CertFacts* c : candidates) {
            if (in_path(chain, *c)) continue;
            const int depth = static_cast<int>(std::count_if(chain.begin() + 1, chain.end(), [](const CertFacts* f) {
                return !f->self_issued;
            })) + (c->self_issued ? 0 : 1);
            if (depth > o.limits.max_depth || static_cast<int>(chain.size()) > 2 * o.limits.max_depth + 2) {
                too_deep = true;
                continue;
            }
            if (!signed_by(cur, *c, budget)) {
                if (budget.exhausted) return std::nullopt;
                note_failed_signature(cur, *c);
                continue;
            }
            chain.push_back(c);
            auto r = extend();
            chain.pop_back();
            if (r || budget.exhausted) return r;
        }
        return std::nullopt;
    };

    // A leaf that is itself a trust anchor is valid as such.
    if (is_anchor(leaf)) {
        ValidationReport r;
        r.validation_time = *o.at;
        r.chain.push_back(ChainElement{leaf.cert, true, {}});
        check_trusted_leaf(leaf, o, r);
        r.conclude();
        return r;
    }
    if (auto r = extend()) return std::move(*r);
    if (first_failure) return std::move(*first_failure);

    ValidationReport r;
    r.validation_time = *o.at;
    r.chain.push_back(ChainElement{leaf.cert, false, {}});
    if (budget.exhausted) r.add(FindingCode::PATH_LIMIT, Severity::Error);
    else if (too_deep) r.add(FindingCode::DEPTH_EXCEEDED, Severity::Error, "maximum depth " + std::to_string(o.limits.max_depth));
    else if (unsupported) r.add(FindingCode::ALGORITHM_UNSUPPORTED, Severity::Error, *unsupported);
    else if (bad_signature) r.add(FindingCode::SIGNATURE_INVALID, Severity::Error, "no certificate with the issuer's name and key signed it", *bad_signature == 0 ? std::optional<int>(0) : std::nullopt);
    else r.add(FindingCode::CHAIN_NOT_FOUND, Severity::Error, std::string("issuer: ") + leaf.cert.issuer_text());
    r.conclude();
    return r;
}

}  // namespace detail

std::string_view to_string(RevocationMode m) {
    switch (m) {
        case RevocationMode::Off: return "off";
        case RevocationMode::Soft: return "soft";
        case RevocationMode::Require: return "require";
    }
    return "?";
}

std::string_view to_string(AnchorConstraints a) { return a == AnchorConstraints::Constrained ? "rfc5937" : "rfc5280"; }

struct Validator::Impl : detail::Engine {
    using Engine::Engine;
};

Validator::Validator(std::vector<x509::Certificate> anchors, std::vector<x509::Certificate> untrusted,
                     std::vector<revocation::Crl> crls, std::vector<revocation::OcspResponse> ocsp,
                     revocation::RevocationSource* online)
    : impl_(std::make_unique<Impl>(std::move(anchors), std::move(untrusted), std::move(crls), std::move(ocsp), online)) {}
Validator::~Validator() = default;
Validator::Validator(Validator&&) noexcept = default;
Validator& Validator::operator=(Validator&&) noexcept = default;

x509::Certificate Validator::certificate(ByteView der) const { return impl_->intern(der); }
std::vector<x509::Certificate> Validator::known_certificates() const { return impl_->known_certificates(); }

ValidationReport Validator::validate(const x509::Certificate& leaf, const ValidationOptions& options,
                                     std::span<const x509::Certificate> extra_untrusted) const {
    return impl_->validate(leaf, options, extra_untrusted);
}

}  // namespace tanba::validation
