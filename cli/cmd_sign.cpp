// tanba sign, tanba verify
#include <iostream>

#include "common.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/cms/sign.hpp"
#include "tanba/cms/verify.hpp"
#include "tanba/tsp/tsa.hpp"
#include "verify_inputs.hpp"

namespace tanba::cli {
namespace {

constexpr std::size_t kMiB = 1u << 20;
constexpr std::uint64_t kProgressFrom = 50u * 1000 * 1000;  // a terminal shows progress on larger documents

struct SignCliOptions {
    std::string file, key, cert, chain, add_to, tsa, hash = "sha256";
    std::size_t max_attached_mib = 256;  // attached content (and co-signatures) are held in memory
    OutputFile out;
    bool detached = false, pss = false, allow_invalid_cert = false;
    PassphraseOptions pass;
};

struct VerifyCliOptions {
    std::string signature, content;
    std::size_t max_attached_mib = 256;
    bool allow_plain = false;
    std::string level = "B";
    VerifyInputs in;
};

keys::HashAlg hash_of(const std::string& name) {
    if (name == "sha384") return keys::HashAlg::Sha384;
    if (name == "sha512") return keys::HashAlg::Sha512;
    return keys::HashAlg::Sha256;
}

/// A detached document's digests, read once in constant memory (progress on a terminal).
cms::DocumentDigests digest_file(const std::string& path, const std::vector<std::string>& algorithms, const Context& ctx) {
    cms::DocumentDigests::Builder builder(algorithms);
    std::error_code ec;
    const std::uint64_t total = path == "-" ? 0 : std::filesystem::file_size(path, ec);
    const bool progress = !ec && total > kProgressFrom && ctx.show_progress();
    std::uint64_t shown = 0;
    read_chunks(path, [&](ByteView chunk) {
        builder.update(chunk);
        if (progress && builder.size() - shown >= 64 * kMiB) {
            shown = builder.size();
            ctx.info() << "\r" << path << ": " << shown / kMiB << " / " << total / kMiB << " MiB" << std::flush;
        }
    });
    if (progress) ctx.info() << "\r" << path << ": " << builder.size() / kMiB << " MiB digested\n";
    return builder.finish();
}

void run_sign(const SignCliOptions& o, Context& ctx) {
    o.out.check();
    const Clock& clock = ctx.clock;
    auto loaded = load_key(o.key, o.pass);
    std::optional<x509::Certificate> cert;
    if (!o.cert.empty()) cert = x509::Certificate::load(read_file(o.cert));
    else if (loaded.certificate) cert = x509::Certificate::adopt(std::move(loaded.certificate));
    else throw Error(ErrorCode::USAGE, "give --cert (no certificate is stored with the key)");
    const auto now = clock.now();
    if (!o.allow_invalid_cert && (now < cert->not_before() || now > cert->not_after()))
        throw Error(ErrorCode::CERT_NOT_VALID_NOW, cert->subject_text() + " is valid " + format_rfc3339(cert->not_before()) +
                                                       " to " + format_rfc3339(cert->not_after()));
    cms::SignOptions so;
    so.attachment = o.detached ? cms::Attachment::Detached : cms::Attachment::Attached;
    so.algorithm = keys::default_sign_options(loaded.key->spec().algorithm);
    if (so.algorithm.hash != keys::HashAlg::None) so.algorithm.hash = hash_of(o.hash);
    if (o.pss) {
        if (loaded.key->spec().algorithm != keys::KeyAlgorithm::Rsa) throw Error(ErrorCode::USAGE, "--pss needs an RSA key");
        so.algorithm.padding = keys::RsaPadding::Pss;
    }
    so.signing_time = now;
    if (!o.chain.empty()) so.chain = x509::Certificate::load_all(read_file(o.chain));
    if (!o.tsa.empty())  // CAdES-B-T: a time-stamp over the signature value from the TSA
        so.timestamp = [&o, &ctx](ByteView signature_value) { return tsp::request_token(ctx.http, o.tsa, signature_value); };
    Bytes out;
    // Streamed (any size) when the digest is known up front: SHA-2, or the key's own (GOST).
    if (o.detached && o.add_to.empty() && (so.algorithm.hash != keys::HashAlg::None || !loaded.key->public_key())) {
        out = cms::sign(digest_file(o.file, {loaded.key->digest_algorithm(so.algorithm)}, ctx), *loaded.key, *cert, so);
    } else {
        const std::size_t cap = o.max_attached_mib * kMiB;
        const Bytes content = read_file(o.file, cap);
        out = o.add_to.empty() ? cms::sign(content, *loaded.key, *cert, so)
                               : cms::add_signer(read_file(o.add_to, cap), content, *loaded.key, *cert, so);
    }
    o.out.write(out);
    ctx.info() << "signed " << o.file << " as " << cert->subject_text() << (o.add_to.empty() ? "" : " (co-signature)") << (o.tsa.empty() ? "" : ", time-stamped")
              << " -> " << o.out.path << "\n";
}

}  // namespace

void register_sign(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<SignCliOptions>();
    auto* sign = app.add_subcommand("sign", "sign a document: CMS / CAdES-B-B, attached or detached");
    sign->add_option("file", o->file, "the document")->required();
    sign->add_option("--key", o->key, "key file (PKCS#8, PEM/DER, PKCS#12 holding the certificate) or pkcs11: URI")->required();
    sign->add_option("--cert", o->cert, "the signer's certificate (not needed with a PKCS#12 that holds it)");
    sign->add_option("--chain", o->chain, "CA certificates to include");
    sign->add_option("--hash", o->hash, "sha256, sha384 or sha512")->check(CLI::IsMember({"sha256", "sha384", "sha512"}));
    sign->add_flag("--pss", o->pss, "RSA-PSS instead of PKCS#1 v1.5");
    sign->add_flag("--detached", o->detached, "do not include the document in the signature");
    sign->add_option("--add-to", o->add_to, "add this signer to an existing signature of the same document");
    sign->add_flag("--allow-invalid-cert", o->allow_invalid_cert, "sign even when the certificate is expired or not yet valid");
    sign->add_option("--max-attached-mib", o->max_attached_mib, "largest document signed attached (or co-signed), MiB; --detached streams any size")
        ->check(CLI::Range(1, 4096));
    sign->add_option("--tsa", o->tsa, "time-stamp the signature at this RFC 3161 TSA URL (CAdES-B-T)");
    add_output_option(*sign, o->out, "signature file to write (DER)");
    add_passphrase_options(*sign, o->pass);
    sign->callback([o, &ctx] { run_sign(*o, ctx); });

    auto v = std::make_shared<VerifyCliOptions>();
    auto* verify = app.add_subcommand("verify", "verify a CMS / CAdES signature: every signer, its certificate and identity");
    verify->add_option("signature", v->signature, "the signature (DER or PEM)")->required();
    verify->add_option("--content", v->content, "the signed document, for a detached signature");
    verify->add_flag("--allow-plain-cms", v->allow_plain, "accept signers without signed attributes");
    verify->add_option("--max-attached-mib", v->max_attached_mib, "largest signature (with attached content) read, MiB; detached documents are streamed, any size")
        ->check(CLI::Range(1, 4096));
    verify->add_option("--level", v->level, "least signature level: B (a bad or missing time-stamp is a warning; the signature is judged alone) or T (a valid signature-time-stamp is required)")
        ->check(CLI::IsMember({"B", "T"}));
    add_verify_options(*verify, v->in, "sign");
    verify->callback([v, &ctx] {
        cms::VerifyOptions o;
        o.validation = make_options(v->in, ctx.clock);
        o.time_source = v->in.at.empty() ? cms::TimeSource::Current : cms::TimeSource::Requested;
        o.allow_plain_cms = v->allow_plain;
        o.level = v->level == "T" ? cms::SignatureLevel::T : cms::SignatureLevel::B;
        auto material = load_trust(v->in);
        const Bytes sig = read_file(v->signature, v->max_attached_mib * kMiB);
        if (cms::is_timestamp_token(sig))
            throw Error(ErrorCode::USAGE, v->signature + " is an RFC 3161 time-stamp token, not a signature: check it against its data "
                                          "with `tanba ts verify " + v->signature + " --data FILE --trust …`");
        revocation::OnlineRevocation online(ctx.http, ctx.clock);
        const auto validator = make_validator(std::move(material), v->in.offline ? nullptr : &online);
        // A detached document is streamed (any size); plain CMS signers sign the bytes themselves.
        std::optional<Bytes> content;
        if (!v->content.empty() && v->allow_plain) content = read_file(v->content, v->max_attached_mib * kMiB);
        const auto report = v->content.empty() || content
                                ? cms::verify(sig, content ? std::optional<ByteView>(*content) : std::nullopt, validator, o)
                                : cms::verify(sig, digest_file(v->content, cms::digest_algorithms(sig), ctx), validator, o);
        if (v->in.json) print_json(cms::to_json(report));
        else std::cout << cms::to_text(report);
        if (!report.valid()) ctx.exit_code = 1;
    });
}

}  // namespace tanba::cli
