// tanba ts respond | stamp
#include <iostream>

#include "common.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/tsp/tsa.hpp"

namespace tanba::cli {
namespace {
struct TsOptions {
    std::string cert, key, chain, request, out, file, url, policy = "1.2.398.3.3.2.6.1";
    PassphraseOptions pass;
};
}  // namespace

void register_ts(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<TsOptions>();
    auto* ts = app.add_subcommand("ts", "RFC 3161 time-stamps");
    ts->require_subcommand(1);

    auto* respond = ts->add_subcommand("respond", "answer a time-stamp request (DER) as a TSA");
    respond->add_option("--cert", o->cert, "TSA certificate (tsa profile: critical timeStamping EKU)")->required();
    respond->add_option("--key", o->key, "its key (file or pkcs11: URI)")->required();
    respond->add_option("--chain", o->chain, "CA certificates to include");
    respond->add_option("--policy", o->policy, "TSA policy OID (default NCA's 1.2.398.3.3.2.6.1)");
    respond->add_option("--request", o->request, "time-stamp request (DER)")->required();
    respond->add_option("--out", o->out, "time-stamp response to write (DER)")->required();
    add_passphrase_options(*respond, o->pass);
    respond->callback([o, &ctx] {
        auto key = load_key(o->key, o->pass);
        tsp::AuthorityOptions ao;
        ao.policy = o->policy;
        if (!o->chain.empty()) ao.chain = x509::Certificate::load_all(read_file(o->chain));
        tsp::Authority tsa(x509::Certificate::load(read_file(o->cert)), *key.key, ctx.clock, ao);
        write_file(o->out, tsa.respond(read_file(o->request, 64 * 1024)).der);
    });

    auto* stamp = ts->add_subcommand("stamp", "get a time-stamp token for a file from a TSA over HTTP");
    stamp->add_option("file", o->file, "the data")->required();
    stamp->add_option("--url", o->url, "TSA URL")->required();
    stamp->add_option("--out", o->out, "token to write (DER ContentInfo)")->required();
    stamp->callback([o, &ctx] {
        write_file(o->out, tsp::request_token(ctx.http, o->url, read_file(o->file, 256u << 20)));
        std::cerr << "time-stamp token written to " << o->out << "\n";
    });
}

}  // namespace tanba::cli
