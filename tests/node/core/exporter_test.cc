// The export log of a link (node/core/exporter.h): one entry per change of
// the exported set, from domestic logs only, bounded steps that resume
// where they stopped, and signed checkpoints under the export origin.
#include "node/core/exporter.h"

#include <boost/test/unit_test.hpp>
#include <functional>

#include "base/file_util.h"
#include "crypto/checkpoint.h"
#include "crypto/ed25519.h"
#include "crypto/note.h"
#include "node/federation/origin_name.h"
#include "tests/support/node_federation.h"

namespace imeisync::testing {
namespace {

using node::Action;
using node::Entry;
using node::Reason;

constexpr const char* kExport = "imeisync/kz/ministry/export/uz";

// The fixture's federation with foreign member "uz" linked in, the new
// bundle held by every node.
struct LinkedFederation : NodeFederation {
  LinkedFederation() {
    node::federation::AddMemberOptions o;
    o.fed_dir = fed_dir();
    o.id = "uz";
    o.role = node::federation::Role::kForeign;
    o.endpoint = "127.0.0.1:1";
    o.out_dir = dir("uz");
    o.link = node::federation::Link{};
    auto added = node::federation::AddMember(o);
    BOOST_TEST_REQUIRE(added.ok(), added.status().ToString());
    auto text = ReadFile(fed_dir() + "/bundle.toml", 1 << 20);
    auto sig = ReadFile(fed_dir() + "/bundle.toml.sig", 4096);
    BOOST_TEST_REQUIRE((text.ok() && sig.ok()));
    for (node::core::Node* n : {&ministry(), &op1(), &op2()}) {
      REQUIRE_OK(n->bundles().Offer(*text, *sig));
    }
  }

  // FED's bundle with `edit` applied at the next version, given to the
  // ministry.
  imeisync::Status Reissue(
      const std::function<void(node::federation::Bundle&)>& edit) {
    return NodeFederation::Reissue(edit, ministry());
  }

  // Everything op1 and op2 signed, at the ministry.
  void PullAll() {
    for (node::core::Node* n : {&op1(), &op2()}) {
      if (n->reads().CheckpointNote(n->origin()).ok())
        Pull(ministry(), *n, n->origin());
    }
  }

  std::vector<Entry> Exported() {
    auto head = ministry().reads().Head(kExport);
    BOOST_TEST_REQUIRE(head.ok());
    auto entries = ministry().reads().ReadEntries(kExport, 0, head->size);
    BOOST_TEST_REQUIRE(entries.ok(), entries.status().ToString());
    return *entries;
  }

  node::core::ExportStatus ExportOf(node::core::Exporter& e) {
    auto s = e.Exports();
    BOOST_TEST_REQUIRE(s.ok(), s.status().ToString());
    BOOST_TEST_REQUIRE(s->size() == 1u);
    return (*s)[0];
  }
};

uint64_t Step(node::core::Exporter& e, uint64_t max = 1000) {
  auto read = e.Step(max);
  BOOST_TEST_REQUIRE(read.ok(), read.status().ToString());
  return *read;
}

BOOST_AUTO_TEST_SUITE(exporter)

BOOST_FIXTURE_TEST_CASE(one_entry_per_change_of_the_exported_set,
                        LinkedFederation) {
  node::core::Exporter exporter(ministry(), std::chrono::milliseconds(200),
                                [](const std::string&) {});
  const std::string a = "356938035643809", b = "490154203237518",
                    c = "352099001761481", d = "353915050088816";
  Submit(op1(), Action::kBlock, Reason::kStolen, a);
  Submit(op2(), Action::kBlock, Reason::kStolen, a);  // a second source
  Submit(op1(), Action::kBlock, Reason::kLost, b);
  Submit(op1(), Action::kBlock, Reason::kStolen, a);  // no change
  Submit(ministry(), Action::kBlock, Reason::kUnregistered, c);
  Submit(ministry(), Action::kRegister, Reason::kRegistry, d);
  PullAll();

  // Bounded: one entry per step reads one domestic entry.
  BOOST_TEST(Step(exporter, 1) == 1u);
  BOOST_TEST(ExportOf(exporter).pending == 5u);
  BOOST_TEST(Step(exporter) == 5u);
  BOOST_TEST(Step(exporter) == 0u);
  std::vector<Entry> out = Exported();
  BOOST_TEST_REQUIRE(out.size() == 2u);
  // Origins are read in name order: ministry, op1, op2.
  BOOST_TEST((out[0].action == Action::kBlock));
  BOOST_TEST((out[0].reason == Reason::kStolen));
  BOOST_TEST((out[0].tag == Tag(a)));
  BOOST_TEST(out[0].source == op1().origin());
  BOOST_TEST((out[1].reason == Reason::kLost));
  BOOST_TEST((out[1].tag == Tag(b)));
  node::core::ExportStatus s = ExportOf(exporter);
  BOOST_TEST(s.exported == 2u);
  BOOST_TEST(s.pending == 0u);
  BOOST_TEST(s.signed_size == 0u);

  // op1 clears: op2 still blocks, so the set does not change.
  Submit(op1(), Action::kClear, Reason::kStolen, a);
  PullAll();
  BOOST_TEST(Step(exporter) == 1u);
  BOOST_TEST(Exported().size() == 2u);
  // op2 clears the last block: CLEAR, from op2, at op2's time.
  Submit(op2(), Action::kClear, Reason::kStolen, a);
  PullAll();
  BOOST_TEST(Step(exporter) == 1u);
  out = Exported();
  BOOST_TEST_REQUIRE(out.size() == 3u);
  BOOST_TEST((out[2].action == Action::kClear));
  BOOST_TEST((out[2].tag == Tag(a)));
  BOOST_TEST(out[2].source == op2().origin());
  BOOST_TEST(ExportOf(exporter).exported == 1u);

  // Signed under the export origin with the ministry's key.
  auto notes = exporter.SignCheckpoints();
  BOOST_TEST_REQUIRE(notes.ok(), notes.status().ToString());
  BOOST_TEST_REQUIRE(notes->size() == 1u);
  auto cp = op1().replicator().VerifyCheckpoint((*notes)[0]);
  // op1 may not hold it: export logs are for the link's member only.
  BOOST_TEST(cp.status().code() == StatusCode::kPermissionDenied,
             cp.status().ToString());
  auto parsed = crypto::ParseNote((*notes)[0]);
  BOOST_TEST_REQUIRE(parsed.ok());
  auto text = crypto::ParseCheckpointText(parsed->text);
  BOOST_TEST_REQUIRE(text.ok());
  BOOST_TEST(text->origin == kExport);
  BOOST_TEST(text->size == 3u);
  BOOST_TEST(ExportOf(exporter).signed_size == 3u);
  auto again = exporter.SignCheckpoints();
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(again->empty());

  // The export log is outside the ministry's state and frontier.
  auto snap = ministry().state_heads().Snapshot(false);
  BOOST_TEST_REQUIRE(snap.ok());
  for (const auto& o : snap->origins) BOOST_TEST(o.origin != kExport);
  BOOST_TEST_REQUIRE(snap->exports.size() == 1u);
  BOOST_TEST(snap->exports[0].origin == kExport);
}

BOOST_FIXTURE_TEST_CASE(a_new_exporter_resumes_from_its_cursors,
                        LinkedFederation) {
  Submit(op1(), Action::kBlock, Reason::kStolen, "356938035643809");
  PullAll();
  {
    node::core::Exporter first(ministry(), std::chrono::milliseconds(200),
                               [](const std::string&) {});
    BOOST_TEST(Step(first) == 1u);
  }
  Submit(op1(), Action::kBlock, Reason::kStolen, "490154203237518");
  PullAll();
  node::core::Exporter second(ministry(), std::chrono::milliseconds(200),
                              [](const std::string&) {});
  BOOST_TEST(ExportOf(second).pending == 1u);
  BOOST_TEST(Step(second) == 1u);
  BOOST_TEST(Exported().size() == 2u);  // nothing exported twice
}

BOOST_FIXTURE_TEST_CASE(an_export_is_never_re_derived_under_other_reasons,
                        LinkedFederation) {
  node::core::Exporter exporter(ministry(), std::chrono::milliseconds(200),
                                [](const std::string&) {});
  Submit(op1(), Action::kBlock, Reason::kLost, "356938035643809");
  PullAll();
  BOOST_TEST(Step(exporter) == 1u);
  // A bundle that changes what the link exports is refused outright.
  imeisync::Status s = Reissue([](node::federation::Bundle& b) {
    b.links[0].export_reasons = {Reason::kStolen};
  });
  BOOST_TEST(s.code() == StatusCode::kFailedPrecondition, s.ToString());
  BOOST_TEST(s.message().find("changes what the link of uz exports") !=
                 std::string::npos,
             s.ToString());
  // Removed, then back with other reasons: the exporter refuses to go on
  // under them, and says why in its status.
  BOOST_TEST_REQUIRE(
      Reissue([](node::federation::Bundle& b) { b.links.clear(); }).ok());
  BOOST_TEST_REQUIRE(Reissue([](node::federation::Bundle& b) {
                       node::federation::Link link;
                       link.member = "uz";
                       link.exporter = "ministry";
                       link.export_reasons = {Reason::kStolen};
                       b.links.push_back(link);
                     }).ok());
  Submit(op1(), Action::kBlock, Reason::kStolen, "490154203237518");
  PullAll();
  auto read = exporter.Step(1000);
  BOOST_TEST(read.status().code() == StatusCode::kFailedPrecondition,
             read.status().ToString());
  node::core::ExportStatus st = ExportOf(exporter);
  BOOST_TEST(
      st.error.find("was derived for STOLEN,LOST, the bundle now exports "
                    "STOLEN") != std::string::npos,
      st.error);
  BOOST_TEST(st.pending == 1u);
  BOOST_TEST(Exported().size() == 1u);  // nothing more exported
}

BOOST_FIXTURE_TEST_CASE(the_link_node_takes_the_export_and_nothing_else,
                        LinkedFederation) {
  node::core::Exporter exporter(ministry(), std::chrono::milliseconds(200),
                                [](const std::string&) {});
  Submit(op1(), Action::kBlock, Reason::kStolen, "356938035643809");
  PullAll();
  BOOST_TEST(Step(exporter) == 1u);
  auto notes = exporter.SignCheckpoints();
  BOOST_TEST_REQUIRE(notes.ok());
  BOOST_TEST_REQUIRE(notes->size() == 1u);
  auto config = node::federation::LoadNodeConfig(dir("uz") + "/node.toml");
  BOOST_TEST_REQUIRE(config.ok());
  auto uz = node::core::Node::Open(*config);
  BOOST_TEST_REQUIRE(uz.ok(), uz.status().ToString());

  // A checkpoint of the export log signed by any key but the exporter's
  // is refused.
  auto op1_key = crypto::Ed25519PrivateKey::LoadPem(dir("op1") + "/node.key");
  BOOST_TEST_REQUIRE(op1_key.ok());
  auto forger = crypto::NoteSigner::Create(kExport, *std::move(op1_key));
  BOOST_TEST_REQUIRE(forger.ok());
  auto genuine = crypto::ParseNote((*notes)[0]);
  BOOST_TEST_REQUIRE(genuine.ok());
  crypto::Note forged{genuine->text, {forger->Sign(genuine->text)}};
  auto refused =
      (*uz)->replicator().VerifyCheckpoint(crypto::FormatNote(forged));
  BOOST_TEST(refused.status().code() == StatusCode::kInvalidArgument,
             refused.status().ToString());
  // Nor will it hold an operator's log.
  auto op1_note = op1().reads().CheckpointNote(op1().origin());
  BOOST_TEST_REQUIRE(op1_note.ok());
  auto not_ours = (*uz)->replicator().VerifyCheckpoint(*op1_note);
  BOOST_TEST(not_ours.status().code() == StatusCode::kPermissionDenied,
             not_ours.status().ToString());

  // The genuine one applies; the block is there, under the export origin.
  Pull(**uz, ministry(), kExport);
  auto txn = (*uz)->storage().env().BeginRead();
  BOOST_TEST_REQUIRE(txn.ok());
  auto regs = (*uz)->storage().fold().RegistersOf(*txn, Tag("356938035643809"));
  BOOST_TEST_REQUIRE(regs.ok());
  BOOST_TEST_REQUIRE(regs->size() == 1u);
  BOOST_TEST((*regs)[0].origin == kExport);
  BOOST_TEST((*regs)[0].entry.source == op1().origin());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
