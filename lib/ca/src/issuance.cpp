// The issuance pipeline: its steps (issuance.hpp) and the two ways through them.
#include "issuance.hpp"

#include <algorithm>
#include <cctype>
#include <future>

#include "state.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/x509/lint.hpp"

namespace tanba::ca {
namespace detail {
namespace {

constexpr int kSerialAttempts = 5;
constexpr std::size_t kChunk = 256;  // requests per commit

// The store's row for a certificate about to be signed.
store::CertificateRecord record_for(const std::string& issuer_id, const x509::Profile& profile, const X509_NAME* subject,
                                    const x509::SubjectIdentity& id, ByteView serial, TimePoint nb, TimePoint na) {
    store::CertificateRecord rec;
    rec.issuer = issuer_id;
    rec.serial = to_hex(serial);
    rec.profile = profile.name;
    rec.subject = x509::to_text(subject);
    rec.subject_iin = id.iin;
    rec.subject_bin = id.bin;
    rec.not_before = nb;
    rec.not_after = na;
    return rec;
}

// One request on its way through the pipeline.
struct Item {
    x509::TemplateFields fields;
    Bytes tbs;  // DER, empty once signed or failed
    store::CertificateRecord record;
    std::optional<Error> error;
    std::optional<x509::Certificate> certificate;
};

void set_serial(const IssuerContext& ctx, Item& item, Bytes serial) {
    item.record.serial = to_hex(serial);
    item.fields.serial = std::move(serial);
    item.tbs = ctx.tmpl.tbs(item.fields);
}

// Step "request": the requester holds the key, and the profile allows its kind.
void check_request(const IssuerContext& ctx, const x509::CertificateRequest& csr) {
    csr.verify_proof_of_possession();
    ctx.profile.require_allowed(csr.key_spec());
}

// Steps "subject" and "lint": the fields of this certificate, checked as they are set.
x509::TemplateFields subject_fields(const IssuerContext& ctx, const x509::CertificateRequest& csr, const x509::SubjectIdentity& id) {
    x509::require_name_text(csr.subject());  // a name made elsewhere: no TAB, padding, decomposed or mixed-script text
    const auto now = ctx.clock.now();
    auto [nb, na] = x509::validity_for(ctx.profile, now, &ctx.issuer);
    auto fields = x509::fields_from(csr.subject(), csr.public_key_info(), x509::allowed_request_extensions(ctx.prepared, csr));
    fields.serial = x509::random_serial(now);
    fields.not_before = nb;
    fields.not_after = na;
    x509::require_clean_fields(fields, id, ctx.profile, ctx.issuer);
    return fields;
}

// Steps "request" to "body" for one request; failures stay with the item.
Item draft(const IssuerContext& ctx, const x509::CertificateRequest& csr) {
    Item item;
    try {
        check_request(ctx, csr);
        const auto id = x509::identity_from_name(csr.subject());
        item.fields = subject_fields(ctx, csr, id);
        item.tbs = ctx.tmpl.tbs(item.fields);
        item.record = record_for(ctx.issuer_id, ctx.profile, csr.subject(), id, item.fields.serial, item.fields.not_before,
                                 item.fields.not_after);
    } catch (const Error& e) {
        item.error = e;
        item.tbs.clear();
    }
    return item;
}

}  // namespace

x509::Certificate issue_root(const x509::Profile& profile, const X509_NAME* subject, const keys::Signer& key,
                             store::CaRepository& repo, const Clock& clock) {
    profile.require_allowed(key.spec());
    const auto prepared = x509::prepare_profile(profile, {});
    const auto now = clock.now();
    auto [nb, na] = x509::validity_for(profile, now, nullptr);
    const Bytes serial = x509::random_serial(now);
    const Bytes spki = key.public_key_der();
    auto tbs = x509::build_tbs(prepared, {subject, key.public_key(), serial, nb, na, {}, key.public_key() ? Bytes{} : spki}, {});
    x509::require_clean(tbs, profile, nullptr);
    auto rec = record_for(to_hex(x509::key_identifier(ByteView(spki))), profile, subject,
                          x509::identity_from_name(subject), serial, nb, na);
    repo.reserve(rec);  // a new database: nothing to collide with
    auto cert = x509::sign_tbs(std::move(tbs), key);
    repo.complete(rec.issuer, rec.serial, cert.der());
    return cert;
}

namespace {

// Serial reservations in flight for some drafted items.
struct Reservation {
    std::vector<Item*> items;
    std::future<store::CaRepository::ReserveOutcome> outcome;
};

Reservation start_reservation(const IssuerContext& ctx, std::vector<Item*> items) {
    std::vector<store::CertificateRecord> records;
    records.reserve(items.size());
    for (auto* it : items) records.push_back(it->record);
    auto outcome = ctx.repo.reserve_all_async(std::move(records));
    return {std::move(items), std::move(outcome)};
}

Reservation start_reservation(const IssuerContext& ctx, std::span<Item> items) {
    std::vector<Item*> pending;
    for (auto& it : items)
        if (!it.error) pending.push_back(&it);
    return start_reservation(ctx, std::move(pending));
}

// Waits for a reservation; serials that collided are drawn again and reserved again.
void complete_reservation(const IssuerContext& ctx, Reservation r) {
    for (int attempt = 1; !r.items.empty(); ++attempt) {
        auto results = r.outcome.get();
        std::vector<Item*> again;
        for (std::size_t i = 0; i < r.items.size(); ++i) {
            if (!results[i]) continue;
            if (attempt == kSerialAttempts) {
                r.items[i]->error = Error(ErrorCode::CA_SERIAL_EXHAUSTED, r.items[i]->record.serial);
                continue;
            }
            set_serial(ctx, *r.items[i], x509::random_serial(ctx.clock.now()));
            again.push_back(r.items[i]);
        }
        if (again.empty()) return;
        r = start_reservation(ctx, std::move(again));
    }
}

// Signs the reserved items; returns what to store (certificates, or failures).
std::vector<store::Completion> sign_items(const IssuerContext& ctx, std::span<Item> items) {
    std::vector<store::Completion> done;
    for (auto& it : items) {
        if (it.error || it.tbs.empty()) continue;
        try {
            it.certificate.emplace(ctx.tmpl.sign(it.tbs, ctx.signer));
            done.push_back({it.record.issuer, it.record.serial, it.certificate->der(), ""});
        } catch (const Error& e) {
            it.error = e;
            done.push_back({it.record.issuer, it.record.serial, {}, e.what()});
        }
        it.tbs.clear();
    }
    return done;
}

// Draft → reserve → sign → store, in chunks of kChunk requests: chunk k's reservations commit
// while chunk k+1 is drafted, and chunk k's certificates commit while chunk k+1 is signed.
// Nothing is signed before its serial is durably reserved; this returns only once every
// certificate is durably stored.
void issue_items(const IssuerContext& ctx, std::span<const x509::CertificateRequest> csrs, std::span<Item> items) {
    std::vector<std::span<Item>> chunks;
    std::vector<Reservation> reserving;
    std::vector<std::future<void>> finishing;
    try {
        for (std::size_t from = 0; from < csrs.size(); from += kChunk) {
            chunks.push_back(items.subspan(from, std::min(kChunk, csrs.size() - from)));
            for (std::size_t i = 0; i < chunks.back().size(); ++i) chunks.back()[i] = draft(ctx, csrs[from + i]);
            reserving.push_back(start_reservation(ctx, chunks.back()));
        }
        for (std::size_t k = 0; k < chunks.size(); ++k) {
            complete_reservation(ctx, std::move(reserving[k]));
            auto done = sign_items(ctx, chunks[k]);
            if (!done.empty()) finishing.push_back(ctx.repo.finish_all_async(std::move(done)));
        }
        for (auto& f : finishing) f.get();
    } catch (...) {
        for (auto& f : finishing)  // let in-flight commits end before the items go away
            if (f.valid()) f.wait();
        throw;
    }
}

}  // namespace

namespace {

void require_idempotency_key(const std::string& key) {
    const bool ok = !key.empty() && key.size() <= 128 && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
    });
    if (!ok) throw Error(ErrorCode::INVALID_ARGUMENT, "an idempotency key is 1-128 characters of A-Z a-z 0-9 . _ : -");
}

// What a request asked for: a repeat has the same digest.
Bytes request_digest(const IssuerContext& ctx, const x509::CertificateRequest& csr) {
    Bytes data(ctx.profile.name.begin(), ctx.profile.name.end());
    data.push_back(0);
    data.insert(data.end(), csr.der().begin(), csr.der().end());
    return ossl::sha256(data);
}

// The answer to a repeated request, if this one is a repeat.
std::optional<x509::Certificate> earlier_answer(const IssuerContext& ctx, const std::string& key, const Bytes& digest) {
    auto rec = ctx.repo.find_by_request_key(ctx.issuer_id, key);
    if (!rec) return std::nullopt;
    if (rec->request_digest != digest)
        throw Error(ErrorCode::CA_IDEMPOTENCY_CONFLICT, "key " + key + " was used for another request (certificate " + rec->serial + ")");
    if (rec->status != store::CertStatus::Issued)
        throw Error(ErrorCode::CA_REQUEST_INCOMPLETE, "the request with key " + key + " (serial " + rec->serial + ") is " +
                                                         std::string(store::to_string(rec->status)) + ": use a new key");
    return x509::Certificate::from_der(rec->der);
}

}  // namespace

x509::Certificate issue_one(const IssuerContext& ctx, const x509::CertificateRequest& csr, const IssueOptions& options) {
    const auto& key = options.idempotency_key;
    Bytes digest;
    if (!key.empty()) {
        require_idempotency_key(key);
        digest = request_digest(ctx, csr);
        if (auto earlier = earlier_answer(ctx, key, digest)) return std::move(*earlier);
    }
    Item item = draft(ctx, csr);
    if (item.error) throw *item.error;
    item.record.request_key = key;
    item.record.request_digest = digest;
    for (int attempt = 1;; ++attempt) {  // step "reserve"
        try {
            ctx.repo.reserve(item.record);
            break;
        } catch (const Error& e) {
            if (e.code() != ErrorCode::STORE_CONFLICT) throw;
            // The same key reserved meanwhile by a concurrent repeat: its answer, not a serial drawn again.
            if (!key.empty())
                if (auto earlier = earlier_answer(ctx, key, digest)) return std::move(*earlier);
            if (attempt == kSerialAttempts) throw Error(ErrorCode::CA_SERIAL_EXHAUSTED, item.record.serial);
            set_serial(ctx, item, x509::random_serial(ctx.clock.now()));
        }
    }
    std::optional<x509::Certificate> cert;
    try {  // step "sign"
        cert.emplace(ctx.tmpl.sign(item.tbs, ctx.signer));
    } catch (const Error& e) {
        ctx.repo.mark_failed(item.record.issuer, item.record.serial, e.what());  // the serial is spent
        throw;
    }
    ctx.repo.complete(item.record.issuer, item.record.serial, cert->der());  // step "store"
    return std::move(*cert);
}

std::vector<IssueResult> issue_many(const IssuerContext& ctx, std::span<const x509::CertificateRequest> csrs) {
    std::vector<Item> items(csrs.size());
    issue_items(ctx, csrs, items);
    std::vector<IssueResult> out;
    out.reserve(items.size());
    for (auto& it : items) out.push_back({std::move(it.certificate), std::move(it.error)});
    return out;
}

}  // namespace detail

// Step "authorise", then the rest of the pipeline.
detail::IssuerContext CertificateAuthority::issuer_context(const std::string& profile_name) {
    if (!s_->signer) throw Error(ErrorCode::INVALID_ARGUMENT, "the CA key is not loaded");
    require_valid_now();
    const auto& profile = s_->profiles.get(profile_name);
    if (profile.kind == x509::ProfileKind::RootCa)
        throw Error(ErrorCode::CSR_POLICY, "a root-ca profile is only for a CA's own certificate");
    const auto& prepared = s_->prepared.find(profile_name)->second;
    const x509::CertificateTemplate* tmpl = nullptr;
    {
        std::lock_guard lock(s_->templates_mutex);
        auto& t = s_->templates[profile_name];
        if (!t) t = std::make_unique<x509::CertificateTemplate>(prepared, certificate(), *s_->signer);
        tmpl = t.get();
    }
    return {profile, prepared, *tmpl, certificate(), *s_->signer, *s_->repo, s_->issuer_id, s_->clock};
}

x509::Certificate CertificateAuthority::issue(const std::string& profile, const x509::CertificateRequest& csr,
                                              const IssueOptions& options) {
    return detail::issue_one(issuer_context(profile), csr, options);
}

std::vector<IssueResult> CertificateAuthority::issue_batch(const std::string& profile,
                                                          std::span<const x509::CertificateRequest> csrs) {
    return detail::issue_many(issuer_context(profile), csrs);
}

}  // namespace tanba::ca
