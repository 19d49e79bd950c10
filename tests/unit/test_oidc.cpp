// lib/oidc's request parsing and client registration rules, from the vectors in
// tests/data/vectors/oidc (the flow itself is tested against python3-authlib: tests/cli/oidc.sh).
#include <sstream>

#include "tanba/oidc/provider.hpp"
#include "test_support.hpp"

using namespace tanba;

namespace {

std::vector<std::string> split(const std::string& s, char by) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string part; std::getline(ss, part, by);) out.push_back(part);
    return out;
}

ErrorCode code_named(const std::string& name) {
    for (int n = 0; n < 10000; ++n)
        if (to_string(static_cast<ErrorCode>(n)) == name) return static_cast<ErrorCode>(n);
    FAIL("no error code " << name);
    return ErrorCode::INTERNAL;
}

template <class F>
void expect_code(F&& f, ErrorCode want, const std::string& what) {
    try {
        f();
        FAIL(what << ": accepted, wanted " << to_string(want));
    } catch (const Error& e) {
        CHECK_MESSAGE(e.code() == want, what << ": " << to_string(e.code()) << " " << e.context());
    }
}

}  // namespace

TEST_CASE("form and query parsing follows the vectors") {
    for (const auto& row : test::tsv("vectors/oidc/forms.tsv")) {
        REQUIRE(row.size() == 3);
        if (row[1] == "bad") {
            expect_code([&] { oidc::parse_form(row[0]); }, code_named(row[2]), row[0]);
            continue;
        }
        std::string got;
        for (const auto& [name, value] : oidc::parse_form(row[0])) got += (got.empty() ? "" : "|") + name + "=" + value;
        CHECK_MESSAGE(got == row[2], row[0]);
    }
}

TEST_CASE("a form holds at most 64 parameters") {
    std::string form;
    for (int i = 0; i < 64; ++i) form += "p" + std::to_string(i) + "=v&";
    CHECK(oidc::parse_form(form).size() == 64);
    expect_code([&] { oidc::parse_form(form + "p64=v"); }, ErrorCode::OIDC_INVALID_REQUEST, "65 parameters");
}

TEST_CASE("with_query appends encoded parameters and parse_form reads them back") {
    const auto url = oidc::with_query("https://rp.example/cb?keep=1", {{"code", "a b&c"}, {"state", "é/?#"}});
    CHECK(url.rfind("https://rp.example/cb?keep=1&", 0) == 0);
    CHECK(url.find_first_of(" #", 8) == std::string::npos);
    const auto back = oidc::parse_form(url);
    CHECK(back.at("keep") == "1");
    CHECK(back.at("code") == "a b&c");
    CHECK(back.at("state") == "é/?#");
    CHECK(oidc::with_query("https://rp.example/cb", {{"x", "1"}}) == "https://rp.example/cb?x=1");
}

TEST_CASE("client registrations follow the vectors; secrets are stored hashed") {
    const TimePoint now{std::chrono::seconds(1'800'000'000)};
    for (const auto& row : test::tsv("vectors/oidc/clients.tsv")) {
        REQUIRE(row.size() == 6);
        oidc::ClientRegistration r;
        r.id = row[0];
        r.redirect_uris = split(row[1], ' ');
        if (row[2] != "-") r.secret = row[2];
        if (row[3] != "-") {
            const auto jwks = test::read("vectors/oidc/" + row[3]);
            r.jwks.assign(jwks.begin(), jwks.end());
        }
        r.subject_type = row[4];
        if (row[5] != "ok") {
            expect_code([&] { oidc::client_record(r, now); }, code_named(row[5]), row[0]);
            continue;
        }
        const auto rec = oidc::client_record(r, now);
        CHECK(rec.id == r.id);
        CHECK(rec.redirect_uris == r.redirect_uris);
        CHECK(rec.subject_type == r.subject_type);
        if (!r.secret.empty()) {
            CHECK(rec.secret_salt.size() == 16);
            CHECK(rec.secret_hash.size() >= 32);
            CHECK(std::string(rec.secret_hash.begin(), rec.secret_hash.end()).find(r.secret) == std::string::npos);
            CHECK(oidc::client_record(r, now).secret_salt != rec.secret_salt);  // a fresh salt each time
        } else {
            CHECK(rec.secret_hash.empty());
            CHECK(rec.jwks.find("\"keys\"") != std::string::npos);
        }
    }
}
