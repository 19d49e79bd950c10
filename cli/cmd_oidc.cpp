// tanba oidc clients add: registering a relying party with the OpenID Connect provider.
#include <iostream>

#include "common.hpp"
#include "tanba/oidc/provider.hpp"
#include "tanba/registry/registry.hpp"

namespace tanba::cli {
namespace {

struct ClientOptions {
    std::string store, id, secret_file, jwks_file, subject_type = "public";
    std::vector<std::string> redirect_uris;
};

// A secret file's first line (what `head -c 48 /dev/urandom | base64 > F` writes).
std::string first_line(const std::string& file) {
    const Bytes b = read_file(file, 4096);
    std::string s(b.begin(), b.end());
    return s.substr(0, s.find_first_of("\r\n"));
}

}  // namespace

void register_oidc(CLI::App& app, Context& ctx) {
    auto* oidc = app.add_subcommand("oidc", "the identification server's OpenID Connect provider");
    oidc->require_subcommand(1);
    auto* clients = oidc->add_subcommand("clients", "relying parties (e-government services) that sign users in here");
    clients->require_subcommand(1);
    auto o = std::make_shared<ClientOptions>();
    auto* add = clients->add_subcommand("add", "register a client: its redirect URIs and how it authenticates at the token endpoint");
    add->add_option("--store", o->store, "the identification server's store: sqlite:PATH")->required();
    add->add_option("--id", o->id, "the client_id (1-64 of A-Z a-z 0-9 . _ -)")->required();
    add->add_option("--redirect-uri", o->redirect_uris, "a redirect URI, matched exactly (repeatable)")->required();
    auto* secret = add->add_option("--secret-file", o->secret_file, "client_secret_basic/_post: the secret's file (first line, 32+ characters)");
    auto* jwks = add->add_option("--jwks-file", o->jwks_file, "private_key_jwt: the client's public keys (JWKS JSON)");
    secret->excludes(jwks);
    add->add_option("--subject-type", o->subject_type, "public (one sub per person) or pairwise (one per person and client host)")
        ->check(CLI::IsMember({"public", "pairwise"}));
    add->callback([o, &ctx] {
        if (o->secret_file.empty() == o->jwks_file.empty()) throw Error(ErrorCode::USAGE, "give --secret-file or --jwks-file");
        oidc::ClientRegistration r;
        r.id = o->id;
        r.redirect_uris = o->redirect_uris;
        r.subject_type = o->subject_type;
        if (!o->secret_file.empty()) r.secret = first_line(o->secret_file);
        if (!o->jwks_file.empty()) {
            const Bytes b = read_file(o->jwks_file, 64 * 1024);
            r.jwks.assign(b.begin(), b.end());
        }
        const auto record = oidc::client_record(r, ctx.clock.now());
        auto repo = store::open_identity_store(o->store, store::OpenMode::CreateIfMissing, ctx.clock);
        try {
            repo->oidc().add_client(record, {0, ctx.clock.now(), "cli", "oidc.client.add", record.id, record.subject_type, {}, {}}, registry::seal);
        } catch (const Error& e) {
            if (e.code() == ErrorCode::STORE_CONFLICT) throw Error(ErrorCode::OIDC_CLIENT_EXISTS, "'" + record.id + "'");
            throw;
        }
        ctx.info() << "registered client " << record.id << " (" << (r.secret.empty() ? "private_key_jwt" : "client_secret") << ", "
                   << record.redirect_uris.size() << " redirect URI(s), " << record.subject_type << " subject)\n";
    });
}

}  // namespace tanba::cli
