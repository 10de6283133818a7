#include "tests/node/auditor/fake_federation.h"

#include <boost/test/unit_test.hpp>

#include "base/base64.h"
#include "crypto/note.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "node/federation/origin_name.h"
#include "node/state/state_fold.h"
#include "node/store/env.h"
#include "tests/support/temp_dir.h"

namespace imeisync::node::auditor::testing {
namespace {

using federation::Role;

template <class T>
T Ok(Result<T> r) {
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  return *std::move(r);
}

}  // namespace

std::string Origin(const std::string& id) {
  return federation::OriginName(kFederation, id);
}

std::vector<Entry> MakeEntries(Role role, const std::string& salt,
                               uint64_t first, size_t n) {
  std::vector<Entry> out;
  for (uint64_t i = first; i < first + n; ++i) {
    Entry e{Action::kBlock, Reason::kStolen,
            crypto::Sha256(AsBytes(salt + "/" + std::to_string(i))),
            1764000000000 + i};
    if (role == Role::kMinistry) {
      e.action = i % 2 == 0 ? Action::kRegister : Action::kBlock;
      e.reason = i % 2 == 0 ? Reason::kRegistry : Reason::kCounterfeit;
    } else if (i % 3 == 2) {
      e.reason = Reason::kLost;
    }
    out.push_back(e);
  }
  return out;
}

FakeFederation::FakeFederation() {
  bundle_.emplace(
      federation::Bundle{1,
                         kFederation,
                         federation::TagMode::kSalted,
                         1,
                         Ok(crypto::Ed25519PrivateKey::Generate()).public_key(),
                         "",
                         {},
                         federation::DefaultPolicy(),
                         std::nullopt,
                         {}});
  for (const auto& [id, role] :
       {std::pair{"ministry", Role::kMinistry},
        std::pair{"op1", Role::kOperator}, std::pair{"op2", Role::kOperator},
        std::pair{"auditor", Role::kAuditor}}) {
    seeds_[id] = Ok(crypto::Random32());
    bundle_->members.push_back(
        {id, role, KeyOf(id).public_key(), "", std::nullopt});
    logs_[id] = Log();
  }
  auditor_.emplace(
      Ok(crypto::Cosigner::Create(Origin("auditor"), KeyOf("auditor"))));
}

crypto::Ed25519PrivateKey FakeFederation::KeyOf(const std::string& id) const {
  return Ok(crypto::Ed25519PrivateKey::FromSeed(seeds_.at(id)));
}

crypto::NoteVerifier FakeFederation::AuditorVerifier() const {
  return Ok(auditor_->Verifier());
}

void FakeFederation::Grow(const std::string& id, size_t n) {
  Log& log = logs_.at(id);
  log.Append(MakeEntries(bundle_->FindMember(id)->role, id, log.size(), n));
}

std::string FakeFederation::SignCheckpoint(
    const std::string& signer, const crypto::Checkpoint& checkpoint) const {
  crypto::NoteSigner s =
      Ok(crypto::NoteSigner::Create(checkpoint.origin, KeyOf(signer)));
  crypto::Note note;
  note.text = crypto::FormatCheckpointText(checkpoint);
  note.signatures.push_back(s.Sign(note.text));
  return crypto::FormatNote(note);
}

std::string FakeFederation::SignLog(const std::string& origin_id,
                                    const Log& log) const {
  return SignCheckpoint(origin_id,
                        {Origin(origin_id), log.size(), log.Root(), {}});
}

std::string FakeFederation::Cosign(const std::string& witness,
                                   const std::string& note) const {
  crypto::Note n = Ok(crypto::ParseNote(note));
  crypto::Cosigner c =
      Ok(crypto::Cosigner::Create(Origin(witness), KeyOf(witness)));
  n.signatures.push_back(c.Cosign(n.text, kNowS));
  return crypto::FormatNote(n);
}

std::string FakeFederation::SignStateHead(const std::string& signer,
                                          const state::StateHead& head) const {
  crypto::NoteSigner s =
      Ok(crypto::NoteSigner::Create(Origin(signer), KeyOf(signer)));
  crypto::Note note;
  note.text = state::FormatStateHeadText(head);
  note.signatures.push_back(s.Sign(note.text));
  return crypto::FormatNote(note);
}

Hash32 FakeFederation::FoldedRoot(
    const std::map<std::string, Log>& logs) const {
  std::string key;
  for (const auto& [origin, log] : logs) {
    key += origin + " " + std::to_string(log.size()) + " " +
           Base64Encode(log.Root()) + "\n";
  }
  if (auto it = folded_.find(key); it != folded_.end()) return it->second;
  imeisync::testing::TempDir dir;
  store::EnvOptions options;
  options.path = dir.path();
  options.databases.assign(state::kStateDatabases.begin(),
                           state::kStateDatabases.end());
  options.initial_map_size = size_t{16} << 20;
  std::unique_ptr<store::Env> env = Ok(store::Env::Open(options));
  state::StateFold fold = Ok(state::StateFold::Open(*env));
  for (const auto& [origin, log] : logs) {
    const federation::Member* m =
        bundle_->FindMember(Ok(federation::OriginNode(kFederation, origin)));
    BOOST_TEST_REQUIRE(m != nullptr, origin);
    federation::Policy allowed;
    allowed.roles[m->role] = federation::AllowanceOf(*bundle_, *m);
    Status s = env->Update([&](store::WriteTxn& txn) {
      return fold.Fold(txn, allowed, m->role, origin, 0, log.entries())
          .status();
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  }
  const Hash32 root = Ok(fold.Root(Ok(env->BeginRead())));
  folded_.emplace(key, root);
  return root;
}

std::unique_ptr<FakeNode> FakeFederation::Honest(
    const std::string& id, const std::map<std::string, uint64_t>& sizes) {
  auto node = std::make_unique<FakeNode>(id);
  for (const auto& [member, size] : sizes) {
    if (size == 0) continue;
    const Log log = logs_.at(member).Prefix(size);
    BOOST_TEST_REQUIRE(log.size() == size, member << " has fewer entries");
    node->logs[Origin(member)] = log;
    node->checkpoints[Origin(member)] = SignLog(member, log);
  }
  SignState(*node);
  return node;
}

Log FakeFederation::Fork(const std::string& id, uint64_t keep,
                         uint64_t size) const {
  Log log = logs_.at(id).Prefix(keep);
  log.Append(MakeEntries(bundle_->FindMember(id)->role, id + "/fork", keep,
                         size - keep));
  return log;
}

void FakeFederation::Hold(FakeNode& node, const std::string& origin_id,
                          const Log& log) const {
  node.logs[Origin(origin_id)] = log;
  node.checkpoints[Origin(origin_id)] = SignLog(origin_id, log);
  SignState(node);
}

void FakeFederation::SignState(FakeNode& node,
                               std::optional<Hash32> root) const {
  state::StateHead head;
  head.node_origin = Origin(node.id());
  head.time_ms = kNowS * 1000;
  for (const auto& [origin, log] : node.logs) {
    head.frontier.push_back({origin, log.size(), log.Root()});
  }
  head.state_root = root ? *root : FoldedRoot(node.logs);
  node.state_head = SignStateHead(node.id(), head);
  node.state_root = head.state_root;
}

HonestFederation::HonestFederation() {
  for (const auto& [id, size] : Sizes()) fed.Grow(id, size);
  ministry = fed.Honest("ministry", Sizes());
  op1 = fed.Honest("op1", Sizes());
  op2 = fed.Honest("op2", Sizes());
}

AuditOptions DefaultOptions() {
  AuditOptions o;
  o.now_s = kNowS + 60;
  return o;
}

AuditReport Audit(const FakeFederation& fed, std::vector<FakeNode*> nodes,
                  AuditMemory& memory, AuditOptions options) {
  if (memory.federation.empty()) memory.federation = kFederation;
  std::vector<NodeSource*> sources(nodes.begin(), nodes.end());
  auto report = RunAudit(fed.bundle(), sources, "auditor", fed.auditor(),
                         options, memory);
  BOOST_TEST_REQUIRE(report.ok(), report.status().ToString());
  return *std::move(report);
}

std::vector<Violation> OfKind(const AuditReport& report,
                              const std::string& kind) {
  std::vector<Violation> out;
  for (const Violation& v : report.violations) {
    if (v.kind == kind) out.push_back(v);
  }
  return out;
}

std::string Describe(const AuditReport& report) {
  std::string out = std::to_string(report.violations.size()) + " violations";
  for (const Violation& v : report.violations) {
    out += "\n[" + v.kind + "] node=" + v.node + " origin=" + v.origin + ": " +
           v.detail;
  }
  return out;
}

const OriginSummary& OriginOf(const AuditReport& report,
                              const std::string& origin) {
  for (const OriginSummary& o : report.origins) {
    if (o.origin == origin) return o;
  }
  BOOST_TEST_REQUIRE(false, "no summary of " << origin);
  return report.origins.front();
}

const NodeSummary& NodeOf(const AuditReport& report, const std::string& id) {
  for (const NodeSummary& n : report.nodes) {
    if (n.id == id) return n;
  }
  BOOST_TEST_REQUIRE(false, "no summary of node " << id);
  return report.nodes.front();
}

}  // namespace imeisync::node::auditor::testing
