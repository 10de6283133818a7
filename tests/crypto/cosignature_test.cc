#include "crypto/cosignature.h"

#include <boost/test/unit_test.hpp>

#include "crypto/checkpoint.h"

namespace imeisync::crypto {
namespace {

constexpr char kCheckpoint[] =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/"
    "Xajj7h2fB2MPA3j2jxq2I=\n";

BOOST_AUTO_TEST_SUITE(cosignature)

// c2sp.org/tlog-cosignature@v1.0.1, "Signed message".
BOOST_AUTO_TEST_CASE(signed_message_is_the_specs) {
  BOOST_TEST(CosignatureMessage(1679315147, kCheckpoint) ==
             "cosignature/v1\n"
             "time 1679315147\n"
             "example.com/behind-the-sofa\n"
             "20852163\n"
             "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
}

BOOST_AUTO_TEST_CASE(cosign_and_verify_through_a_note) {
  auto witness =
      *Cosigner::Create("imeisync/kz/auditor", *Ed25519PrivateKey::Generate());
  auto verifier = *witness.Verifier();
  BOOST_TEST(verifier.type() == kNoteTypeCosignatureV1);
  Note note;
  note.text = kCheckpoint;
  note.signatures.push_back(witness.Cosign(note.text, 1764000000));
  auto parsed = *ParseNote(FormatNote(note));
  BOOST_REQUIRE(parsed.signatures[0].signature.size() == 72u);
  auto when = VerifyCosignature(parsed.text, parsed.signatures[0], verifier);
  BOOST_REQUIRE_MESSAGE(when.ok(), when.status().message());
  BOOST_TEST(*when == 1764000000u);
  // The vkey round-trips with type 0x04.
  BOOST_TEST(NoteVerifier::FromVkey(verifier.Vkey())->key_id() ==
             verifier.key_id());
  // A cosignature is not a plain note signature: VerifyNote ignores type 0x04.
  BOOST_TEST(!VerifyNote(parsed, std::span(&verifier, 1)).ok());
}

BOOST_AUTO_TEST_CASE(altered_cosignatures_are_rejected) {
  auto witness = *Cosigner::Create("w", *Ed25519PrivateKey::Generate());
  auto verifier = *witness.Verifier();
  NoteSignature sig = witness.Cosign(kCheckpoint, 100);
  NoteSignature later = sig;
  later.signature[7] = 101;  // another timestamp than the one signed
  BOOST_TEST(
      VerifyCosignature(kCheckpoint, later, verifier).status().message() ==
      "cosignature by w does not verify");
  BOOST_TEST(
      !VerifyCosignature("example.com/x\n1\nAAAA\n", sig, verifier).ok());
  NoteSignature shorter = sig;
  shorter.signature.pop_back();
  BOOST_TEST(VerifyCosignature(kCheckpoint, shorter, verifier)
                 .status()
                 .message()
                 .find("71 bytes") != std::string::npos);
  NoteSignature future = sig;
  future.signature[0] = 0x80;
  BOOST_TEST(
      VerifyCosignature(kCheckpoint, future, verifier).status().message() ==
      "cosignature timestamp exceeds 2^63 - 1");
  // A plain Ed25519 key of the same name is not a cosigner key.
  auto plain = *NoteVerifier::Create("w", verifier.public_key());
  BOOST_TEST(VerifyCosignature(kCheckpoint, sig, plain).status().message() ==
             "key w is not a cosignature (0x04) key");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
