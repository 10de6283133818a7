#include "node/auditor/replay.h"

#include <filesystem>

#include "base/base64.h"
#include "node/federation/origin_name.h"
#include "node/merkle/compact_range.h"
#include "node/merkle/log_hash.h"
#include "node/state/state_fold.h"
#include "node/store/env.h"

namespace imeisync::node::auditor {
namespace {

constexpr size_t kFoldBatch = 100'000;

// Removes the scratch directory however the replay ends.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

Result<ReplayResult> ReplayState(
    NodeSource& source, const std::vector<state::FrontierEntry>& frontier,
    const federation::Bundle& bundle, const std::string& scratch_dir,
    const std::function<void(const std::string&)>& progress) {
  ScratchDir scratch{scratch_dir};
  std::error_code ec;
  std::filesystem::remove_all(scratch_dir, ec);
  store::EnvOptions options;
  options.path = scratch_dir;
  options.databases.assign(state::kStateDatabases.begin(),
                           state::kStateDatabases.end());
  IMEISYNC_ASSIGN_OR_RETURN(std::unique_ptr<store::Env> env,
                            store::Env::Open(options));
  IMEISYNC_ASSIGN_OR_RETURN(state::StateFold fold,
                            state::StateFold::Open(*env));
  ReplayResult result;
  for (const state::FrontierEntry& f : frontier) {
    // As a node folds it (core::Node::FoldNew): the origin's allowance,
    // narrowed by its link for a foreign member.
    federation::Role role = federation::Role::kAuditor;
    federation::Policy policy;
    if (auto id = federation::OriginNode(bundle.federation, f.origin);
        id.ok()) {
      if (const federation::Member* m = bundle.FindMember(*id)) {
        role = m->role;
        policy.roles[role] = federation::AllowanceOf(bundle, *m);
      }
    }
    merkle::CompactRange range;
    std::vector<Entry> pending;
    uint64_t folded = 0;
    auto flush = [&]() -> Status {
      if (pending.empty()) return Status::Ok();
      IMEISYNC_RETURN_IF_ERROR(env->Update([&](store::WriteTxn& txn) {
        return fold.Fold(txn, policy, role, f.origin, folded, pending).status();
      }));
      folded += pending.size();
      pending.clear();
      if (progress) {
        progress("replayed " + std::to_string(folded) + " of " +
                 std::to_string(f.size) + " entries of " + f.origin + " from " +
                 source.id());
      }
      return Status::Ok();
    };
    IMEISYNC_RETURN_IF_ERROR(source.ReadLog(
        f.origin, f.size, [&](std::span<const Entry> entries) -> Status {
          for (const Entry& e : entries) {
            const EncodedEntry bytes = EncodeEntry(e);
            range.Append(merkle::LogLeafHash(bytes));
            pending.push_back(e);
          }
          return pending.size() >= kFoldBatch ? flush() : Status::Ok();
        }));
    IMEISYNC_RETURN_IF_ERROR(flush());
    if (range.Root() != f.root) {
      result.log_mismatches.push_back(
          f.origin + ": entries hash to " + Base64Encode(range.Root()) +
          ", the state head lists " + Base64Encode(f.root));
    }
  }
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env->BeginRead());
  IMEISYNC_ASSIGN_OR_RETURN(result.state_root, fold.Root(txn));
  return result;
}

}  // namespace imeisync::node::auditor
