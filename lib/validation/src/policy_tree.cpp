#include "policy_tree.hpp"

#include <algorithm>
#include <map>

#include "tanba/ossl/codec.hpp"
#include "tanba/validation/validator.hpp"

namespace tanba::validation::detail {
namespace {

// A path whose policies would grow the tree beyond this is refused (CVE-2023-0464 style).
constexpr std::size_t kMaxNodes = 1000;

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

PolicyTree::PolicyTree() { nodes_.push_back(Node{0, -1, kAnyPolicy, {kAnyPolicy}}); }

int PolicyTree::add(int parent, std::string policy, std::vector<std::string> expected) {
    nodes_.push_back(Node{nodes_[parent].depth + 1, parent, std::move(policy), std::move(expected)});
    return static_cast<int>(nodes_.size() - 1);
}

bool PolicyTree::has_children(int idx) const {
    for (const auto& n : nodes_)
        if (n.alive && n.parent == idx) return true;
    return false;
}

void PolicyTree::remove_subtree(int idx) {
    nodes_[idx].alive = false;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].alive && nodes_[i].parent == idx) remove_subtree(static_cast<int>(i));
}

void PolicyTree::prune_below(int depth) {
    for (int d = depth - 1; d >= 0; --d)
        for (std::size_t i = 0; i < nodes_.size(); ++i)
            if (nodes_[i].alive && nodes_[i].depth == d && !has_children(static_cast<int>(i)))
                nodes_[i].alive = false;
    if (!nodes_[0].alive) null_ = true;
}

bool PolicyTree::process(const CertFacts& cert, int depth, bool any_allowed) {
    if (null_) return true;
    if (!cert.policies) {  // (e)
        null_ = true;
        return true;
    }
    std::vector<int> parents;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].alive && nodes_[i].depth == depth - 1) parents.push_back(static_cast<int>(i));
    bool has_any = false;
    for (int k = 0; k < sk_POLICYINFO_num(cert.policies.get()); ++k) {
        const std::string p = ossl::oid_text(sk_POLICYINFO_value(cert.policies.get(), k)->policyid);
        if (p == kAnyPolicy) {
            has_any = true;
            continue;
        }
        bool matched = false;  // (d)(1)(i)
        for (int parent : parents)
            if (contains(nodes_[parent].expected, p)) {
                add(parent, p, {p});
                matched = true;
            }
        if (!matched)  // (d)(1)(ii)
            for (int parent : parents)
                if (nodes_[parent].policy == kAnyPolicy) add(parent, p, {p});
        if (nodes_.size() > kMaxNodes) return false;
    }
    if (has_any && any_allowed) {  // (d)(2)
        for (int parent : parents) {
            const auto expected = nodes_[parent].expected;
            for (const auto& e : expected) {
                bool present = false;
                for (const auto& n : nodes_)
                    present = present || (n.alive && n.parent == parent && n.policy == e);
                if (!present) add(parent, e, {e});
                if (nodes_.size() > kMaxNodes) return false;
            }
        }
    }
    prune_below(depth);  // (d)(3)
    return true;
}

void PolicyTree::apply_mappings(const CertFacts& cert, int depth, bool map) {
    if (null_ || !cert.mappings) return;
    std::map<std::string, std::vector<std::string>> to;  // issuerDomainPolicy -> subjects
    for (int k = 0; k < sk_POLICY_MAPPING_num(cert.mappings.get()); ++k) {
        const POLICY_MAPPING* m = sk_POLICY_MAPPING_value(cert.mappings.get(), k);
        auto& subjects = to[ossl::oid_text(m->issuerDomainPolicy)];
        const std::string s = ossl::oid_text(m->subjectDomainPolicy);
        if (!contains(subjects, s)) subjects.push_back(s);
    }
    for (const auto& [issuer_policy, subjects] : to) {
        bool found = false;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            Node& n = nodes_[i];
            if (!n.alive || n.depth != depth || n.policy != issuer_policy) continue;
            found = true;
            if (map) n.expected = subjects;
            else remove_subtree(static_cast<int>(i));
        }
        if (map && !found) {
            for (std::size_t i = 0; i < nodes_.size(); ++i) {
                const Node& n = nodes_[i];
                if (n.alive && n.depth == depth && n.policy == kAnyPolicy) {
                    add(n.parent, issuer_policy, subjects);
                    break;
                }
            }
        }
    }
    if (!map) prune_below(depth);
}

std::vector<std::string> PolicyTree::intersect(const std::vector<std::string>& user_set, int n) {
    if (null_) return {};
    if (!contains(user_set, kAnyPolicy)) {
        // (g)(iii)(1)-(2): nodes whose parent is anyPolicy, not acceptable to the user, go.
        std::vector<int> node_set;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            const Node& c = nodes_[i];
            if (c.alive && c.parent >= 0 && nodes_[c.parent].policy == kAnyPolicy) node_set.push_back(static_cast<int>(i));
        }
        for (int i : node_set)
            if (nodes_[i].alive && nodes_[i].policy != kAnyPolicy && !contains(user_set, nodes_[i].policy))
                remove_subtree(i);
        // (3): an anyPolicy leaf stands for every user policy not already present.
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            Node leaf = nodes_[i];
            if (!leaf.alive || leaf.depth != n || leaf.policy != kAnyPolicy) continue;
            for (const auto& p : user_set) {
                bool present = false;
                for (int j : node_set) present = present || (nodes_[j].alive && nodes_[j].policy == p);
                if (!present) add(leaf.parent, p, {p});
            }
            nodes_[i].alive = false;
        }
        prune_below(n);  // (4)
        if (null_) return {};
    }
    // Reported in the trust anchor's policy domain (as X.509 and PKITS state it): the policies
    // of the nodes whose parent is anyPolicy (every live node leads to depth n after pruning),
    // and anyPolicy when an anyPolicy chain reaches the leaf.
    std::vector<std::string> out;
    bool reached = false;
    for (const auto& node : nodes_) {
        if (!node.alive) continue;
        reached = reached || node.depth == n;
        if (node.depth == n && node.policy == kAnyPolicy && !contains(out, kAnyPolicy)) out.push_back(kAnyPolicy);
        if (node.parent >= 0 && nodes_[node.parent].policy == kAnyPolicy && node.policy != kAnyPolicy &&
            !contains(out, node.policy))
            out.push_back(node.policy);
    }
    if (!reached) null_ = true;
    return reached ? out : std::vector<std::string>{};
}

}  // namespace tanba::validation::detail
