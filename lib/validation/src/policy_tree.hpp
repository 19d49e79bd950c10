#pragma once
// The RFC 5280 §6.1 valid_policy_tree.
#include <string>
#include <vector>

#include "cert_facts.hpp"

namespace tanba::validation::detail {

class PolicyTree {
public:
    /// A tree of one anyPolicy node at depth 0.
    PolicyTree();

    bool null() const { return null_; }
    /// §6.1.3 (d)-(e) for certificate `depth` (1-based) of a path of n; `any_allowed` is
    /// inhibit_anyPolicy > 0 or (i < n and self-issued). Returns false when the node cap is hit.
    bool process(const CertFacts& cert, int depth, bool any_allowed);
    /// §6.1.4 (b) for the mappings of certificate `depth`; `map` when policy_mapping > 0.
    void apply_mappings(const CertFacts& cert, int depth, bool map);
    /// §6.1.5 (g): intersects with the user's initial policy set; returns the
    /// user-constrained policy set in the trust anchor's policy domain.
    std::vector<std::string> intersect(const std::vector<std::string>& user_set, int n);

private:
    struct Node {
        int depth;
        int parent;  // index, -1 for the root
        std::string policy;
        std::vector<std::string> expected;
        bool alive = true;
    };
    int add(int parent, std::string policy, std::vector<std::string> expected);
    bool has_children(int idx) const;
    void remove_subtree(int idx);
    void prune_below(int depth);  // deletes childless nodes of depth < `depth`, bottom-up

    std::vector<Node> nodes_;
    bool null_ = false;
};

}  // namespace tanba::validation::detail
