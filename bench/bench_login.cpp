// tanba-bench-login BASE_URL ORIGIN KEY.pem CERT.pem SECONDS CONNECTIONS
// Web eID logins per second against a running tanba-server: each connection (a thread with a
// keep-alive libcurl handle) asks for a challenge, signs H(origin) || H(nonce) with the P-256
// key as the Web eID app does (ES256, raw r||s), and logs in; only 200 answers count. Then
// the raw P-256 verify rate on every core (EVP_DigestVerify of the same 64 bytes), measured
// in the same run. Prints "LOGINS_PER_S RAW_VERIFIES_PER_S FAILED".
#include <curl/curl.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

using Steady = std::chrono::steady_clock;

std::string slurp(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string b64(const unsigned char* p, std::size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    out.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n)));
    return out;
}

std::string sha256(const std::string& s) {
    std::string d(32, '\0');
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), reinterpret_cast<unsigned char*>(d.data()));
    return d;
}

std::size_t sink(char* p, std::size_t size, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(p, size * n);
    return size * n;
}

struct Client {
    CURL* curl = curl_easy_init();
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    std::string body;
    ~Client() {
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
    }
    long post(const std::string& url, const std::string& data) {
        body.clear();
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, data.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(data.size()));
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
        long status = 0;
        if (curl_easy_perform(curl) != CURLE_OK) return 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        return status;
    }
};

// The nonce of a challenge answer {"nonce":"…","expiresAt":…}.
std::string nonce_of(const std::string& json) {
    const auto at = json.find("\"nonce\":\"");
    if (at == std::string::npos) return {};
    const auto start = at + 9;
    return json.substr(start, json.find('"', start) - start);
}

// ECDSA with SHA-256 over data: the DER signature.
std::string der_sign(EVP_PKEY* key, const std::string& data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string der(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    EVP_MD_CTX_free(ctx);
    der.resize(len);
    return der;
}

// ES256 over H(origin) || H(nonce), as raw r||s in base64.
std::string es256(EVP_PKEY* key, const std::string& data) {
    const std::string der = der_sign(key, data);
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    unsigned char raw[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    return b64(raw, sizeof raw);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 7) {
        std::fprintf(stderr, "usage: tanba-bench-login BASE_URL ORIGIN KEY.pem CERT.pem SECONDS CONNECTIONS\n");
        return 2;
    }
    const std::string base = argv[1], origin = argv[2];
    const double seconds = std::stod(argv[5]);
    const int connections = std::stoi(argv[6]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const std::string key_pem = slurp(argv[3]), cert_pem = slurp(argv[4]);
    BIO* kb = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    BIO_free(kb);
    BIO* cb = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
    X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    BIO_free(cb);
    if (!key || !cert) {
        std::fprintf(stderr, "cannot read the key or the certificate\n");
        return 2;
    }
    unsigned char* der = nullptr;
    const int der_len = i2d_X509(cert, &der);
    const std::string cert_b64 = b64(der, static_cast<std::size_t>(der_len));
    OPENSSL_free(der);
    const std::string origin_hash = sha256(origin);

    std::atomic<long> ok{0}, failed{0};
    const auto end = Steady::now() + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
    const auto start = Steady::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < connections; ++t)
        threads.emplace_back([&] {
            Client c;
            while (Steady::now() < end) {
                if (c.post(base + "/api/v1/auth/challenge", "") != 200) {
                    ++failed;
                    continue;
                }
                const std::string nonce = nonce_of(c.body);
                const std::string token = "{\"format\":\"web-eid:1.0\",\"algorithm\":\"ES256\",\"appVersion\":\"https://web-eid.eu/web-eid-app/releases/2.5.0\","
                                          "\"unverifiedCertificate\":\"" + cert_b64 + "\",\"signature\":\"" + es256(key, origin_hash + sha256(nonce)) + "\"}";
                if (c.post(base + "/api/v1/auth/login", "{\"nonce\":\"" + nonce + "\",\"token\":" + token + "}") == 200) ++ok;
                else ++failed;
            }
        });
    for (auto& th : threads) th.join();
    const double logins = static_cast<double>(ok) / std::chrono::duration<double>(Steady::now() - start).count();

    // The raw rate: P-256 verifications of a 64-byte message on every core.
    const std::string message = origin_hash + sha256("nonce");
    const std::string sig = der_sign(key, message);
    EVP_PKEY* pub = X509_get0_pubkey(cert);
    std::atomic<long> verified{0};
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const auto vend = Steady::now() + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
    const auto vstart = Steady::now();
    threads.clear();
    for (unsigned t = 0; t < cores; ++t)
        threads.emplace_back([&] {
            long n = 0;
            EVP_MD_CTX* v = EVP_MD_CTX_new();
            while (Steady::now() < vend) {
                EVP_DigestVerifyInit(v, nullptr, EVP_sha256(), nullptr, pub);
                if (EVP_DigestVerify(v, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1)
                    ++n;
            }
            EVP_MD_CTX_free(v);
            verified += n;
        });
    for (auto& th : threads) th.join();
    const double raw = static_cast<double>(verified) / std::chrono::duration<double>(Steady::now() - vstart).count();
    std::printf("%.0f %.0f %ld\n", logins, raw, failed.load());
    EVP_PKEY_free(key);
    X509_free(cert);
    return 0;
}
