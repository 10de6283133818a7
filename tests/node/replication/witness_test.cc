#include "node/replication/witness.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "base/big_endian.h"
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
  o.databases.insert(o.databases.end(), kWitnessDatabases.begin(),
                     kWitnessDatabases.end());
  o.initial_map_size = size_t{64} << 20;
  auto env = store::Env::Open(o);
  BOOST_TEST_REQUIRE(env.ok(), env.status().ToString());
  return std::move(*env);
}

std::vector<Entry> Entries(uint64_t seed, size_t n) {
  std::vector<Entry> out;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = seed * 1000 + i;
    out.push_back({Action::kBlock, Reason::kStolen,
                   crypto::Sha256(ByteView(reinterpret_cast<const uint8_t*>(&x),
                                           sizeof x)),
                   1764000000000 + i});
  }
  return out;
}

crypto::Cosigner NewCosigner(const std::string& name) {
  return *crypto::Cosigner::Create(name,
                                   *crypto::Ed25519PrivateKey::Generate());
}

// A node holding one origin's log, witnessing it.
struct Fixture {
  TempDir dir;
  std::unique_ptr<store::Env> env = OpenEnv(dir.path());
  OriginLogs logs = *OriginLogs::Open(*env);
  Witness witness = *Witness::Open(*env);
  crypto::Cosigner cosigner = NewCosigner("imeisync/kz/ministry");

  crypto::Checkpoint Append(const std::vector<Entry>& entries) {
    crypto::Checkpoint c;
    Status s = env->Update([&](store::WriteTxn& txn) -> Status {
      IMEISYNC_ASSIGN_OR_RETURN(LogHead head,
                                logs.Append(txn, kOrigin, entries));
      c = {kOrigin, head.size, head.root, {}};
      return Status::Ok();
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
    return c;
  }
  Result<crypto::NoteSignature> Cosign(const crypto::Checkpoint& c,
                                       uint64_t at) {
    crypto::NoteSignature sig;
    Status s = env->Update([&](store::WriteTxn& txn) -> Status {
      IMEISYNC_ASSIGN_OR_RETURN(sig,
                                witness.Cosign(txn, logs, c, cosigner, at));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return sig;
  }
  std::optional<CosignedHead> Last() {
    auto txn = env->BeginRead();
    BOOST_TEST_REQUIRE(txn.ok());
    auto last = witness.Last(*txn, kOrigin);
    BOOST_TEST_REQUIRE(last.ok(), last.status().ToString());
    return *last;
  }
};

BOOST_AUTO_TEST_SUITE(witness)

BOOST_AUTO_TEST_CASE(cosigns_a_growing_log_and_the_signature_verifies) {
  Fixture f;
  const crypto::Checkpoint c3 = f.Append(Entries(1, 3));
  auto sig = f.Cosign(c3, 1764000000);
  BOOST_TEST_REQUIRE(sig.ok(), sig.status().ToString());
  const crypto::NoteVerifier v = *f.cosigner.Verifier();
  auto at =
      crypto::VerifyCosignature(crypto::FormatCheckpointText(c3), *sig, v);
  BOOST_TEST_REQUIRE(at.ok(), at.status().ToString());
  BOOST_TEST(*at == 1764000000u);
  BOOST_TEST((f.Last() == CosignedHead{3, c3.root, 1764000000}));

  const crypto::Checkpoint c5 = f.Append(Entries(2, 2));
  BOOST_TEST_REQUIRE(f.Cosign(c5, 1764000060).ok());
  BOOST_TEST((f.Last() == CosignedHead{5, c5.root, 1764000060}));
  // The same checkpoint again is consistent with itself.
  BOOST_TEST(f.Cosign(c5, 1764000061).ok());
}

BOOST_AUTO_TEST_CASE(never_cosigns_a_fork_or_goes_back_and_stores_nothing) {
  Fixture f;
  const crypto::Checkpoint c3 = f.Append(Entries(1, 3));
  BOOST_TEST_REQUIRE(f.Cosign(c3, 100).ok());
  const crypto::Checkpoint c5 = f.Append(Entries(2, 2));
  BOOST_TEST_REQUIRE(f.Cosign(c5, 200).ok());

  crypto::Checkpoint fork = c5;
  fork.root[7] ^= 1;
  auto same_size = f.Cosign(fork, 300);
  BOOST_TEST(same_size.status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(same_size.status().message().find("a fork") != std::string::npos,
             same_size.status().message());

  auto back = f.Cosign(c3, 300);
  BOOST_TEST(back.status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(
      back.status().message().find("never goes back") != std::string::npos,
      back.status().message());
  BOOST_TEST((f.Last() == CosignedHead{5, c5.root, 200}));
}

BOOST_AUTO_TEST_CASE(
    a_larger_checkpoint_inconsistent_with_the_last_is_refused) {
  Fixture f;
  const crypto::Checkpoint c3 = f.Append(Entries(1, 3));
  // The witness remembers having cosigned another history at size 3
  // (docs/audit.md: size(8) root(32) timestamp(8)).
  Bytes other;
  AppendU64(other, 3);
  Hash32 root = c3.root;
  root[0] ^= 0x80;
  other.insert(other.end(), root.begin(), root.end());
  AppendU64(other, 50);
  Status put = f.env->Update([&](store::WriteTxn& txn) -> Status {
    const std::string origin = kOrigin;
    Bytes key{static_cast<uint8_t>(origin.size())};
    key.insert(key.end(), origin.begin(), origin.end());
    IMEISYNC_ASSIGN_OR_RETURN(store::Db db,
                              f.env->Database(kWitnessDatabases[0]));
    return txn.Put(db, key, other);
  });
  BOOST_TEST_REQUIRE(put.ok(), put.ToString());
  const crypto::Checkpoint c5 = f.Append(Entries(2, 2));
  auto refused = f.Cosign(c5, 100);
  BOOST_TEST(refused.status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(
      refused.status().message().find("not consistent") != std::string::npos,
      refused.status().message());
  BOOST_TEST(f.Last()->timestamp == 50u);
}

BOOST_AUTO_TEST_CASE(merging_keeps_only_new_cosignatures_that_verify) {
  const crypto::Checkpoint c{kOrigin, 9, crypto::Sha256(AsBytes("x")), {}};
  const std::string text = crypto::FormatCheckpointText(c);
  auto origin_signer = *crypto::NoteSigner::Create(
      kOrigin, *crypto::Ed25519PrivateKey::Generate());
  crypto::Cosigner w1 = NewCosigner("imeisync/kz/ministry");
  crypto::Cosigner w2 = NewCosigner("imeisync/kz/kcell");
  crypto::Cosigner stranger = NewCosigner("imeisync/kz/stranger");
  const std::vector<WitnessKey> keys = {{"ministry", *w1.Verifier()},
                                        {"kcell", *w2.Verifier()}};

  crypto::Note stored{text, {origin_signer.Sign(text), w1.Cosign(text, 10)}};
  crypto::Note incoming{text,
                        {origin_signer.Sign(text), w2.Cosign(text, 11),
                         stranger.Cosign(text, 12)}};
  auto merged = MergeCosignatures(crypto::FormatNote(stored),
                                  crypto::FormatNote(incoming), keys);
  BOOST_TEST_REQUIRE(merged.ok(), merged.status().ToString());
  BOOST_TEST_REQUIRE(merged->has_value());
  crypto::Note out = *crypto::ParseNote(**merged);
  BOOST_TEST(out.signatures.size() == 3u);  // origin, ministry, kcell
  auto witnesses = VerifiedWitnesses(out, keys, "beeline");
  BOOST_TEST_REQUIRE(witnesses.ok());
  BOOST_TEST((*witnesses == std::vector<std::string>{"ministry", "kcell"}));

  // Nothing new: nullopt.
  auto again = MergeCosignatures(**merged, crypto::FormatNote(incoming), keys);
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(!again->has_value());

  // A forged cosignature is dropped, not copied.
  crypto::Note forged{text, {origin_signer.Sign(text), w2.Cosign(text, 11)}};
  forged.signatures[1].signature[20] ^= 1;
  auto dropped = MergeCosignatures(crypto::FormatNote(stored),
                                   crypto::FormatNote(forged), keys);
  BOOST_TEST_REQUIRE(dropped.ok());
  BOOST_TEST(!dropped->has_value());

  // Another checkpoint's text cannot be merged.
  const crypto::Checkpoint c2{kOrigin, 10, c.root, {}};
  const std::string text2 = crypto::FormatCheckpointText(c2);
  crypto::Note other{text2, {origin_signer.Sign(text2)}};
  BOOST_TEST(!MergeCosignatures(crypto::FormatNote(stored),
                                crypto::FormatNote(other), keys)
                  .ok());
}

BOOST_AUTO_TEST_CASE(witnesses_exclude_the_origin_and_reject_bad_cosignatures) {
  const crypto::Checkpoint c{kOrigin, 2, crypto::Sha256(AsBytes("y")), {}};
  const std::string text = crypto::FormatCheckpointText(c);
  crypto::Cosigner self = NewCosigner(kOrigin);
  crypto::Cosigner w1 = NewCosigner("imeisync/kz/ministry");
  const std::vector<WitnessKey> keys = {{"beeline", *self.Verifier()},
                                        {"ministry", *w1.Verifier()}};
  crypto::Note note{
      text, {self.Cosign(text, 1), w1.Cosign(text, 2), w1.Cosign(text, 3)}};
  auto w = VerifiedWitnesses(note, keys, "beeline");
  BOOST_TEST_REQUIRE(w.ok(), w.status().ToString());
  BOOST_TEST((*w == std::vector<std::string>{"ministry"}));
  note.signatures[2].signature[40] ^= 1;
  auto bad = VerifiedWitnesses(note, keys, "beeline");
  BOOST_TEST(bad.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(
      bad.status().message().find("witness ministry") != std::string::npos,
      bad.status().message());
}

BOOST_AUTO_TEST_CASE(witnessed_sizes_per_quorum_match_a_model) {
  const uint64_t seed = testing::TestSeed("witnessed_sizes");
  std::mt19937_64 rng(seed);
  Fixture f;
  std::vector<uint64_t> model(8, 0);  // model[k-1]: largest size with >= k
  for (int step = 0; step < 200; ++step) {
    const uint64_t size = rng() % 1000;
    const size_t witnesses = rng() % 6;
    Status s = f.env->Update([&](store::WriteTxn& txn) {
      return f.witness.RecordWitnessed(txn, kOrigin, size, witnesses);
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
    for (size_t k = 1; k <= witnesses; ++k) {
      model[k - 1] = std::max(model[k - 1], size);
    }
    auto txn = f.env->BeginRead();
    BOOST_TEST_REQUIRE(txn.ok());
    for (size_t q = 1; q <= 7; ++q) {
      auto got = f.witness.WitnessedSize(*txn, kOrigin, q);
      BOOST_TEST_REQUIRE(got.ok());
      BOOST_TEST_REQUIRE(*got == model[q - 1], "seed " << seed << " step "
                                                       << step << " quorum "
                                                       << q);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::replication
