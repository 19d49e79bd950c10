// tanba operators add | tanba audit verify: the identification server's store, by hand.
#include <iostream>

#include "common.hpp"
#include "tanba/registry/registry.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::cli {
namespace {

struct OperatorOptions {
    std::string store, cert, role;
};

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
    auto store = std::make_shared<std::string>();
    auto* verify = audit->add_subcommand("verify", "walk the audit chain: name the first edited, missing or reordered entry");
    verify->add_option("--store", *store, "the identification server's store: sqlite:PATH")->required();
    verify->callback([store, &ctx] {
        auto repo = store::open_identity_store(*store, store::OpenMode::MustExist, ctx.clock);
        registry::Registry registry(*repo, ctx.clock);
        if (auto broken = registry.verify_audit()) throw Error(ErrorCode::AUDIT_CHAIN_BROKEN, broken->what);
        const auto [seq, hash] = registry.audit_head();
        std::cout << "audit log intact: " << seq << " entries, head " << to_hex(hash) << "\n";
    });
}

}  // namespace tanba::cli
