// tanba ts respond | stamp | verify
#include <iostream>

#include "common.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/cms/verify.hpp"
#include "tanba/tsp/tsa.hpp"
#include "verify_inputs.hpp"

namespace tanba::cli {
namespace {
struct TsOptions {
    OutputFile out;
    std::string cert, key, chain, request, file, url, policy = "1.2.398.3.3.2.6.1";
    PassphraseOptions pass;
};

struct TsVerifyOptions {
    std::string token, data, digest, nonce;
    VerifyInputs in;
};

Bytes hex_arg(const std::string& text, const char* flag) {
    try {
        const Bytes b = from_hex(text);
        if (!b.empty()) return b;
    } catch (const Error&) {
    }
    throw Error(ErrorCode::USAGE, std::string(flag) + " takes hex digits: " + text);
}
}  // namespace

void register_ts(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<TsOptions>();
    auto* ts = app.add_subcommand("ts", "RFC 3161 time-stamps");
    ts->require_subcommand(1);

    auto* respond = ts->add_subcommand("respond", "answer a time-stamp request (DER) as a TSA");
    respond->add_option("--cert", o->cert, "TSA certificate (tsa profile: critical timeStamping EKU)")->required();
    respond->add_option("--key", o->key, "its key (file or pkcs11: URI)")->required();
    respond->add_option("--chain", o->chain, "CA certificates to include");
    respond->add_option("--policy", o->policy, "TSA policy OID (NCA's by default)");
    respond->add_option("--request", o->request, "time-stamp request (DER)")->required();
    add_output_option(*respond, o->out, "time-stamp response to write (DER)");
    add_passphrase_options(*respond, o->pass);
    respond->callback([o, &ctx] {
        auto key = load_key(o->key, o->pass);
        tsp::AuthorityOptions ao;
        ao.policy = o->policy;
        if (!o->chain.empty()) ao.chain = x509::Certificate::load_all(read_file(o->chain));
        tsp::Authority tsa(x509::Certificate::load(read_file(o->cert)), *key.key, ctx.clock, ao);
        o->out.write(tsa.respond(read_file(o->request, 64 * 1024)).der);
    });

    auto* stamp = ts->add_subcommand("stamp", "get a time-stamp token for a file from a TSA over HTTP");
    stamp->add_option("file", o->file, "the data")->required();
    stamp->add_option("--url", o->url, "TSA URL")->required();
    add_output_option(*stamp, o->out, "token to write (DER ContentInfo)");
    stamp->callback([o, &ctx] {
        o->out.write(tsp::request_token(ctx.http, o->url, read_file(o->file, 256u << 20)));
        ctx.info() << "time-stamp token written to " << o->out.path << "\n";
    });

    auto v = std::make_shared<TsVerifyOptions>();
    auto* verify = ts->add_subcommand("verify", "check a time-stamp token against its data: imprint, nonce, token signature, TSA path");
    verify->add_option("token", v->token, "the token (DER ContentInfo) or a time-stamp response holding one")->required();
    auto* data = verify->add_option("--data", v->data, "the data that was time-stamped");
    auto* digest = verify->add_option("--digest", v->digest, "or its digest (hex), with the token's imprint algorithm");
    data->excludes(digest);
    verify->add_option("--nonce", v->nonce, "the nonce of the request (hex), to check it was answered");
    add_verify_options(*verify, v->in, "any");
    // [--trust …] as the issue writes it: without anchors the TSA's path is INDETERMINATE.
    verify->get_option("--trust")->required(false);
    verify->callback([v, &ctx] {
        if (v->data.empty() && v->digest.empty()) throw Error(ErrorCode::USAGE, "give --data FILE or --digest HEX");
        const Bytes token = tsp::token_of(read_file(v->token, 1u << 20));
        const Bytes data = v->data.empty() ? Bytes{} : read_file(v->data, 256u << 20);
        cms::TimestampSubject subject;
        subject.data = data;
        if (!v->digest.empty()) subject.digest = hex_arg(v->digest, "--digest");
        if (!v->nonce.empty()) subject.nonce = hex_arg(v->nonce, "--nonce");
        cms::VerifyOptions o;
        o.validation = make_options(v->in, ctx.clock);
        revocation::OnlineRevocation online(ctx.http, ctx.clock);
        const auto report = cms::verify_timestamp(token, subject, make_validator(load_trust(v->in), v->in.offline ? nullptr : &online), o);
        if (v->in.json) {
            print_json(cms::to_json(report));
        } else {
            std::cout << "time-stamp " << (report.time ? format_rfc3339(*report.time) : std::string("?"));
            if (report.tsa) std::cout << " by " << report.tsa->subject_text();
            std::cout << "\n" << validation::to_text(report.report);
        }
        if (!report.valid) ctx.exit_code = 1;
    });
}

}  // namespace tanba::cli
