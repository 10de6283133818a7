#include "crypto/ed25519.h"

#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include "base/file_util.h"
#include "base/hex.h"
#include "crypto/sha256.h"
#include "tests/support/temp_dir.h"

namespace imeisync::crypto {
namespace {

using testing::TempDir;

Bytes Unhex(std::string_view h) { return *HexDecode(h); }

// RFC 8032, section 7.1.
struct Rfc8032Case {
  const char* name;
  const char* secret;
  const char* public_key;
  Bytes message;
  const char* signature;
};

std::vector<Rfc8032Case> Cases() {
  return {
      {"TEST 1",
       "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
       {},
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
       "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"TEST 2",
       "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
       Unhex("72"),
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
       "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"TEST 3",
       "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
       Unhex("af82"),
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
       "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
      {"TEST SHA(abc)",
       "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
       "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
       // The message is SHA-512("abc").
       Unhex(
           "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
           "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
       "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
       "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
  };
}

BOOST_AUTO_TEST_SUITE(ed25519)

BOOST_AUTO_TEST_CASE(rfc8032_known_answers_sign) {
  for (const auto& c : Cases()) {
    BOOST_TEST_CONTEXT("RFC 8032 " << c.name) {
      auto key = Ed25519PrivateKey::FromSeed(Unhex(c.secret));
      BOOST_REQUIRE(key.ok());
      BOOST_TEST(HexEncode(key->public_key().raw()) == c.public_key);
      BOOST_TEST(HexEncode(key->Sign(c.message)) == c.signature);
    }
  }
}

BOOST_AUTO_TEST_CASE(rfc8032_known_answers_verify) {
  for (const auto& c : Cases()) {
    BOOST_TEST_CONTEXT("RFC 8032 " << c.name) {
      auto pub = Ed25519PublicKey::FromRaw(Unhex(c.public_key));
      BOOST_REQUIRE(pub.ok());
      BOOST_TEST(pub->Verify(c.message, Unhex(c.signature)).ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(forged_signatures_are_rejected) {
  const auto cases = Cases();
  const auto& c = cases[2];
  auto pub = *Ed25519PublicKey::FromRaw(Unhex(c.public_key));
  Bytes sig = Unhex(c.signature);
  for (size_t bit : {0u, 100u, 511u}) {
    Bytes bad = sig;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    Status s = pub.Verify(c.message, bad);
    BOOST_TEST(s.code() == StatusCode::kInvalidArgument);
    BOOST_TEST(s.message() == "Ed25519 signature does not verify");
  }
  // The right signature over another message.
  BOOST_TEST(!pub.Verify(Unhex("af83"), sig).ok());
  // Another key's signature.
  auto other = *Ed25519PublicKey::FromRaw(Unhex(cases[1].public_key));
  BOOST_TEST(!other.Verify(c.message, sig).ok());
}

BOOST_AUTO_TEST_CASE(wrong_lengths_are_rejected_with_sizes) {
  auto key = *Ed25519PrivateKey::Generate();
  Bytes sig(63);
  BOOST_TEST(key.public_key().Verify({}, sig).message() ==
             "signature is 63 bytes, expected 64");
  BOOST_TEST(Ed25519PublicKey::FromRaw(Bytes(31)).status().message() ==
             "Ed25519 public key is 31 bytes, expected 32");
  BOOST_TEST(!Ed25519PrivateKey::FromSeed(Bytes(33)).ok());
}

BOOST_AUTO_TEST_CASE(generated_keys_differ_and_sign_verifiably) {
  auto a = *Ed25519PrivateKey::Generate();
  auto b = *Ed25519PrivateKey::Generate();
  BOOST_TEST(a.public_key().raw() != b.public_key().raw());
  auto sig = a.Sign(AsBytes("checkpoint"));
  BOOST_TEST(a.public_key().Verify(AsBytes("checkpoint"), sig).ok());
  BOOST_TEST(!b.public_key().Verify(AsBytes("checkpoint"), sig).ok());
}

BOOST_AUTO_TEST_CASE(pem_files_round_trip_with_private_key_mode_0600) {
  TempDir dir;
  ::umask(022);
  auto key = *Ed25519PrivateKey::Generate();
  BOOST_REQUIRE(key.SavePem(dir.File("node.key")).ok());
  BOOST_REQUIRE(key.public_key().SavePem(dir.File("node.pub")).ok());
  BOOST_TEST(*FileMode(dir.File("node.key")) == 0600u);

  auto loaded = Ed25519PrivateKey::LoadPem(dir.File("node.key"));
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(loaded->public_key().raw() == key.public_key().raw());
  auto pub = Ed25519PublicKey::LoadPem(dir.File("node.pub"));
  BOOST_REQUIRE(pub.ok());
  BOOST_TEST(pub->raw() == key.public_key().raw());
  BOOST_TEST(pub->Verify(AsBytes("m"), loaded->Sign(AsBytes("m"))).ok());
}

BOOST_AUTO_TEST_CASE(save_never_overwrites_a_key) {
  TempDir dir;
  auto a = *Ed25519PrivateKey::Generate();
  auto b = *Ed25519PrivateKey::Generate();
  BOOST_REQUIRE(a.SavePem(dir.File("k")).ok());
  BOOST_TEST(b.SavePem(dir.File("k")).code() == StatusCode::kAlreadyExists);
  BOOST_TEST(Ed25519PrivateKey::LoadPem(dir.File("k"))->public_key().raw() ==
             a.public_key().raw());
}

BOOST_AUTO_TEST_CASE(load_refuses_a_group_readable_private_key) {
  TempDir dir;
  auto key = *Ed25519PrivateKey::Generate();
  BOOST_REQUIRE(key.SavePem(dir.File("k")).ok());
  ::chmod(dir.File("k").c_str(), 0640);
  auto loaded = Ed25519PrivateKey::LoadPem(dir.File("k"));
  BOOST_TEST(loaded.status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(loaded.status().message().find("mode 0640") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(load_rejects_garbage_and_other_key_types) {
  TempDir dir;
  BOOST_REQUIRE(WriteFileAtomic(dir.File("junk"), AsBytes("not a key\n"), 0600,
                                Overwrite::kNo)
                    .ok());
  auto junk = Ed25519PrivateKey::LoadPem(dir.File("junk"));
  BOOST_TEST(junk.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(junk.status().message().find(dir.File("junk")) !=
             std::string::npos);

  // A P-256 key (a throwaway made by `openssl genpkey`) is refused by type.
  const char* p256 =
      "-----BEGIN PRIVATE KEY-----\n"
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9sf62xPVFXUehSzI\n"
      "pxIRbWC2cqQNsSFefzmbeROo+/qhRANCAARz3w2sBJSXUOWUGHs/hkrqt00vfKNg\n"
      "eCZZ2kGU4N6aCFWqJ/C7vjeYR17aigEwm7hDzlvH3qsMjmqB+75Qog/z\n"
      "-----END PRIVATE KEY-----\n";
  auto wrong = Ed25519PrivateKey::FromPem(p256);
  BOOST_TEST(wrong.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(wrong.status().message().find("expected ED25519") !=
             std::string::npos);

  auto missing = Ed25519PublicKey::LoadPem(dir.File("absent"));
  BOOST_TEST(missing.status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
