// The CA directory: creating one (staged, renamed into place), opening it, its key.
#include <sys/stat.h>

#include "config.hpp"
#include "issuance.hpp"
#include "state.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/store/sqlite_store.hpp"

namespace tanba::ca {
namespace fs = std::filesystem;

namespace {

std::vector<x509::Certificate> load_certs(const fs::path& file) {
    return x509::Certificate::load_all(read_file(file));
}

std::string pem_of(const std::vector<x509::Certificate>& certs) {
    std::string out;
    for (const auto& c : certs) out += c.pem();
    return out;
}

void install_builtin_profiles(const fs::path& dir) {
    fs::create_directories(dir);
    ::chmod(dir.c_str(), 0700);  // what the CA issues is the operator's business only
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
                        parent ? fs::absolute(parent->dir()).lexically_normal().string() : "", ""};
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
            chain.push_back(detail::issue_root(profile, name.get(), *key, *repo, clock));
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
    const bool same = signer->public_key() ? keys::same_public_key(signer->public_key(), certificate().public_key())
                                           : signer->public_key_der() == certificate().public_key_der();  // a GOST key
    if (!same)
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

const keys::Signer& CertificateAuthority::signer() const {
    if (!s_->signer) throw Error(ErrorCode::CA_LOCKED, s_->dir.string());
    return *s_->signer;
}

std::vector<store::CertificateRecord> CertificateAuthority::list(const store::CertificateQuery& query) {
    return s_->repo->list(query);
}

namespace {
constexpr std::pair<CertificateState, std::string_view> kStates[] = {
    {CertificateState::Pending, "pending"}, {CertificateState::Valid, "valid"}, {CertificateState::Expired, "expired"},
    {CertificateState::Revoked, "revoked"}, {CertificateState::Hold, "hold"},
};
}  // namespace

std::string_view to_string(CertificateState s) {
    for (const auto& [state, name] : kStates)
        if (state == s) return name;
    return "?";
}

std::optional<CertificateState> certificate_state_from_string(std::string_view s) {
    for (const auto& [state, name] : kStates)
        if (name == s) return state;
    return std::nullopt;
}

CertificateState state_of(const store::CertificateRecord& r, TimePoint now) {
    if (r.status != store::CertStatus::Issued) return CertificateState::Pending;
    if (r.revoked_at)
        return r.revocation_reason == static_cast<int>(revocation::Reason::CertificateHold) ? CertificateState::Hold
                                                                                            : CertificateState::Revoked;
    return now > r.not_after ? CertificateState::Expired : CertificateState::Valid;
}

std::vector<ListedCertificate> CertificateAuthority::list(const store::CertificateQuery& query, std::optional<CertificateState> only) {
    const TimePoint now = s_->clock.now();
    std::vector<ListedCertificate> out;
    for (auto& r : list(query)) {
        const CertificateState state = state_of(r, now);
        if (!only || state == *only) out.push_back({std::move(r), state});
    }
    return out;
}

}  // namespace tanba::ca
