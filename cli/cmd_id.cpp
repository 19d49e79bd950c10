// tanba id check | new-iin | show
#include <iostream>
#include <random>

#include "common.hpp"
#include "tanba/ident/identifiers.hpp"
#include "tanba/ident/json.hpp"

namespace tanba::cli {
namespace {

struct IdOptions {
    std::vector<std::string> ids;
    std::string type = "auto";
    bool json = false;
    std::string birth;
    std::string sex;
    int serial = -1;
};

std::chrono::year_month_day parse_date(const std::string& s) {
    auto t = parse_rfc3339(s);
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)};
}

}  // namespace

void register_id(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<IdOptions>();
    auto* id = app.add_subcommand("id", "national identifiers: IIN, BIN (Kazakhstan), PINFL (Uzbekistan)");
    id->require_subcommand(1);
    const std::vector<std::string> types{"auto", "iin", "bin", "pinfl", "tin"};

    auto* check = id->add_subcommand("check", "validate identifiers: exit 0 if all are valid, 1 if any is not");
    check->add_option("ids", opts->ids, "identifiers")->required();
    check->add_option("--type", opts->type, "iin, bin, pinfl, tin or auto")->check(CLI::IsMember(types));
    check->add_flag("--json", opts->json, "one JSON document");
    check->callback([opts, &ctx] {
        nlohmann::ordered_json results = nlohmann::ordered_json::array();
        for (const auto& v : opts->ids) {
            auto r = ident::check(v, std::string_view(opts->type));
            const std::string reason = r.valid() ? "OK" : std::string(to_string(*r.failure));
            if (!r.valid()) ctx.exit_code = 1;
            if (opts->json) {
                results.push_back(ident::check_json(v, r));
            } else {
                std::cout << v << "\t" << ident::to_string(r.type) << "\t" << (r.valid() ? "valid" : "invalid") << "\t"
                          << reason;
                if (!r.valid()) std::cout << "\t" << info(*r.failure).message;
                std::cout << "\n";
            }
        }
        if (opts->json) print_ordered_json(nlohmann::ordered_json{{"results", results}});
    });

    auto* show = id->add_subcommand("show", "decode an identifier's fields");
    show->add_option("id", opts->ids, "identifier")->required()->expected(1);
    show->add_option("--type", opts->type, "iin, bin, pinfl, tin or auto")->check(CLI::IsMember(types));
    show->add_flag("--json", opts->json, "JSON output");
    show->callback([opts] {
        const auto& v = opts->ids.front();
        auto r = ident::check(v, std::string_view(opts->type));
        if (!r.valid()) throw Error(*r.failure, std::string(ident::to_string(r.type)) + " '" + v + "'");
        auto j = ident::decoded_json(v, r.type);
        if (opts->json) return print_ordered_json(j);
        for (auto& [k, val] : j.items()) std::cout << k << ": " << (val.is_string() ? val.get<std::string>() : val.dump()) << "\n";
    });

    auto* gen = id->add_subcommand("new-iin", "generate an IIN for a birth date and sex");
    gen->add_option("--birth", opts->birth, "birth date YYYY-MM-DD")->required();
    gen->add_option("--sex", opts->sex, "m or f")->required()->check(CLI::IsMember({"m", "f"}));
    gen->add_option("--serial", opts->serial, "registration serial 0..9999 (default: random)");
    gen->callback([opts] {
        int serial = opts->serial;
        if (serial < 0) serial = static_cast<int>(std::random_device{}() % 9000);
        auto iin = ident::generate_iin(parse_date(opts->birth), opts->sex == "m" ? ident::Sex::Male : ident::Sex::Female,
                                       serial);
        std::cout << iin.digits << "\n";
    });
}

}  // namespace tanba::cli
