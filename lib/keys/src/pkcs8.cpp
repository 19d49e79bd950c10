#include "pkcs8.hpp"

#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::keys::detail {

std::string pkcs8_pem(const PKCS8_PRIV_KEY_INFO* info, const Secret* passphrase) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    if (passphrase) {
        const auto& pw = passphrase->reveal();
        ossl::X509Sig enc(PKCS8_encrypt_ex(-1, EVP_aes_256_cbc(), pw.data(), static_cast<int>(pw.size()), nullptr, 0, kKdfIterations,
                                           const_cast<PKCS8_PRIV_KEY_INFO*>(info), nullptr, nullptr));
        ossl::check(enc && PEM_write_bio_PKCS8(bio.get(), enc.get()) == 1, ErrorCode::CRYPTO_FAILURE, "encrypting private key");
    } else {
        ossl::check(PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio.get(), const_cast<PKCS8_PRIV_KEY_INFO*>(info)) == 1, ErrorCode::CRYPTO_FAILURE,
                    "encoding private key");
    }
    char* d = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &d);
    std::string out(d, static_cast<std::size_t>(n));
    OPENSSL_cleanse(d, static_cast<std::size_t>(n));
    return out;
}

ossl::Pkcs8Info pkcs8_info(ByteView data, const Secret* passphrase, const std::string& origin) {
    ossl::clear_errors();
    ossl::X509Sig encrypted;
    ossl::Pkcs8Info plain;
    ossl::Bio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size()); text.find("-----BEGIN") != std::string_view::npos) {
        if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos)
            encrypted.reset(PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr));
        else if (text.find("-----BEGIN PRIVATE KEY-----") != std::string_view::npos)
            plain.reset(PEM_read_bio_PKCS8_PRIV_KEY_INFO(bio.get(), nullptr, nullptr, nullptr));
    } else {
        const unsigned char* p = data.data();
        encrypted.reset(d2i_X509_SIG(nullptr, &p, static_cast<long>(data.size())));
        if (!encrypted) {
            p = data.data();
            plain.reset(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(data.size())));
        }
    }
    ossl::clear_errors();
    if (!encrypted) return plain;
    if (!passphrase) throw Error(ErrorCode::KEY_BAD_PASSPHRASE, origin + " is encrypted: a passphrase is needed");
    const auto& pw = passphrase->reveal();
    ossl::Pkcs8Info info(PKCS8_decrypt(encrypted.get(), pw.data(), static_cast<int>(pw.size())));
    if (!info) throw ossl::error(ErrorCode::KEY_BAD_PASSPHRASE, origin);
    return info;
}

}  // namespace tanba::keys::detail
