// tanba operators add | tanba audit verify: the identification server's store, by hand.
#include <iostream>

#include "common.hpp"
#include "tanba/cms/sign.hpp"
#include "tanba/cms/verify.hpp"
#include "tanba/registry/registry.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::cli {
namespace {

struct OperatorOptions {
    std::string store, cert, role;
};

struct AuditOptions {
    std::string store, ca, out, sig, head, head_sig, trust;
    PassphraseOptions pass;
};

// A witnessed head: its statement, checked against the CA's detached signature first.
registry::AuditHead witnessed_head(const AuditOptions& o, const Clock& clock) {
    const Bytes statement = read_file(o.head, 4096);
    validation::Validator validator(x509::Certificate::load_all(read_file(o.trust)), {}, {});
    cms::VerifyOptions options;
    options.validation.at = clock.now();
    options.validation.purpose = validation::Purpose::Any;
    options.validation.revocation = validation::RevocationMode::Off;
    const auto report = cms::verify(read_file(o.head_sig), ByteView(statement), validator, options);
    if (!report.valid())
        throw Error(ErrorCode::AUDIT_CHAIN_BROKEN, o.head_sig + " is not a valid signature of " + o.head + " by a CA of " + o.trust + ": " +
                                                       std::string(validation::to_string(report.indication)));
    return registry::parse_statement(std::string_view(reinterpret_cast<const char*>(statement.data()), statement.size()));
}

}  // namespace

void register_registry(CLI::App& app, Context& ctx) {
    auto* ops = app.add_subcommand("operators", "who may enrol, approve and administer at the identification server");
    ops->require_subcommand(1);
    auto o = std::make_shared<OperatorOptions>();
    auto* add = ops->add_subcommand("add", "grant a role to the holder of a certificate (by its IIN): the first admins and operators");
    add->add_option("--store", o->store, "the identification server's store: sqlite:PATH")->required();
    add->add_option("--cert", o->cert, "the holder's authentication certificate (PEM or DER)")->required();
    add->add_option("--role", o->role, "operator (enrols), registrar (approves, issues, revokes) or admin (manages operators)")
        ->required()
        ->check(CLI::IsMember({"operator", "registrar", "admin"}));
    add->callback([o, &ctx] {
        const auto cert = x509::Certificate::load(read_file(o->cert));
        const auto info = x509::describe(cert);
        if (info.iin.status != x509::IdentifierStatus::Valid)
            throw Error(ErrorCode::REGISTRY_INPUT_INVALID, cert.subject_text() + " carries no valid IIN");
        auto repo = store::open_identity_store(o->store, store::OpenMode::CreateIfMissing, ctx.clock);
        registry::Registry registry(*repo, ctx.clock);
        const registry::Actor holder{info.iin.value, info.identity.common_name.empty() ? info.subject : info.identity.common_name};
        registry.add_role({"cli", "tanba operators add"}, holder, *registry::role_from_string(o->role), registry::Registry::Grant::Bootstrap);
        ctx.info() << "granted " << o->role << " to " << holder.name << " (IIN " << holder.iin << ")\n";
    });

    auto* audit = app.add_subcommand("audit", "the identification server's hash-chained audit log");
    audit->require_subcommand(1);
    auto a = std::make_shared<AuditOptions>();
    auto* verify = audit->add_subcommand("verify", "walk the audit chain: name the first edited, missing or reordered entry");
    verify->add_option("--store", a->store, "the identification server's store: sqlite:PATH")->required();
    verify->add_option("--head", a->head, "a head statement a witness kept (tanba audit head): the log must still hold it");
    verify->add_option("--head-sig", a->head_sig, "its CA signature (detached CMS)");
    verify->add_option("--trust", a->trust, "the CA certificate(s) the head was signed with");
    verify->callback([a, &ctx] {
        if (!a->head.empty() && (a->head_sig.empty() || a->trust.empty()))
            throw Error(ErrorCode::USAGE, "--head goes with --head-sig and --trust");
        std::optional<registry::AuditHead> witnessed;
        if (!a->head.empty()) witnessed = witnessed_head(*a, ctx.clock);
        auto repo = store::open_identity_store(a->store, store::OpenMode::MustExist, ctx.clock);
        registry::Registry registry(*repo, ctx.clock);
        if (auto broken = registry.verify_audit(witnessed ? &*witnessed : nullptr)) throw Error(ErrorCode::AUDIT_CHAIN_BROKEN, broken->what);
        const auto head = registry.audit_head();
        std::cout << "audit log intact: " << head.seq << " entries, head " << to_hex(head.hash);
        if (witnessed) std::cout << "; holds entry " << witnessed->seq << " as witnessed at " << format_rfc3339(witnessed->at);
        std::cout << "\n";
    });

    auto* head = audit->add_subcommand("head", "export the chain head signed by a CA's key, for an external witness to keep");
    head->add_option("--store", a->store, "the identification server's store: sqlite:PATH")->required();
    head->add_option("--ca", a->ca, "the CA directory whose key signs")->required();
    head->add_option("--out", a->out, "the head statement to write (text)")->required();
    head->add_option("--sig", a->sig, "its signature to write (detached CMS, DER)")->required();
    add_passphrase_options(*head, a->pass);
    head->callback([a, &ctx] {
        auto repo = store::open_identity_store(a->store, store::OpenMode::MustExist, ctx.clock);
        registry::Registry registry(*repo, ctx.clock);
        if (auto broken = registry.verify_audit()) throw Error(ErrorCode::AUDIT_CHAIN_BROKEN, broken->what + ": no head is signed for a broken log");
        auto authority = ca::CertificateAuthority::open(a->ca, ctx.clock);
        authority.unlock(loader_for(a->pass));
        const std::string statement = registry::to_statement(registry.audit_head());
        cms::SignOptions options;
        options.attachment = cms::Attachment::Detached;
        options.signing_time = ctx.clock.now();
        options.chain.assign(authority.chain().begin() + 1, authority.chain().end());
        const Bytes sig = cms::sign(as_bytes(statement), authority.signer(), authority.certificate(), options);
        write_file(a->out, as_bytes(statement), FileMode::Public);
        write_file(a->sig, sig, FileMode::Public);
        std::cout << statement;
    });
}

}  // namespace tanba::cli
