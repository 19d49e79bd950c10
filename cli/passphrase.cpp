// CLI options for passphrases, PINs and output files, and JSON output.
#include <iostream>

#include "common.hpp"

namespace tanba::cli {

void add_passphrase_options(CLI::App& cmd, PassphraseOptions& opts, const std::string& prefix) {
    auto* file = cmd.add_option("--" + prefix + "pass-file", opts.pass_file,
                                "read the " + (prefix.empty() ? std::string("key") : prefix.substr(0, prefix.size() - 1)) +
                                    " passphrase from the first line of this file");
    if (prefix.empty()) {
        auto* none = cmd.add_flag("--no-passphrase", opts.no_passphrase,
                                  "write the key unencrypted (tests and demos only)");
        file->excludes(none);
        add_pin_option(cmd, opts);
    }
}

void add_pin_option(CLI::App& cmd, PassphraseOptions& opts) {
    cmd.add_option("--pin-file", opts.pin_file, "read a token's PIN from the first line of this file (pkcs11: keys)");
}

void OutputFile::check() const {
    if (!force && path != "-" && std::filesystem::exists(path))
        throw Error(ErrorCode::FILE_EXISTS, path + " (give --force to replace it)");
}

PendingFile OutputFile::prepare(FileMode mode, std::size_t reserve) const {
    check();
    return PendingFile::open(path, mode, force ? Overwrite::Replace : Overwrite::Refuse, reserve);
}

void OutputFile::write(ByteView data, FileMode mode) const { prepare(mode).commit(data); }

void add_output_option(CLI::App& cmd, OutputFile& out, const std::string& description) {
    cmd.add_option("--out", out.path, description)->required();
    cmd.add_flag("--force", out.force, "replace the --out file if it exists");
}

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }
void print_ordered_json(const nlohmann::ordered_json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace tanba::cli
