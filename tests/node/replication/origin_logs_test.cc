#include "node/replication/origin_logs.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "crypto/note.h"
#include "crypto/sha256.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::replication {
namespace {

using testing::TempDir;

constexpr char kOrigin[] = "imeisync/kz/beeline";

std::unique_ptr<store::Env> OpenEnv(const std::string& path) {
  store::EnvOptions o;
  o.path = path;
  o.databases.assign(kOriginLogDatabases.begin(), kOriginLogDatabases.end());
  o.initial_map_size = size_t{64} << 20;
  auto env = store::Env::Open(o);
  BOOST_TEST_REQUIRE(env.ok(), env.status().ToString());
  return std::move(*env);
}

std::vector<Entry> RandomEntries(std::mt19937_64& rng, size_t n) {
  std::vector<Entry> out;
  for (size_t i = 0; i < n; ++i) {
    uint64_t x = rng();
    out.push_back({Action::kBlock, Reason::kStolen,
                   crypto::Sha256(ByteView(reinterpret_cast<uint8_t*>(&x), 8)),
                   1764000000000 + i});
  }
  return out;
}

// An origin node: appends to its own log and signs checkpoints.
struct Origin {
  explicit Origin(const std::string& path)
      : env(OpenEnv(path)),
        logs(*OriginLogs::Open(*env)),
        signer(*crypto::NoteSigner::Create(
            kOrigin, *crypto::Ed25519PrivateKey::Generate())) {}

  VerifiedCheckpoint Append(const std::vector<Entry>& entries) {
    VerifiedCheckpoint cp;
    Status s = env->Update([&](store::WriteTxn& txn) -> Status {
      IMEISYNC_ASSIGN_OR_RETURN(LogHead head,
                                logs.Append(txn, kOrigin, entries));
      cp = Sign(head);
      return logs.RecordCheckpoint(txn, cp);
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
    return cp;
  }
  VerifiedCheckpoint Sign(const LogHead& head) const {
    VerifiedCheckpoint cp;
    cp.checkpoint = {kOrigin, head.size, head.root, {}};
    crypto::Note note;
    note.text = crypto::FormatCheckpointText(cp.checkpoint);
    note.signatures.push_back(signer.Sign(note.text));
    cp.note = crypto::FormatNote(note);
    return cp;
  }
  std::vector<Entry> Read(uint64_t begin, uint64_t end) {
    auto txn = *env->BeginRead();
    return *logs.Read(txn, kOrigin, begin, end);
  }

  std::unique_ptr<store::Env> env;
  OriginLogs logs;
  crypto::NoteSigner signer;
};

Status StatusOf(const Result<LogHead>& r) { return r.status(); }

struct Replica {
  explicit Replica(const std::string& path)
      : env(OpenEnv(path)), logs(*OriginLogs::Open(*env)) {}

  Result<ApplyOutcome> Apply(const VerifiedCheckpoint& cp,
                             const std::vector<Entry>& entries) {
    Result<ApplyOutcome> out = Internal("not run");
    Status s = env->Update([&](store::WriteTxn& txn) -> Status {
      out = logs.Apply(txn, cp, entries);
      return out.status();
    });
    return out;
  }
  LogHead Head() {
    auto txn = *env->BeginRead();
    return *logs.Head(txn, kOrigin);
  }

  std::unique_ptr<store::Env> env;
  OriginLogs logs;
};

BOOST_AUTO_TEST_SUITE(origin_logs)

BOOST_AUTO_TEST_CASE(a_replica_applies_verified_ranges_and_matches_the_origin) {
  std::mt19937_64 rng(testing::TestSeed("a_replica_applies_verified_ranges"));
  TempDir od, rd;
  Origin origin(od.path());
  Replica replica(rd.path());
  uint64_t size = 0;
  for (size_t batch : {1u, 7u, 300u, 64u, 1000u}) {
    VerifiedCheckpoint cp = origin.Append(RandomEntries(rng, batch));
    auto outcome = replica.Apply(cp, origin.Read(size, cp.checkpoint.size));
    BOOST_REQUIRE_MESSAGE(outcome.ok(), outcome.status().message());
    BOOST_TEST((*outcome == ApplyOutcome::kApplied));
    size = cp.checkpoint.size;
    BOOST_TEST(
        (replica.Head() == LogHead{cp.checkpoint.size, cp.checkpoint.root}));
  }
  auto txn = *replica.env->BeginRead();
  BOOST_TEST(replica.logs.Read(txn, kOrigin, 0, size)->size() == size);
  BOOST_TEST(
      (*replica.logs.Read(txn, kOrigin, 0, size) == origin.Read(0, size)));
  auto frontier = *replica.logs.Frontier(txn);
  BOOST_REQUIRE(frontier.size() == 1u);
  BOOST_TEST(frontier[0].first == kOrigin);
  BOOST_TEST(frontier[0].second.size == size);
  BOOST_TEST(*replica.logs.CheckpointNote(txn, kOrigin) ==
             *origin.logs.CheckpointNote(*origin.env->BeginRead(), kOrigin));
}

BOOST_AUTO_TEST_CASE(
    entries_that_do_not_hash_to_the_signed_root_apply_nothing) {
  std::mt19937_64 rng(
      testing::TestSeed("entries_that_do_not_hash_to_the_signed_root"));
  TempDir od, rd;
  Origin origin(od.path());
  Replica replica(rd.path());
  VerifiedCheckpoint first = origin.Append(RandomEntries(rng, 10));
  BOOST_REQUIRE(replica.Apply(first, origin.Read(0, 10)).ok());
  VerifiedCheckpoint second = origin.Append(RandomEntries(rng, 10));
  std::vector<Entry> forged = origin.Read(10, 20);
  forged[3].reason = Reason::kCourtOrder;
  auto outcome = replica.Apply(second, forged);
  BOOST_TEST(outcome.status().code() == StatusCode::kDataLoss);
  BOOST_TEST(
      outcome.status().message() ==
      "entries 10..20 of imeisync/kz/beeline do not hash to the signed root");
  BOOST_TEST(replica.Head().size == 10u);
  auto missing = replica.Apply(second, origin.Read(10, 19));
  BOOST_TEST(missing.status().message().find(
                 "needs 10 new entries after 10, got 9") != std::string::npos);
  BOOST_TEST(
      (*replica.Apply(second, origin.Read(10, 20)) == ApplyOutcome::kApplied));
}

BOOST_AUTO_TEST_CASE(an_older_consistent_checkpoint_is_already_known) {
  std::mt19937_64 rng(testing::TestSeed("an_older_consistent_checkpoint"));
  TempDir od, rd;
  Origin origin(od.path());
  Replica replica(rd.path());
  VerifiedCheckpoint old = origin.Append(RandomEntries(rng, 5));
  VerifiedCheckpoint now = origin.Append(RandomEntries(rng, 5));
  BOOST_REQUIRE(replica.Apply(now, origin.Read(0, 10)).ok());
  BOOST_TEST((*replica.Apply(old, {}) == ApplyOutcome::kAlreadyHave));
  BOOST_TEST((*replica.Apply(now, {}) == ApplyOutcome::kAlreadyHave));
  auto txn = *replica.env->BeginRead();
  BOOST_TEST(!*replica.logs.Frozen(txn, kOrigin));
}

BOOST_AUTO_TEST_CASE(
    an_equivocating_origin_is_frozen_with_both_notes_as_evidence) {
  std::mt19937_64 rng(testing::TestSeed("an_equivocating_origin_is_frozen"));
  TempDir od, fd, rd;
  Origin origin(od.path());
  VerifiedCheckpoint honest = origin.Append(RandomEntries(rng, 8));
  // The same key signs a different history of the same size.
  Origin fork(fd.path());
  fork.signer = std::move(origin.signer);
  VerifiedCheckpoint split = fork.Append(RandomEntries(rng, 8));
  BOOST_REQUIRE(honest.checkpoint.size == split.checkpoint.size);

  Replica replica(rd.path());
  BOOST_REQUIRE(replica.Apply(honest, origin.Read(0, 8)).ok());
  auto outcome = replica.Apply(split, {});
  BOOST_REQUIRE(outcome.ok());
  BOOST_TEST((*outcome == ApplyOutcome::kEquivocation));
  {
    auto txn = *replica.env->BeginRead();
    BOOST_TEST(*replica.logs.Frozen(txn, kOrigin));
    auto evidence = *replica.logs.AllEvidence(txn);
    BOOST_REQUIRE(evidence.size() == 1u);
    BOOST_TEST(evidence[0].origin == kOrigin);
    BOOST_TEST(evidence[0].first_note == honest.note);
    BOOST_TEST(evidence[0].second_note == split.note);
    // Anyone with the origin's key can check it.
    auto key = *fork.signer.Verifier();
    BOOST_TEST(CheckEvidence(evidence[0], key).ok());
    auto stranger = *crypto::NoteSigner::Create(
        kOrigin, *crypto::Ed25519PrivateKey::Generate());
    BOOST_TEST(!CheckEvidence(evidence[0], *stranger.Verifier()).ok());
  }
  // Nothing more from that origin, not even its honest continuation.
  VerifiedCheckpoint more = fork.Append(RandomEntries(rng, 2));
  BOOST_TEST(replica.Apply(more, fork.Read(8, 10)).status().code() ==
             StatusCode::kFailedPrecondition);
  BOOST_TEST(replica.Head().size == 8u);
}

BOOST_AUTO_TEST_CASE(
    a_contradicting_smaller_checkpoint_comes_with_a_checkable_proof) {
  std::mt19937_64 rng(testing::TestSeed("a_contradicting_smaller_checkpoint"));
  TempDir od, fd, rd;
  Origin origin(od.path());
  const auto prefix = RandomEntries(rng, 5);
  origin.Append(prefix);
  VerifiedCheckpoint honest = origin.Append(RandomEntries(rng, 7));  // size 12
  // The same key signs a size-9 history that rewrote entry 6.
  Origin fork(fd.path());
  fork.signer = std::move(origin.signer);
  fork.Append(prefix);
  VerifiedCheckpoint split = fork.Append(RandomEntries(rng, 4));  // size 9
  Replica replica(rd.path());
  BOOST_REQUIRE(replica.Apply(honest, origin.Read(0, 12)).ok());
  BOOST_TEST((*replica.Apply(split, {}) == ApplyOutcome::kEquivocation));
  auto txn = *replica.env->BeginRead();
  auto evidence = *replica.logs.AllEvidence(txn);
  BOOST_REQUIRE(evidence.size() == 1u);
  BOOST_REQUIRE(evidence[0].prefix_root.has_value());
  BOOST_TEST(!evidence[0].proof.empty());
  auto key = *fork.signer.Verifier();
  Status ok = CheckEvidence(evidence[0], key);
  BOOST_TEST(ok.ok(), ok.ToString());
  // A tampered proof no longer proves anything.
  Evidence bad = evidence[0];
  bad.proof[0][0] ^= 1;
  BOOST_TEST(CheckEvidence(bad, key).message().find(
                 "evidence consistency proof") == 0u);
  // Two consistent checkpoints are no evidence.
  Evidence consistent = evidence[0];
  consistent.second_note =
      *origin.logs.CheckpointNote(*origin.env->BeginRead(), kOrigin);
  BOOST_TEST(!CheckEvidence(consistent, key).ok());
}

BOOST_AUTO_TEST_CASE(logs_and_evidence_survive_reopen) {
  std::mt19937_64 rng(testing::TestSeed("logs_and_evidence_survive_reopen"));
  TempDir od, rd;
  Origin origin(od.path());
  VerifiedCheckpoint cp = origin.Append(RandomEntries(rng, 100));
  {
    Replica replica(rd.path());
    BOOST_REQUIRE(replica.Apply(cp, origin.Read(0, 100)).ok());
  }
  Replica reopened(rd.path());
  BOOST_TEST((reopened.Head() == LogHead{100, cp.checkpoint.root}));
  auto txn = *reopened.env->BeginRead();
  BOOST_TEST(
      (*reopened.logs.Read(txn, kOrigin, 0, 100) == origin.Read(0, 100)));
  BOOST_TEST(reopened.logs.Read(txn, kOrigin, 99, 101).status().code() ==
             StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(a_missing_entry_is_data_loss_not_another_origins_entry) {
  TempDir dir;
  auto env = OpenEnv(dir.path());
  OriginLogs logs = *OriginLogs::Open(*env);
  // Two origins with names of equal length, one entry each.
  const std::string a = "imeisync/kz/aaaaaa", b = "imeisync/kz/bbbbbb";
  std::vector<Entry> ea = {{Action::kBlock, Reason::kStolen, Hash32{1}, 1}};
  std::vector<Entry> eb = {{Action::kBlock, Reason::kLost, Hash32{2}, 2}};
  BOOST_REQUIRE(env->Update([&](store::WriteTxn& txn) -> Status {
                     IMEISYNC_RETURN_IF_ERROR(logs.Append(txn, a, ea).status());
                     return logs.Append(txn, b, eb).status();
                   })
                    .ok());
  // Lose a's only entry, as a damaged disk might.
  Bytes key(1 + a.size() + 8, 0);  // len origin index(8) = 0
  key[0] = static_cast<uint8_t>(a.size());
  std::copy(a.begin(), a.end(), key.begin() + 1);
  BOOST_REQUIRE(env->Update([&](store::WriteTxn& txn) {
                     return txn.Delete(*env->Database("log_entries"), key);
                   })
                    .ok());
  auto txn = *env->BeginRead();
  auto read = logs.Read(txn, a, 0, 1);
  BOOST_TEST(read.status().code() == StatusCode::kDataLoss);
  BOOST_TEST(read.status().message() ==
             "entry 0 of imeisync/kz/aaaaaa is missing");
}

BOOST_AUTO_TEST_CASE(a_long_range_applies_in_pieces_checked_by_consistency) {
  std::mt19937_64 rng(testing::TestSeed("a_long_range_applies_in_pieces"));
  TempDir od, rd;
  Origin origin(od.path());
  Replica replica(rd.path());
  VerifiedCheckpoint cp = origin.Append(RandomEntries(rng, 1000));
  const std::vector<Entry> all = origin.Read(0, 1000);
  uint64_t at = 0;
  for (uint64_t end : {1u, 333u, 334u, 999u}) {
    auto proof = origin.logs.ConsistencyProof(*origin.env->BeginRead(), kOrigin,
                                              end, 1000);
    BOOST_TEST_REQUIRE(proof.ok(), proof.status().ToString());
    std::vector<Entry> piece(all.begin() + static_cast<long>(at),
                             all.begin() + static_cast<long>(end));
    Status s = replica.env->Update([&](store::WriteTxn& txn) {
      return StatusOf(replica.logs.ApplyPrefix(txn, cp, piece, *proof));
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
    BOOST_TEST(replica.Head().size == end);
    at = end;
  }
  // No checkpoint yet covers the pieces, but the frontier lists them.
  {
    auto txn = *replica.env->BeginRead();
    BOOST_TEST(replica.logs.CheckpointNote(txn, kOrigin).status().code() ==
               StatusCode::kNotFound);
    auto frontier = *replica.logs.Frontier(txn);
    BOOST_REQUIRE(frontier.size() == 1u);
    BOOST_TEST(frontier[0].second.size == 999u);
  }
  auto last = replica.Apply(cp, {all.back()});
  BOOST_TEST_REQUIRE(last.ok(), last.status().ToString());
  BOOST_TEST((replica.Head() == LogHead{1000, cp.checkpoint.root}));
}

BOOST_AUTO_TEST_CASE(
    a_piece_that_is_not_a_prefix_of_the_signed_log_is_refused) {
  std::mt19937_64 rng(testing::TestSeed("a_piece_that_is_not_a_prefix"));
  TempDir od, rd;
  Origin origin(od.path());
  Replica replica(rd.path());
  VerifiedCheckpoint cp = origin.Append(RandomEntries(rng, 100));
  std::vector<Entry> piece = origin.Read(0, 40);
  auto proof =
      *origin.logs.ConsistencyProof(*origin.env->BeginRead(), kOrigin, 40, 100);
  piece[17].issued_at_ms += 1;
  Status s = replica.env->Update([&](store::WriteTxn& txn) {
    return StatusOf(replica.logs.ApplyPrefix(txn, cp, piece, proof));
  });
  BOOST_TEST(s.code() == StatusCode::kDataLoss);
  BOOST_TEST(s.message().find("not a prefix of the signed log of size 100") !=
                 std::string::npos,
             s.message());
  BOOST_TEST(replica.Head().size == 0u);  // the transaction was aborted
  // A piece reaching the checkpoint's size must come through Apply().
  s = replica.env->Update([&](store::WriteTxn& txn) {
    return StatusOf(
        replica.logs.ApplyPrefix(txn, cp, origin.Read(0, 100), proof));
  });
  BOOST_TEST(s.code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(
    evidence_is_against_the_stored_checkpoint_not_unsigned_pieces) {
  std::mt19937_64 rng(testing::TestSeed("evidence_against_stored_checkpoint"));
  TempDir od, fd, rd;
  Origin origin(od.path());
  const auto prefix = RandomEntries(rng, 5);
  VerifiedCheckpoint first = origin.Append(prefix);                // size 5
  VerifiedCheckpoint big = origin.Append(RandomEntries(rng, 20));  // size 25
  Origin fork(fd.path());
  fork.signer = std::move(origin.signer);
  fork.Append(RandomEntries(rng, 3));
  VerifiedCheckpoint small = fork.Append(RandomEntries(rng, 1));  // size 4
  fork.Append(RandomEntries(rng, 6));
  VerifiedCheckpoint mid = fork.Append(RandomEntries(rng, 5));  // size 15
  Replica replica(rd.path());
  BOOST_REQUIRE(replica.Apply(first, origin.Read(0, 5)).ok());
  // A pull of the size-25 log stops after a verified piece up to 20.
  auto proof =
      *origin.logs.ConsistencyProof(*origin.env->BeginRead(), kOrigin, 20, 25);
  Status piece = replica.env->Update([&](store::WriteTxn& txn) {
    return StatusOf(
        replica.logs.ApplyPrefix(txn, big, origin.Read(5, 20), proof));
  });
  BOOST_REQUIRE(piece.ok());
  // Contradicting only the unsigned piece: refused, origin not frozen.
  auto outcome = replica.Apply(mid, {});
  BOOST_TEST(outcome.status().code() == StatusCode::kDataLoss);
  BOOST_TEST(!*replica.logs.Frozen(*replica.env->BeginRead(), kOrigin));
  // Contradicting the stored signed checkpoint: evidence anyone can check.
  BOOST_TEST((*replica.Apply(small, {}) == ApplyOutcome::kEquivocation));
  auto evidence = *replica.logs.AllEvidence(*replica.env->BeginRead());
  BOOST_REQUIRE(evidence.size() == 1u);
  BOOST_TEST(evidence[0].first_note == first.note);
  Status ok = CheckEvidence(evidence[0], *fork.signer.Verifier());
  BOOST_TEST(ok.ok(), ok.ToString());
}

BOOST_AUTO_TEST_CASE(the_frontier_lists_unsigned_logs_sorted_by_origin) {
  std::mt19937_64 rng(testing::TestSeed("the_frontier_lists_unsigned_logs"));
  TempDir dir;
  Replica node(dir.path());
  // Key order is by origin length first; the frontier sorts by name.
  for (const char* o :
       {"imeisync/kz/zz", "imeisync/kz/ministry", "imeisync/kz/a"}) {
    Status s = node.env->Update([&](store::WriteTxn& txn) {
      return node.logs.Append(txn, o, RandomEntries(rng, 3)).status();
    });
    BOOST_TEST_REQUIRE(s.ok());
  }
  auto frontier = *node.logs.Frontier(*node.env->BeginRead());
  BOOST_REQUIRE(frontier.size() == 3u);
  BOOST_TEST(frontier[0].first == "imeisync/kz/a");
  BOOST_TEST(frontier[1].first == "imeisync/kz/ministry");
  BOOST_TEST(frontier[2].first == "imeisync/kz/zz");
  BOOST_TEST(frontier[1].second.size == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::replication
