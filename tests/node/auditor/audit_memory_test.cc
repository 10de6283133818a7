// AuditMemory: what an auditor remembers between runs, its file, and the
// checks a later run makes against it.
#include <boost/test/unit_test.hpp>
#include <random>

#include "base/file_util.h"
#include "tests/node/auditor/fake_federation.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::auditor::testing {
namespace {

using imeisync::testing::TempDir;

// A first run over an honest federation, saved in a state directory.
struct Remembering : HonestFederation {
  Remembering() {
    const AuditReport r = Audit(fed, nodes(), memory);
    BOOST_TEST_REQUIRE(r.violations.empty(), Describe(r));
    auto dir = AuditDir::Open(tmp.path());
    BOOST_TEST_REQUIRE(dir.ok(), dir.status().ToString());
    BOOST_TEST_REQUIRE(dir->Save(memory).ok());
  }
  // The memory as the next run loads it.
  AuditMemory Load() {
    auto dir = AuditDir::Open(tmp.path());
    BOOST_TEST_REQUIRE(dir.ok(), dir.status().ToString());
    auto m = dir->Load(kFederation);
    BOOST_TEST_REQUIRE(m.ok(), m.status().ToString());
    return *std::move(m);
  }
  TempDir tmp;
};

BOOST_AUTO_TEST_SUITE(audit_memory)

BOOST_FIXTURE_TEST_CASE(the_saved_memory_loads_back_equal, Remembering) {
  BOOST_TEST((Load() == memory));
  BOOST_TEST(memory.origins.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(a_fork_seen_in_a_later_run_is_a_split_view_across_runs,
                        Remembering) {
  const std::string remembered = memory.origins.at(Origin("op1")).note;
  // Every node now serves a fork of op1 at the size remembered.
  for (FakeNode* n : nodes()) fed.Hold(*n, "op1", fed.Fork("op1", 2, 4));
  AuditMemory loaded = Load();
  const AuditReport r = Audit(fed, nodes(), loaded);
  const auto split = OfKind(r, "split-view");
  BOOST_TEST_REQUIRE(split.size() == 1u, Describe(r));
  BOOST_TEST(split[0].origin == Origin("op1"));
  BOOST_TEST(Has(split[0].detail,
                 "two checkpoints of size 4 with different "
                 "roots"),
             split[0].detail);
  BOOST_TEST(Has(split[0].detail, "the auditor's memory"), split[0].detail);
  BOOST_TEST((std::count(split[0].evidence.begin(), split[0].evidence.end(),
                         remembered) == 1));
  BOOST_TEST((std::count(split[0].evidence.begin(), split[0].evidence.end(),
                         ministry->checkpoints[Origin("op1")]) == 1));
  // What was remembered stays: the fork is neither cosigned nor learnt.
  BOOST_TEST(!OriginOf(r, Origin("op1")).cosigned_now);
  BOOST_TEST(loaded.origins.at(Origin("op1")).note == remembered);
}

BOOST_FIXTURE_TEST_CASE(
    a_larger_checkpoint_off_the_remembered_log_is_a_split_view, Remembering) {
  for (FakeNode* n : nodes()) fed.Hold(*n, "op1", fed.Fork("op1", 3, 6));
  AuditMemory loaded = Load();
  const AuditReport r = Audit(fed, nodes(), loaded);
  const auto split = OfKind(r, "split-view");
  BOOST_TEST_REQUIRE(split.size() == 1u, Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
  BOOST_TEST(Has(split[0].detail,
                 "(from the auditor's memory) is not a prefix "
                 "of size 6"),
             split[0].detail);
  BOOST_TEST(split[0].evidence.front() ==
             memory.origins.at(Origin("op1")).note);
  BOOST_TEST(!OriginOf(r, Origin("op1")).cosigned_now);
}

BOOST_FIXTURE_TEST_CASE(a_log_that_grew_is_proven_and_cosigned_again,
                        Remembering) {
  fed.Grow("op1", 3);
  for (FakeNode* n : nodes()) fed.Hold(*n, "op1", fed.log("op1"));
  AuditMemory loaded = Load();
  AuditOptions later = DefaultOptions();
  later.now_s += 3600;
  const AuditReport r = Audit(fed, nodes(), loaded, later);
  BOOST_TEST(r.violations.empty(), Describe(r));
  BOOST_TEST(r.consistency_proofs == 1u);  // remembered 4 -> 7
  BOOST_TEST(OriginOf(r, Origin("op1")).cosigned_now);
  BOOST_TEST(
      (*loaded.origins.at(Origin("op1")).cosigned ==
       replication::CosignedHead{7, fed.log("op1").Root(), later.now_s}));
}

BOOST_FIXTURE_TEST_CASE(when_every_node_is_behind_memory_nothing_is_claimed,
                        Remembering) {
  for (FakeNode* n : nodes()) fed.Hold(*n, "op1", fed.log("op1").Prefix(2));
  AuditMemory loaded = Load();
  const AuditReport r = Audit(fed, nodes(), loaded);
  BOOST_TEST(r.violations.empty(), Describe(r));
  const OriginSummary& o = OriginOf(r, Origin("op1"));
  BOOST_TEST(o.nodes_behind);
  BOOST_TEST(o.size == 4u);
  BOOST_TEST(o.served_by.empty());
  BOOST_TEST(!o.cosigned_now);
  BOOST_TEST(r.consistency_proofs == 0u);
}

BOOST_FIXTURE_TEST_CASE(
    a_checkpoint_off_what_the_auditor_cosigned_is_a_split_view, Remembering) {
  // The auditor remembers a larger note, but cosigned a fork at 3.
  fed.Grow("op1", 2);
  for (FakeNode* n : nodes()) fed.Hold(*n, "op1", fed.log("op1"));
  AuditMemory loaded = Load();
  loaded.origins[Origin("op1")].note = ministry->checkpoints[Origin("op1")];
  loaded.origins[Origin("op1")].cosigned =
      replication::CosignedHead{3, fed.Fork("op1", 1, 3).Root(), kNowS};
  const AuditReport r = Audit(fed, nodes(), loaded);
  const auto split = OfKind(r, "split-view");
  BOOST_TEST_REQUIRE(split.size() == 1u, Describe(r));
  BOOST_TEST(Has(split[0].detail, "size 3 root"), split[0].detail);
  BOOST_TEST(Has(split[0].detail,
                 "(from the auditor's memory) is not a prefix "
                 "of size 6"),
             split[0].detail);
  BOOST_TEST(!OriginOf(r, Origin("op1")).cosigned_now);
}

BOOST_FIXTURE_TEST_CASE(a_remembered_note_that_no_longer_verifies_is_an_error,
                        Remembering) {
  AuditMemory loaded = Load();
  std::string& note = loaded.origins[Origin("op1")].note;
  note.replace(note.find("\n4\n"), 3, "\n5\n");
  std::vector<NodeSource*> sources{ministry.get(), op1.get(), op2.get()};
  auto r = RunAudit(fed.bundle(), sources, "auditor", fed.auditor(),
                    DefaultOptions(), loaded);
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(
      Has(r.status().message(), "remembers a checkpoint of " + Origin("op1") +
                                    " that does not verify"),
      r.status().message());
  BOOST_TEST(Has(r.status().message(), "the state file was altered"),
             r.status().message());
}

BOOST_FIXTURE_TEST_CASE(a_tampered_state_file_is_refused_naming_the_file,
                        Remembering) {
  auto dir = AuditDir::Open(tmp.path());
  BOOST_TEST_REQUIRE(dir.ok());
  const std::string good = FormatAuditMemory(memory);
  auto swap = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const size_t at = t.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, from);
    return t.replace(at, from.size(), to);
  };
  struct Case {
    std::string name, text, want;
  } cases[] = {
      {"truncated", good.substr(0, good.size() / 2), "not a JSON object"},
      {"binary", std::string("\0\xff\x01", 3), "not a JSON object"},
      {"version 2", swap("\"version\": 1", "\"version\": 2"), "version 2"},
      {"no note", swap("\"note\"", "\"nope\""), "field \"note\" is missing"},
      {"bad root", swap("\"cosigned_root\": \"", "\"cosigned_root\": \"!"),
       "\"cosigned_root\" is not base64 of 32 bytes"},
      {"negative size", swap("\"cosigned_size\": ", "\"cosigned_size\": -"),
       "non-negative integer"},
      {"another federation",
       swap("\"federation\": \"kz\"", "\"federation\": \"uz\""),
       "the state is of federation \"uz\""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST_REQUIRE(WriteFileAtomic(dir->StateFile(), AsBytes(c.text),
                                         0600, Overwrite::kYes)
                             .ok());
      auto m = dir->Load(kFederation);
      BOOST_TEST_REQUIRE(!m.ok());
      BOOST_TEST(m.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(Has(m.status().message(), dir->StateFile()),
                 m.status().message());
      BOOST_TEST(Has(m.status().message(), c.want), m.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(
    a_first_run_starts_empty_and_a_second_audit_is_locked_out) {
  TempDir tmp;
  auto dir = AuditDir::Open(tmp.File("state"));
  BOOST_TEST_REQUIRE(dir.ok(), dir.status().ToString());
  auto m = dir->Load(kFederation);
  BOOST_TEST_REQUIRE(m.ok(), m.status().ToString());
  BOOST_TEST((*m == AuditMemory{kFederation, {}}));
  auto other = AuditDir::Open(tmp.File("state"));
  BOOST_TEST(other.status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(Has(other.status().message(), "another audit is using"));
}

BOOST_AUTO_TEST_CASE(format_then_parse_round_trips_random_memories) {
  std::mt19937_64 rng(imeisync::testing::TestSeed(
      "format_then_parse_round_trips_random_memories"));
  for (int i = 0; i < 100; ++i) {
    AuditMemory m{"fed" + std::to_string(rng() % 100), {}};
    const int n = static_cast<int>(rng() % 4);
    for (int j = 0; j < n; ++j) {
      RememberedOrigin r;
      r.note = "imeisync/kz/op" + std::to_string(j) + "\n" +
               std::to_string(rng()) + "\n\n— x \"quoted\" \\ é\n";
      if (rng() % 2) {
        replication::CosignedHead h{rng() >> 1, {}, rng() >> 1};
        for (auto& b : h.root) b = static_cast<uint8_t>(rng());
        r.cosigned = h;
      }
      m.origins.emplace("imeisync/kz/op" + std::to_string(j), r);
    }
    auto back = ParseAuditMemory(FormatAuditMemory(m), "state");
    BOOST_TEST_REQUIRE(back.ok(), back.status().ToString());
    BOOST_TEST((*back == m));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::auditor::testing
