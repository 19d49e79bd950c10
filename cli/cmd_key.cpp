// tanba key new | show
#include <iostream>

#include "common.hpp"
#include "tanba/keys/gost_key.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::cli {
namespace {
struct KeyOptions {
    std::string algo = "ecdsa-p256";
    OutputFile out;
    std::string file;
    std::string cert;
    std::string chain;
    std::string name = "tanba key";
    bool json = false;
    PassphraseOptions pass;
    PassphraseOptions out_pass;
};
}  // namespace

void register_key(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<KeyOptions>();
    auto* key = app.add_subcommand("key", "software keys (PKCS#8, encrypted at rest)");
    key->require_subcommand(1);

    auto* gen = key->add_subcommand("new", "generate a key");
    gen->add_option("--algo", o->algo, "rsa-2048, rsa-3072, rsa-4096, ecdsa-p256, ecdsa-p384, ed25519, gost2015-512, gost2004");
    add_output_option(*gen, o->out, "key file to create (mode 0600)");
    add_passphrase_options(*gen, o->pass);
    gen->callback([o, &ctx] {
        auto spec = keys::parse_key_spec(o->algo);
        o->out.check();  // before a passphrase is asked for
        auto pass = resolve_passphrase(o->pass, PassphrasePurpose::Create, o->out.path);
        o->out.write(as_bytes(keys::generate_key(spec, pass ? &*pass : nullptr).pem), FileMode::Private);
        ctx.info() << "wrote " << keys::to_string(spec) << " key to " << o->out.path
                  << (pass ? " (encrypted)" : " (UNENCRYPTED)") << "\n";
    });

    auto* p12 = key->add_subcommand("export-p12", "write a key with its certificate (and chain) as PKCS#12");
    p12->add_option("--key", o->file, "key file")->required();
    p12->add_option("--cert", o->cert, "its certificate")->required();
    p12->add_option("--chain", o->chain, "issuer certificates to include (PEM)");
    p12->add_option("--name", o->name, "friendly name");
    add_output_option(*p12, o->out, "PKCS#12 file to create (mode 0600)");
    add_passphrase_options(*p12, o->pass);
    p12->add_option("--out-pass-file", o->out_pass.pass_file, "passphrase for the PKCS#12 file")->required();
    p12->callback([o, &ctx] {
        auto loaded = load_key(o->file, o->pass);
        auto cert = x509::Certificate::load(read_file(o->cert));
        if (!keys::same_public_key(loaded.key->public_key(), cert.public_key()))
            throw Error(ErrorCode::KEY_MISMATCH, o->cert + " is not the certificate of " + o->file);
        std::vector<ossl::Cert> chain;
        if (!o->chain.empty())
            for (auto& c : x509::Certificate::load_all(read_file(o->chain))) chain.push_back(ossl::up_ref(c.get()));
        auto pass = resolve_passphrase(o->out_pass, PassphrasePurpose::Read, o->out.path);
        if (!loaded.software) throw Error(ErrorCode::KEY_UNSUPPORTED, "a token key cannot be exported");
        auto der = keys::make_pkcs12(*loaded.software, cert.get(), chain, *pass, o->name);
        o->out.write(der, FileMode::Private);
        ctx.info() << "wrote " << o->out.path << " (AES-256-CBC, PBKDF2-SHA256, SHA-256 MAC)\n";
    });

    auto* show = key->add_subcommand("show", "describe a key (type, size, public key id)");
    show->add_option("file", o->file, "key file (PEM, DER or PKCS#12)")->required();
    show->add_flag("--json", o->json, "JSON output");
    add_passphrase_options(*show, o->pass);
    show->callback([o] {
        auto loaded = load_key(o->file, o->pass);
        auto spec = loaded.key->spec();
        auto spki = loaded.key->public_key_der();
        nlohmann::json j{{"file", o->file},
                         {"algorithm", keys::to_string(spec)},
                         {"bits", spec.bits},
                         {"publicKeySha256", to_hex(ossl::sha256(spki))},
                         {"publicKeyPem", ossl::to_pem(spki, "PUBLIC KEY")}};
        if (o->json) return print_json(j);
        std::cout << "algorithm: " << keys::to_string(spec) << "\nbits: " << spec.bits
                  << "\npublic key SHA-256: " << j["publicKeySha256"].get<std::string>() << "\n"
                  << j["publicKeyPem"].get<std::string>();
    });
}

}  // namespace tanba::cli
