#include "tanba/ca/authority.hpp"

#include "state.hpp"

#include <sys/stat.h>

#include <future>
#include <map>
#include <mutex>

#include "config.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/store/sqlite_store.hpp"
#include "tanba/x509/lint.hpp"
#include "tanba/x509/template.hpp"

namespace tanba::ca {
namespace fs = std::filesystem;

namespace {

constexpr int kSerialAttempts = 5;
constexpr std::size_t kChunk = 256;  // requests per commit

std::vector<x509::Certificate> load_certs(const fs::path& file) {
    return x509::Certificate::load_all(read_file(file));
}

std::string pem_of(const std::vector<x509::Certificate>& certs) {
    std::string out;
    for (const auto& c : certs) out += c.pem();
    return out;
}

// Who issues, for one batch.
struct IssuerContext {
    const x509::Profile& profile;
    const x509::PreparedProfile& prepared;
    const x509::CertificateTemplate& tmpl;
    const x509::Certificate& issuer;
    const keys::Signer& signer;
    store::CaRepository& repo;
    const std::string& issuer_id;
    const Clock& clock;
};

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

// Proof of possession → key policy → fields checked → TBS → the record to reserve.
// Failures stay with the item.
Item draft(const IssuerContext& ctx, const x509::CertificateRequest& csr) {
    Item item;
    try {
        csr.verify_proof_of_possession();
        ctx.profile.require_allowed(csr.key_spec());
        const auto now = ctx.clock.now();
        auto [nb, na] = x509::validity_for(ctx.profile, now, &ctx.issuer);
        const auto id = x509::identity_from_name(csr.subject());
        item.fields = x509::fields_from(csr.subject(), csr.public_key_info(), x509::allowed_request_extensions(ctx.prepared, csr));
        item.fields.serial = x509::random_serial(now);
        item.fields.not_before = nb;
        item.fields.not_after = na;
        x509::require_clean_fields(item.fields, id, ctx.profile, ctx.issuer);
        item.tbs = ctx.tmpl.tbs(item.fields);
        item.record = record_for(ctx.issuer_id, ctx.profile, csr.subject(), id, item.fields.serial, nb, na);
    } catch (const Error& e) {
        item.error = e;
        item.tbs.clear();
    }
    return item;
}

// A self-signed root: built with OpenSSL objects and linted whole, reserved, signed, stored.
x509::Certificate issue_root(const x509::Profile& profile, const X509_NAME* subject, const keys::Signer& key,
                             store::CaRepository& repo, const Clock& clock) {
    profile.require_allowed(key.spec());
    const auto prepared = x509::prepare_profile(profile, {});
    const auto now = clock.now();
    auto [nb, na] = x509::validity_for(profile, now, nullptr);
    const Bytes serial = x509::random_serial(now);
    auto tbs = x509::build_tbs(prepared, {subject, key.public_key(), serial, nb, na, {}}, {});
    x509::require_clean(tbs, profile, nullptr);
    auto rec = record_for(to_hex(x509::key_identifier(key.public_key())), profile, subject,
                          x509::identity_from_name(subject), serial, nb, na);
    repo.reserve(rec);  // a new database: nothing to collide with
    auto cert = x509::sign_tbs(std::move(tbs), key);
    repo.complete(rec.issuer, rec.serial, cert.der());
    return cert;
}

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

void install_builtin_profiles(const fs::path& dir) {
    fs::create_directories(dir);
    for (const auto& [name, text] : x509::builtin_profile_texts())
        write_file(dir / (name + ".toml"), as_bytes(text), FileMode::Public, Overwrite::Refuse);
}

}  // namespace



CertificateAuthority::CertificateAuthority(std::unique_ptr<State> s) : s_(std::move(s)) {}
CertificateAuthority::CertificateAuthority(CertificateAuthority&&) noexcept = default;
CertificateAuthority::~CertificateAuthority() = default;

CertificateAuthority CertificateAuthority::open(const fs::path& dir, const Clock& clock) {
    auto config = read_config(dir);
    auto chain = load_certs(dir / "chain.pem");
    auto own = load_certs(dir / "ca.pem");
    if (chain.empty() || chain.front().der() != own.front().der())
        throw Error(ErrorCode::CONFIG_INVALID, (dir / "chain.pem").string() + " does not start with ca.pem");
    auto profiles = fs::is_directory(dir / "profiles") ? x509::ProfileSet::load_dir(dir / "profiles")
                                                       : x509::ProfileSet::builtin();
    auto repo = store::open_sqlite(dir / "ca.db", store::OpenMode::MustExist, clock);
    auto s = std::unique_ptr<State>(new State{dir, std::move(config), clock, std::move(chain), std::move(profiles),
                                              {}, std::move(repo), nullptr, {}, {}, {}, {}});
    auto urls = s->config.urls();
    for (const auto& name : s->profiles.names())
        s->prepared.emplace(name, x509::prepare_profile(s->profiles.get(name), urls));
    s->issuer_id = to_hex(x509::key_identifier(s->chain.front()));
    s->issuer_hashes = revocation::issuer_hashes(s->chain.front());
    return CertificateAuthority(std::move(s));
}

CertificateAuthority CertificateAuthority::create(const CreateOptions& o, std::unique_ptr<keys::Signer> key,
                                                  const std::string& key_pem, CertificateAuthority* parent,
                                                  const Clock& clock) {
    std::error_code ec;
    if (fs::exists(o.dir) && !fs::is_empty(o.dir, ec)) throw Error(ErrorCode::CA_EXISTS, o.dir.string() + " is not empty");
    if (parent && !parent->unlocked()) throw Error(ErrorCode::CA_PARENT_INVALID, "parent CA key is not loaded");
    if (parent && parent->certificate().path_length() == 0)
        throw Error(ErrorCode::CA_PARENT_INVALID, parent->dir().string() + " may not issue CA certificates (path length 0)");

    // Everything is built in a staging directory and renamed into place at the end, so a
    // failure leaves no half-made CA behind.
    fs::path final_dir = fs::absolute(o.dir).lexically_normal();
    if (final_dir.filename().empty()) final_dir = final_dir.parent_path();
    fs::path stage = final_dir;
    stage += ".partial";
    fs::remove_all(stage);
    fs::create_directories(stage);
    ::chmod(stage.c_str(), 0700);
    try {
        CaConfig config{make_id(o.name, final_dir), o.name, o.key_ref.empty() ? "ca.key" : o.key_ref, o.base_url,
                        parent ? fs::absolute(parent->dir()).lexically_normal().string() : ""};
        x509::SubjectIdentity id;
        id.common_name = o.name;
        id.organization = o.organization;
        id.country = o.country;
        auto name = x509::build_name(id);
        const std::string profile_name = !o.profile.empty() ? o.profile : parent ? "issuing-ca" : "root-ca";

        install_builtin_profiles(stage / "profiles");
        auto repo = store::open_sqlite(stage / "ca.db", store::OpenMode::CreateIfMissing, clock);
        std::vector<x509::Certificate> chain;
        if (parent) {
            chain.push_back(parent->issue(profile_name, x509::make_request(*key, id)));
            for (const auto& c : parent->chain()) chain.push_back(c);
        } else {
            auto profiles = x509::ProfileSet::load_dir(stage / "profiles");
            const auto& profile = profiles.get(profile_name);
            if (profile.kind != x509::ProfileKind::RootCa)
                throw Error(ErrorCode::PROFILE_INVALID, profile_name + " is not a root-ca profile");
            chain.push_back(issue_root(profile, name.get(), *key, *repo, clock));
        }
        repo.reset();
        if (o.key_ref.empty()) write_file(stage / "ca.key", as_bytes(key_pem), FileMode::Private, Overwrite::Refuse);
        write_file(stage / "ca.pem", as_bytes(chain.front().pem()));
        write_file(stage / "chain.pem", as_bytes(pem_of(chain)));
        write_config(stage, config);
        if (fs::exists(final_dir)) fs::remove(final_dir);  // empty, checked above
        fs::rename(stage, final_dir);
    } catch (...) {
        fs::remove_all(stage, ec);
        throw;
    }
    auto ca = open(final_dir, clock);
    ca.s_->signer = std::move(key);
    return ca;
}

void CertificateAuthority::unlock(const KeyLoader& loader) {
    auto signer = loader(s_->dir, s_->config.key);
    if (!keys::same_public_key(signer->public_key(), certificate().public_key()))
        throw Error(ErrorCode::KEY_MISMATCH, signer->describe() + " is not the key of " + s_->dir.string() + "/ca.pem");
    std::lock_guard lock(s_->templates_mutex);
    s_->templates.clear();  // they hold the signer's signature algorithm
    s_->signer = std::move(signer);
}

bool CertificateAuthority::unlocked() const { return s_->signer != nullptr; }
const CaConfig& CertificateAuthority::config() const { return s_->config; }
const fs::path& CertificateAuthority::dir() const { return s_->dir; }
const x509::Certificate& CertificateAuthority::certificate() const { return s_->chain.front(); }
const std::vector<x509::Certificate>& CertificateAuthority::chain() const { return s_->chain; }
const x509::ProfileSet& CertificateAuthority::profiles() const { return s_->profiles; }
const std::string& CertificateAuthority::issuer_id() const { return s_->issuer_id; }
store::CaRepository& CertificateAuthority::repository() { return *s_->repo; }

x509::Certificate CertificateAuthority::issue(const std::string& profile, const x509::CertificateRequest& csr) {
    auto results = issue_batch(profile, std::span(&csr, 1));
    if (results.front().error) throw *results.front().error;
    return std::move(*results.front().certificate);
}

const keys::Signer& CertificateAuthority::signer() const {
    if (!s_->signer) throw Error(ErrorCode::CA_LOCKED, s_->dir.string());
    return *s_->signer;
}

std::vector<IssueResult> CertificateAuthority::issue_batch(const std::string& profile_name,
                                                          std::span<const x509::CertificateRequest> csrs) {
    if (!s_->signer) throw Error(ErrorCode::INVALID_ARGUMENT, "the CA key is not loaded");
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
    IssuerContext ctx{profile, prepared, *tmpl, certificate(), *s_->signer, *s_->repo, s_->issuer_id, s_->clock};
    std::vector<Item> items(csrs.size());
    issue_items(ctx, csrs, items);
    std::vector<IssueResult> out;
    out.reserve(items.size());
    for (auto& it : items) out.push_back({std::move(it.certificate), std::move(it.error)});
    return out;
}

std::vector<store::CertificateRecord> CertificateAuthority::list(const store::CertificateQuery& query) {
    return s_->repo->list(query);
}

}  // namespace tanba::ca
