// Unlocking keys for the front ends (CLI, server): files by passphrase, tokens by PIN.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "tanba/frontend/key_loading.hpp"
#include "tanba/frontend/process.hpp"
#include "tanba/base/file_io.hpp"
#include "tanba/hsm/token.hpp"
#include "tanba/keys/gost_key.hpp"

namespace tanba::frontend {
namespace {

constexpr const char* kEnv = "TANBA_PASSPHRASE";

Secret first_line(Bytes data) {
    std::string s(data.begin(), data.end());
    explicit_bzero(data.data(), data.size());
    auto nl = s.find_first_of("\r\n");
    if (nl != std::string::npos) s.resize(nl);
    return Secret(std::move(s));
}

// Reads a line from the terminal with echo off; nullopt when there is no terminal.
std::optional<Secret> prompt(const std::string& text) {
    if (!isatty(STDIN_FILENO)) return std::nullopt;
    int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    termios old{};
    bool have_termios = tcgetattr(fd, &old) == 0;
    if (have_termios) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    (void)!::write(fd, text.data(), text.size());
    std::string line;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
    if (have_termios) tcsetattr(fd, TCSAFLUSH, &old);
    (void)!::write(fd, "\n", 1);
    ::close(fd);
    return Secret(std::move(line));
}

}  // namespace

Secret secret_line(const std::string& file) { return first_line(read_file(file, 64 * 1024)); }

std::optional<Secret> resolve_passphrase(const PassphraseOptions& opts, PassphrasePurpose purpose,
                                         const std::string& what) {
    if (purpose == PassphrasePurpose::Create && opts.no_passphrase) return std::nullopt;
    // A new key's passphrase: long enough to be one (characters, not bytes).
    const auto checked = [purpose](Secret s) {
        if (s.empty()) throw Error(ErrorCode::KEY_NO_PASSPHRASE, "empty passphrase");
        const std::string_view text = s.reveal();
        const auto characters = std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
        if (purpose == PassphrasePurpose::Create && characters < kMinPassphraseLength)
            throw Error(ErrorCode::KEY_PASSPHRASE_TOO_SHORT, std::to_string(characters) + " character(s)");
        return std::optional<Secret>(std::move(s));
    };
    if (!opts.pass_file.empty()) {
        auto s = secret_line(opts.pass_file);
        if (s.empty()) throw Error(ErrorCode::KEY_NO_PASSPHRASE, opts.pass_file + " holds an empty passphrase");
        return checked(std::move(s));
    }
    if (auto env = take_env_secret(kEnv)) return checked(std::move(*env));
    if (auto first = prompt("Passphrase for " + what + ": ")) {
        auto result = checked(std::move(*first));
        if (purpose == PassphrasePurpose::Create) {
            auto again = prompt("Repeat the passphrase: ");
            if (!again || again->reveal() != result->reveal()) throw Error(ErrorCode::KEY_PASSPHRASE_MISMATCH, what);
        }
        return result;
    }
    throw Error(ErrorCode::KEY_NO_PASSPHRASE, what);
}

Secret secret_from(const std::string& file, const std::string& what, Entry entry) {
    if (!file.empty()) {
        auto s = secret_line(file);
        if (s.empty()) throw Error(ErrorCode::TOKEN_NO_PIN, file + " is empty");
        return s;
    }
    auto first = prompt(what + ": ");
    if (!first || first->empty()) throw Error(ErrorCode::TOKEN_NO_PIN, what);
    if (entry == Entry::Twice) {
        auto again = prompt("Repeat " + what + ": ");
        if (!again || again->reveal() != first->reveal()) throw Error(ErrorCode::KEY_PASSPHRASE_MISMATCH, what);
    }
    return std::move(*first);
}

std::function<std::optional<Secret>(const std::string&)> pin_prompt(const PassphraseOptions& opts) {
    return [&opts](const std::string& what) -> std::optional<Secret> {
        if (!opts.pin_file.empty()) return secret_line(opts.pin_file);
        if (auto env = take_env_secret("TANBA_PIN")) return std::move(*env);
        return prompt("PIN for " + what + ": ");
    };
}

LoadedKey load_key(const std::string& ref, const PassphraseOptions& opts) {
    LoadedKey out;
    if (hsm::is_pkcs11_uri(ref)) {
        const auto uri = hsm::Pkcs11Uri::parse(ref);
        out.key = hsm::open_signer(uri, pin_prompt(opts));
        auto cert_uri = uri;  // the certificate paired with the key: same id (labels may differ)
        cert_uri.type = hsm::ObjectType::Certificate;
        if (!cert_uri.id.empty()) cert_uri.object.clear();
        if (auto cert = hsm::find_certificate(cert_uri, pin_prompt(opts)); cert && keys::same_public_key(cert->public_key(), out.key->public_key()))
            out.certificate = ossl::up_ref(cert->get());
        return out;
    }
    const std::filesystem::path file(ref);
    auto data = read_file(file);
    std::unique_ptr<keys::SoftwareKey> key;
    std::optional<Secret> pass;
    if (keys::needs_passphrase(data)) pass = resolve_passphrase(opts, PassphrasePurpose::Read, file.string());
    try {
        if (keys::is_pkcs12(data)) {
            auto p12 = keys::load_pkcs12(data, *pass, file.string());
            if (!p12.key) throw Error(ErrorCode::KEY_NOT_FOUND, file.string() + " holds no private key");
            key = std::make_unique<keys::SoftwareKey>(std::move(*p12.key));
            out.certificate = std::move(p12.cert);
        } else {
            key = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::load(data, pass ? &*pass : nullptr, file.string()));
        }
    } catch (const Error& e) {
        // OpenSSL could not read it: it may be a GOST key (Kazakhstan's NCA algorithms), which
        // lib/gost signs with (an encrypted one looks like a wrong passphrase to OpenSSL).
        const auto c = e.code();
        if (c != ErrorCode::KEY_UNSUPPORTED && c != ErrorCode::KEY_DECODE_FAILED && c != ErrorCode::KEY_BAD_PASSPHRASE) throw;
        std::optional<keys::GostKey> gost;
        if (keys::is_pkcs12(data)) {  // a Kalkan keystore: the certificate of this key comes with it
            auto raw = keys::pkcs12_raw(data, *pass, file.string());
            gost = keys::GostKey::from_private_key_info(raw.private_key_info, file.string());
            explicit_bzero(raw.private_key_info.data(), raw.private_key_info.size());
            for (auto& cert : raw.certificates)
                if (gost && x509::Certificate::adopt(ossl::up_ref(cert.get())).public_key_der() == gost->public_key_der()) out.certificate = std::move(cert);
        } else {
            gost = keys::GostKey::load(data, pass ? &*pass : nullptr, file.string());
        }
        if (!gost) throw;
        explicit_bzero(data.data(), data.size());
        out.key = std::make_unique<keys::GostKey>(std::move(*gost));
        return out;
    }
    explicit_bzero(data.data(), data.size());
    out.software = key.get();
    out.key = std::move(key);
    return out;
}


}  // namespace tanba::frontend
