// A federation of a ministry and two operators on disk, made with the
// real setup code, with the nodes open in this process: for tests of
// node-level behaviour (witnessing, proofs) without daemons.
#ifndef IMEISYNC_TESTS_SUPPORT_NODE_FEDERATION_H_
#define IMEISYNC_TESTS_SUPPORT_NODE_FEDERATION_H_

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "crypto/ed25519.h"
#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/federation/setup.h"
#include "node/imei.h"
#include "tests/support/temp_dir.h"

namespace imeisync::testing {

#define REQUIRE_OK(expr)                                 \
  do {                                                   \
    auto _s = (expr);                                    \
    BOOST_TEST_REQUIRE(_s.ok(), _s.status().ToString()); \
  } while (0)

// `to` pulls `origin`'s log from `from` up to the checkpoint `from` holds
// (or `note`, if given), as a peer round would: verify, read the missing
// entries, apply them under `to`'s terms for the origin.
inline void PullLog(node::core::Node& to, node::core::Node& from,
                    const std::string& origin, const std::string& note = "") {
  auto held = from.reads().CheckpointNote(origin);
  BOOST_TEST_REQUIRE(held.ok(), held.status().ToString());
  auto cp = to.replicator().VerifyCheckpoint(note.empty() ? *held : note);
  BOOST_TEST_REQUIRE(cp.ok(), cp.status().ToString());
  auto have = to.reads().Head(origin);
  BOOST_TEST_REQUIRE(have.ok());
  auto entries =
      from.reads().ReadEntries(origin, have->size, cp->checkpoint.size);
  BOOST_TEST_REQUIRE(entries.ok());
  auto terms = to.bundles().TermsOf(origin);
  BOOST_TEST_REQUIRE(terms.ok(), terms.status().ToString());
  REQUIRE_OK(to.replicator().ApplyRange(*cp, *terms, have->size, *entries));
}

// A federation of a ministry and two operators on disk, with op1 and op2
// open in this process.
class NodeFederation {
 public:
  NodeFederation() {
    namespace fs = std::filesystem;
    const std::string fed = tmp_.File("fed");
    BOOST_TEST_REQUIRE(node::federation::CreateFederation({fed, "kz"}).ok());
    for (const auto& [id, role] :
         {std::pair{"ministry", node::federation::Role::kMinistry},
          std::pair{"op1", node::federation::Role::kOperator},
          std::pair{"op2", node::federation::Role::kOperator}}) {
      node::federation::AddMemberOptions o;
      o.fed_dir = fed;
      o.id = id;
      o.role = role;
      o.out_dir = tmp_.File(id);
      auto added = node::federation::AddMember(o);
      BOOST_TEST_REQUIRE(added.ok(), added.status().ToString());
    }
    for (const char* id : {"ministry", "op1", "op2"}) {
      for (const char* f : {"bundle.toml", "bundle.toml.sig"}) {
        fs::copy_file(fed + "/" + f, tmp_.File(id) + "/" + f,
                      fs::copy_options::overwrite_existing);
      }
    }
    auto bundle = node::federation::LoadFederationBundle(fed);
    BOOST_TEST_REQUIRE(bundle.ok(), bundle.status().ToString());
    bundle_.emplace(*std::move(bundle));
    ministry_ = Open("ministry");
    op1_ = Open("op1");
    op2_ = Open("op2");
  }

  node::core::Node& ministry() { return *ministry_; }
  node::core::Node& op1() { return *op1_; }
  node::core::Node& op2() { return *op2_; }
  const node::federation::Bundle& bundle() const { return *bundle_; }
  std::string fed_dir() const { return tmp_.File("fed"); }
  std::string dir(const std::string& id) const { return tmp_.File(id); }

  Hash32 Tag(const std::string& imei) {
    auto tag = op1_->tags().TagOf(node::Imei::Parse(imei)->imei14());
    BOOST_TEST_REQUIRE(tag.ok());
    return *tag;
  }

  void Submit(node::core::Node& node, node::Action action, node::Reason reason,
              const std::string& imei, bool sign = true) {
    std::vector<std::string> imeis{imei};
    REQUIRE_OK(node.own_log().Submit(action, reason, imeis, 0));
    if (sign) REQUIRE_OK(node.own_log().SignCheckpoint());
  }

  // op1 pulls op2's whole signed log, as a peer round would.
  void Op1PullsOp2() { Pull(*op1_, *op2_, op2_->origin()); }

  // `to` pulls `origin`'s log from `from` (testing::PullLog).
  void Pull(node::core::Node& to, node::core::Node& from,
            const std::string& origin, const std::string& note = "") {
    PullLog(to, from, origin, note);
  }

  // The federation's bundle with `edit` applied at the next version,
  // signed with the federation key, written to FED and offered to `to`.
  // Returns what the offer returned.
  imeisync::Status Reissue(
      const std::function<void(node::federation::Bundle&)>& edit,
      node::core::Node& to) {
    auto b = node::federation::LoadFederationBundle(fed_dir());
    BOOST_TEST_REQUIRE(b.ok(), b.status().ToString());
    edit(*b);
    b->version += 1;
    auto key =
        crypto::Ed25519PrivateKey::LoadPem(fed_dir() + "/federation.key");
    BOOST_TEST_REQUIRE(key.ok());
    const std::string text = node::federation::FormatBundle(*b);
    const std::string sig = node::federation::SignBundle(text, *key);
    for (const auto& [path, bytes] :
         {std::pair{fed_dir() + "/bundle.toml", text},
          std::pair{fed_dir() + "/bundle.toml.sig", sig}}) {
      BOOST_TEST_REQUIRE(
          WriteFileAtomic(path, AsBytes(bytes), 0644, Overwrite::kYes).ok());
    }
    return to.bundles().Offer(text, sig).status();
  }

 private:
  std::unique_ptr<node::core::Node> Open(const std::string& id) {
    auto config =
        node::federation::LoadNodeConfig(tmp_.File(id) + "/node.toml");
    BOOST_TEST_REQUIRE(config.ok(), config.status().ToString());
    auto node = node::core::Node::Open(*config);
    BOOST_TEST_REQUIRE(node.ok(), node.status().ToString());
    return *std::move(node);
  }

  TempDir tmp_;
  std::optional<node::federation::Bundle> bundle_;
  std::unique_ptr<node::core::Node> ministry_, op1_, op2_;
};

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_SUPPORT_NODE_FEDERATION_H_
