// The federation bundle a node holds (docs/design.md "Trust and policy"):
// the exact signed bytes, what they parse to, and the answers every other
// part asks of it: this node's role, the member an origin names, what an
// origin may issue, the members' witness keys.
//
// Threads: every method may be called from any thread. Current() returns a
// snapshot; a caller that asks several questions of one bundle version
// takes one snapshot and asks it.
#ifndef IMEISYNC_NODE_CORE_BUNDLE_HOLDER_H_
#define IMEISYNC_NODE_CORE_BUNDLE_HOLDER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "node/federation/bundle.h"
#include "node/replication/witness.h"

namespace imeisync::node::core {

// A bundle as it travels: the exact signed bytes and what they parse to.
struct SignedBundle {
  std::string toml;
  std::string signature;
  federation::Bundle bundle;
};

// What one bundle version says of one origin's log. A pull asks for it
// once and hands it to every step (verify, apply, fold, witness), so that
// one checkpoint is checked and applied under one bundle version.
struct OriginTerms {
  uint64_t bundle_version = 0;
  federation::Member member;         // whose key signs the log
  federation::RolePolicy allowance;  // what its entries may hold
  bool self_may_hold = false;        // federation::MayRead for this node
  std::vector<replication::WitnessKey> witness_keys;  // every member's
};

// `id`'s role in `bundle`; a member missing from it keeps the least power
// (auditor).
federation::Role RoleIn(const federation::Bundle& bundle, std::string_view id);

class BundleHolder {
 public:
  // Loads `bundle_path` and `bundle_path`.sig and checks the signature
  // against the bundle's own federation key (a node trusts the first bundle
  // it is given). Errors name the file; FailedPrecondition if `self_id` is
  // not a member.
  static Result<std::unique_ptr<BundleHolder>> Load(std::string bundle_path,
                                                    std::string self_id);

  std::shared_ptr<const SignedBundle> Current() const;
  // This node's member id.
  const std::string& self_id() const { return self_id_; }
  // This node's role in the current bundle.
  federation::Role role() const;
  // What this node may issue: its role's policy, narrowed by its link for a
  // foreign member, as a policy whose only role is this node's; with the
  // bundle version it came from. Empty when this node is not a member.
  struct OwnAllowance {
    federation::Role role = federation::Role::kAuditor;
    federation::Policy policy;
    uint64_t version = 0;
  };
  OwnAllowance Own() const;

  // Accepts a newer bundle: the signature must verify with the current
  // bundle's federation key, the version must be higher and the federation
  // the same (FailedPrecondition otherwise; InvalidArgument for a bad
  // signature or text). The files at the bundle path are replaced
  // atomically. Returns the version now held.
  Result<uint64_t> Offer(std::string_view toml, std::string_view signature);

  // The terms of `origin` in the current bundle: the member it names; its
  // member's allowance (federation::AllowanceOf) or, for an export log, its
  // link's (federation::ExportAllowance); whether this node may hold it.
  // InvalidArgument for a malformed origin or another federation's;
  // NotFound for a member, or an export log's link, the bundle does not
  // list.
  Result<OriginTerms> TermsOf(std::string_view origin) const;
  // The witness keys of the current bundle's members.
  std::vector<replication::WitnessKey> WitnessKeys() const;

 private:
  BundleHolder(std::string path, std::string self_id,
               std::shared_ptr<const SignedBundle> bundle)
      : path_(std::move(path)),
        self_id_(std::move(self_id)),
        bundle_(std::move(bundle)) {}

  const std::string path_;
  const std::string self_id_;
  mutable std::mutex mu_;
  std::shared_ptr<const SignedBundle> bundle_;  // guarded by mu_
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_BUNDLE_HOLDER_H_
