// tanba ca init | issue | show | check | backup | revoke | unhold | crl | ocsp | list
#include <unistd.h>

#include <iostream>

#include "common.hpp"
#include "tanba/keys/gost_key.hpp"
#include "tanba/hsm/token.hpp"
#include "render.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/ca/authority.hpp"

namespace tanba::cli {

ca::KeyLoader loader_for(const PassphraseOptions& pass) {
    return [&pass](const std::filesystem::path& dir, const std::string& ref) -> std::unique_ptr<keys::Signer> {
        return load_key(hsm::is_pkcs11_uri(ref) ? ref : (dir / ref).string(), pass).key;
    };
}

namespace {

// One options struct per command: no command's defaults can leak into another's.
struct InitOptions {
    std::string dir, name, parent, key, org, profile;
    std::string algo = "ecdsa-p256";
    std::string country = "KZ";
    std::string base_url = "http://localhost:8080";
    PassphraseOptions pass, parent_pass;
};
struct IssueOptions {
    std::string dir, profile, csr, idempotency_key;
    OutputFile out;
    PassphraseOptions pass;
};
struct ShowOptions {
    std::string dir, serial;
    OutputFile out;
};
struct BackupOptions {
    std::string dir, out;
};
struct RevokeOptions {
    std::string dir, serial, reason, invalidity;
};
struct CrlCliOptions {
    std::string dir;
    OutputFile out;
    bool delta = false;
    int next_update_hours = 24;
    PassphraseOptions pass;
};
struct OcspCliOptions {
    std::string dir, request, responder_cert, responder_key;
    OutputFile out;
    int next_update_hours = 1;
    PassphraseOptions pass;
};
struct ListOptions {
    std::string dir, iin, bin, status;
    bool json = false;
};

revocation::Reason reason_of(const std::string& name) {
    if (auto r = revocation::reason_from_string(name)) return *r;
    throw Error(ErrorCode::USAGE, "unknown revocation reason: " + name);
}

void add_init(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<InitOptions>();
    auto* init = ca.add_subcommand("init", "create a root CA, or a CA issued by --parent");
    init->add_option("--dir", o->dir, "directory for the new CA")->required();
    init->add_option("--name", o->name, "the CA's common name")->required();
    init->add_option("--parent", o->parent, "directory of the issuing (parent) CA");
    init->add_option("--algo", o->algo, "key type");
    init->add_option("--key", o->key, "use this existing key: a pkcs11: URI (the key stays on the token)");
    init->add_option("--org", o->org, "organisation (O)");
    init->add_option("--country", o->country, "country code");
    init->add_option("--base-url", o->base_url, "where CRL/OCSP/CA certificate are served");
    init->add_option("--profile", o->profile, "profile of the CA certificate (empty: root-ca, or issuing-ca with --parent)");
    add_passphrase_options(*init, o->pass);
    add_passphrase_options(*init, o->parent_pass, "parent-");
    init->callback([o, &ctx] {
        auto spec = keys::parse_key_spec(o->algo);
        std::optional<ca::CertificateAuthority> parent;
        if (!o->parent.empty()) {
            parent.emplace(ca::CertificateAuthority::open(o->parent, ctx.clock));
            auto pp = o->parent_pass.pass_file.empty() ? o->pass : o->parent_pass;
            parent->unlock(loader_for(pp));
        }
        ca::CreateOptions co{o->dir, o->name, o->org, o->country, o->base_url, o->profile, ""};
        std::unique_ptr<keys::Signer> key;
        std::string pem, where;
        if (!o->key.empty()) {  // a key that exists already: on a token
            if (!hsm::is_pkcs11_uri(o->key)) throw Error(ErrorCode::USAGE, "--key takes a pkcs11: URI");
            auto uri = hsm::Pkcs11Uri::parse(o->key);
            key = load_key(o->key, o->pass).key;
            uri.pin_source.clear();  // ca.toml never holds a PIN or where to find one
            if (uri.module_path.empty()) uri.module_path = hsm::module_of(uri);
            co.key_ref = uri.str();
            where = "key on the token " + co.key_ref;
        } else {
            auto pass = resolve_passphrase(o->pass, PassphrasePurpose::Create, o->dir + "/ca.key");
            auto made = keys::generate_key(spec, pass ? &*pass : nullptr);
            key = std::move(made.key);
            pem = std::move(made.pem);
            where = keys::to_string(spec) + ", key " + (pass ? "encrypted" : "UNENCRYPTED");
        }
        auto created = ca::CertificateAuthority::create(co, std::move(key), pem, parent ? &*parent : nullptr, ctx.clock);
        ctx.info() << "created " << (parent ? "CA" : "root CA") << " '" << o->name << "' in " << o->dir << " (" << where << ")\n";
        std::cout << created.certificate().pem();
    });
}

void add_issue(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<IssueOptions>();
    auto* issue = ca.add_subcommand("issue", "issue a certificate from a request with a profile");
    issue->add_option("--dir", o->dir, "CA directory")->required();
    issue->add_option("--profile", o->profile, "profile name (see the CA's profiles/ folder)")->required();
    issue->add_option("--csr", o->csr, "request file (PEM or DER)")->required();
    add_output_option(*issue, o->out, "certificate file to write (PEM)");
    issue->add_option("--idempotency-key", o->idempotency_key,
                      "repeating the command with this key returns the certificate it issued, never a second one");
    add_passphrase_options(*issue, o->pass);
    issue->callback([o, &ctx] {
        // Before a certificate is issued that could not be written: the temporary file beside
        // --out exists (directory there and writable, space reserved) before anything is reserved.
        auto out = o->out.prepare(FileMode::Public, 16 * 1024);
        auto authority = ca::CertificateAuthority::open(o->dir, ctx.clock);
        authority.profiles().get(o->profile);  // an unknown profile fails before any passphrase prompt
        auto csr = x509::CertificateRequest::load(read_file(o->csr));
        authority.unlock(loader_for(o->pass));
        auto cert = authority.issue(o->profile, csr, {o->idempotency_key});
        try {
            out.commit(as_bytes(cert.pem()));
        } catch (const Error& e) {
            throw Error(ErrorCode::CA_ISSUED_NOT_WRITTEN, "certificate " + cert.serial_hex() + " is issued and stored, but " +
                                                              e.what() + "; write it with: tanba ca show " + cert.serial_hex() +
                                                              " --dir " + o->dir + " --out " + o->out.path);
        }
        ctx.info() << "issued " << cert.serial_hex() << " (" << o->profile << ") for " << cert.subject_text() << "\n";
    });
}

void add_show(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<ShowOptions>();
    auto* show = ca.add_subcommand("show", "write out a certificate this CA issued (PEM)");
    show->add_option("--dir", o->dir, "CA directory")->required();
    show->add_option("serial", o->serial, "serial number (hex)")->required();
    show->add_option("--out", o->out.path, "certificate file to write (default: standard output)")->default_val("-");
    show->add_flag("--force", o->out.force, "replace the --out file if it exists");
    show->callback([o, &ctx] {
        auto authority = ca::CertificateAuthority::open(o->dir, ctx.clock);
        const auto found = authority.find(o->serial);
        if (found.record.der.empty())
            throw Error(ErrorCode::STORE_NOT_FOUND, "serial " + found.record.serial + " is " +
                                                        std::string(store::to_string(found.record.status)) + ": nothing was signed");
        o->out.write(as_bytes(x509::Certificate::from_der(found.record.der).pem()));
    });
}

void add_check(CLI::App& ca, Context& ctx) {
    auto dir = std::make_shared<std::string>();
    auto* check = ca.add_subcommand("check", "check the CA's store in full: pages and indexes, serial uniqueness, every certificate's signature");
    check->add_option("--dir", *dir, "CA directory")->required();
    check->callback([dir, &ctx] {
        auto authority = ca::CertificateAuthority::open(*dir, ctx.clock);
        const auto report = authority.check();
        for (const auto& p : report.problems) std::cout << "damage: " << p << "\n";
        if (!report.problems.empty())
            throw Error(ErrorCode::STORE_DAMAGED, std::to_string(report.problems.size()) + " problem(s) in " + *dir + "/ca.db");
        std::cout << "ok: store intact, " << report.certificates << " certificate(s) signed by this CA, serials unique\n";
    });
}

void add_backup(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<BackupOptions>();
    auto* backup = ca.add_subcommand("backup", "copy the CA's store consistently, also while tanba-server runs (copying ca.db alone is stale)");
    backup->add_option("--dir", o->dir, "CA directory")->required();
    backup->add_option("--out", o->out, "the copy: a new file (an SQLite database, mode 0600)")->required();
    backup->callback([o, &ctx] {
        auto authority = ca::CertificateAuthority::open(o->dir, ctx.clock);
        authority.repository().backup(o->out);
        ctx.info() << "backed up " << o->dir << "/ca.db to " << o->out << "\n";
    });
}

void add_revoke(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<RevokeOptions>();
    auto* revoke = ca.add_subcommand("revoke", "revoke a certificate (certificateHold puts it on hold)");
    revoke->add_option("--dir", o->dir, "CA directory")->required();
    revoke->add_option("serial", o->serial, "serial number (hex)")->required();
    revoke->add_option("--reason", o->reason, "required (say unspecified if it is): unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, "
                                              "cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise")->required();
    revoke->add_option("--invalidity-date", o->invalidity, "when the key is known or suspected to have been compromised (RFC 3339)");
    revoke->callback([o, &ctx] {
        const auto reason = reason_of(o->reason);
        auto authority = ca::CertificateAuthority::open(o->dir, ctx.clock);
        std::optional<TimePoint> invalidity;
        if (!o->invalidity.empty()) invalidity = parse_rfc3339(o->invalidity);
        const auto revoked = authority.revoke(o->serial, reason, invalidity);
        const auto& r = revoked.record;
        std::cout << (reason == revocation::Reason::CertificateHold ? "put on hold " : "revoked ") << r.serial << " ("
                   << revocation::to_string(reason) << "): " << r.subject << (r.subject_iin.empty() ? "" : ", IIN " + r.subject_iin)
                   << (r.subject_bin.empty() ? "" : ", BIN " + r.subject_bin) << "\n";
    });
}

void add_unhold(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<RevokeOptions>();
    auto* unhold = ca.add_subcommand("unhold", "release a certificate from hold");
    unhold->add_option("--dir", o->dir, "CA directory")->required();
    unhold->add_option("serial", o->serial, "serial number (hex)")->required();
    unhold->callback([o, &ctx] {
        auto authority = ca::CertificateAuthority::open(o->dir, ctx.clock);
        authority.unhold(o->serial);
        ctx.info() << "released " << o->serial << " from hold\n";
    });
}

void add_crl(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<CrlCliOptions>();
    auto* crl = ca.add_subcommand("crl", "sign the next CRL (full, or --delta since the newest full one)");
    crl->add_option("--dir", o->dir, "CA directory")->required();
    add_output_option(*crl, o->out, "CRL file to write (DER)");
    crl->add_flag("--delta", o->delta, "a delta CRL");
    crl->add_option("--next-update-hours", o->next_update_hours, "hours until nextUpdate")->check(CLI::Range(1, 24 * 366));
    add_passphrase_options(*crl, o->pass);
    crl->callback([o, &ctx] {
        o->out.check();  // before a CRL number is spent
        auto authority = ca::CertificateAuthority::open(o->dir, ctx.clock);
        authority.unlock(loader_for(o->pass));
        ca::CrlOptions co;
        co.kind = o->delta ? ca::CrlKind::Delta : ca::CrlKind::Full;
        co.validity = std::chrono::hours(o->next_update_hours);
        const bool tty = ctx.show_progress();
        if (tty) co.progress = [&ctx](std::size_t n) { ctx.info() << "\rCRL entries: " << n << std::flush; };
        auto der = authority.crl(co);
        if (tty) ctx.info() << "\n";
        o->out.write(der);
        ctx.info() << "wrote " << (o->delta ? "delta " : "") << "CRL to " << o->out.path << "\n";
    });
}

void add_ocsp(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<OcspCliOptions>();
    auto* ocsp = ca.add_subcommand("ocsp", "answer an OCSP request (DER) from the CA's store");
    ocsp->add_option("--dir", o->dir, "CA directory")->required();
    ocsp->add_option("--request", o->request, "OCSP request (DER)")->required();
    add_output_option(*ocsp, o->out, "OCSP response to write (DER)");
    ocsp->add_option("--responder-cert", o->responder_cert, "delegated responder certificate (ocsp-signer profile)");
    ocsp->add_option("--responder-key", o->responder_key, "its key (file or pkcs11: URI)");
    ocsp->add_option("--next-update-hours", o->next_update_hours, "hours until nextUpdate")->check(CLI::Range(1, 24 * 31));
    add_passphrase_options(*ocsp, o->pass);
    ocsp->callback([o, &ctx] {
        auto authority = ca::CertificateAuthority::open(o->dir, ctx.clock);
        authority.unlock(loader_for(o->pass));
        ca::OcspOptions oo;
        oo.validity = std::chrono::hours(o->next_update_hours);
        std::optional<x509::Certificate> cert;
        LoadedKey key;
        if (!o->responder_cert.empty() || !o->responder_key.empty()) {
            if (o->responder_cert.empty() || o->responder_key.empty())
                throw Error(ErrorCode::USAGE, "--responder-cert and --responder-key go together");
            cert = x509::Certificate::load(read_file(o->responder_cert));
            key = load_key(o->responder_key, o->pass);
            oo.responder_cert = &*cert;
            oo.responder_key = key.key.get();
        }
        o->out.write(authority.ocsp_response(read_file(o->request), oo));
    });
}

void add_list(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<ListOptions>();
    auto* list = ca.add_subcommand("list", "list the certificates a CA issued");
    list->add_option("--dir", o->dir, "CA directory")->required();
    list->add_option("--iin", o->iin, "only this subject IIN");
    list->add_option("--bin", o->bin, "only this subject BIN");
    list->add_option("--status", o->status, "only certificates in this state now")
        ->check(CLI::IsMember({"valid", "revoked", "hold", "expired", "pending"}));
    list->add_flag("--json", o->json, "JSON output");
    list->callback([o, &ctx] {
        auto authority = ca::CertificateAuthority::open(o->dir, ctx.clock);
        store::CertificateQuery q;
        if (!o->iin.empty()) q.subject_iin = o->iin;
        if (!o->bin.empty()) q.subject_bin = o->bin;
        std::optional<ca::CertificateState> only;
        if (!o->status.empty()) only = ca::certificate_state_from_string(o->status);
        auto rows = authority.list(q, only);
        if (o->json) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& r : rows) arr.push_back(record_json(r));
            return print_json({{"ca", authority.config().id}, {"certificates", arr}});
        }
        for (const auto& [r, state] : rows) {
            std::cout << r.serial << "  " << ca::to_string(state) << "  " << r.profile << "  " << format_rfc3339(r.not_after) << "  "
                      << r.subject;
            if (r.revoked_at)
                std::cout << "  (" << revocation::to_string(static_cast<revocation::Reason>(r.revocation_reason)) << " "
                          << format_rfc3339(*r.revoked_at) << ")";
            std::cout << "\n";
        }
    });
}

}  // namespace

void register_ca(CLI::App& app, Context& ctx) {
    auto* ca = app.add_subcommand("ca", "run a certification authority kept in a directory");
    ca->require_subcommand(1);
    add_init(*ca, ctx);
    add_issue(*ca, ctx);
    add_show(*ca, ctx);
    add_check(*ca, ctx);
    add_backup(*ca, ctx);
    add_revoke(*ca, ctx);
    add_unhold(*ca, ctx);
    add_crl(*ca, ctx);
    add_ocsp(*ca, ctx);
    add_list(*ca, ctx);
}

}  // namespace tanba::cli
