#include "crypto/note.h"

#include <boost/test/unit_test.hpp>

#include "base/big_endian.h"
#include "crypto/checkpoint.h"

namespace imeisync::crypto {
namespace {

// c2sp.org/signed-note@v1.0.0, "Example".
constexpr char kSpecVkey[] =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
constexpr char kSpecNote[] =
    "This is an example message.\n"
    "\n"
    "\xE2\x80\x94 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRK"
    "uwHjG1Yu72IneyaQM=\n";

// c2sp.org/tlog-cosignature@v1.0.1, the example checkpoint with a cosignature.
constexpr char kCosignedCheckpoint[] =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\xE2\x80\x94 example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\xE2\x80\x94 witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/"
    "zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";

BOOST_AUTO_TEST_SUITE(signed_note)

BOOST_AUTO_TEST_CASE(spec_example_verifies_with_its_vkey) {
  auto verifier = NoteVerifier::FromVkey(kSpecVkey);
  BOOST_REQUIRE_MESSAGE(verifier.ok(), verifier.status().message());
  BOOST_TEST(verifier->key_id() == 0x530d903au);
  BOOST_TEST(verifier->Vkey() == kSpecVkey);
  auto note = ParseNote(kSpecNote);
  BOOST_REQUIRE(note.ok());
  BOOST_TEST(note->text == "This is an example message.\n");
  BOOST_REQUIRE(note->signatures.size() == 1u);
  BOOST_TEST(note->signatures[0].key_id == 0x530d903au);
  auto names = VerifyNote(*note, std::span(&*verifier, 1));
  BOOST_REQUIRE_MESSAGE(names.ok(), names.status().message());
  BOOST_TEST(names->at(0) == "example.com/foo");
  BOOST_TEST(FormatNote(*note) == kSpecNote);
}

BOOST_AUTO_TEST_CASE(forged_or_altered_notes_are_rejected) {
  auto verifier = *NoteVerifier::FromVkey(kSpecVkey);
  auto note = *ParseNote(kSpecNote);
  Note altered = note;
  altered.text = "This is an example massage.\n";
  BOOST_TEST(VerifyNote(altered, std::span(&verifier, 1)).status().message() ==
             "note signature by example.com/foo does not verify");
  Note flipped = note;
  flipped.signatures[0].signature[10] ^= 1;
  BOOST_TEST(!VerifyNote(flipped, std::span(&verifier, 1)).ok());
  // A signature under the same name but another key ID is someone else's:
  // ignored, so nothing known signed.
  Note other_id = note;
  other_id.signatures[0].key_id ^= 1;
  BOOST_TEST(
      VerifyNote(other_id, std::span(&verifier, 1)).status().message() ==
      "note has no signature from a known key (signed by: example.com/foo)");
}

BOOST_AUTO_TEST_CASE(sign_and_verify_round_trip_with_unknown_signers_ignored) {
  auto a = *NoteSigner::Create("imeisync/kz/ministry",
                               *Ed25519PrivateKey::Generate());
  auto b = *NoteSigner::Create("imeisync/kz/beeline",
                               *Ed25519PrivateKey::Generate());
  Note note;
  note.text =
      "imeisync/kz/ministry\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  note.signatures = {b.Sign(note.text), a.Sign(note.text)};
  auto parsed = ParseNote(FormatNote(note));
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST((parsed->signatures == note.signatures));
  std::vector<NoteVerifier> trusted{*a.Verifier()};
  auto names = VerifyNote(*parsed, trusted);
  BOOST_REQUIRE(names.ok());
  BOOST_TEST(names->size() == 1u);
  BOOST_TEST(names->at(0) == "imeisync/kz/ministry");
  // The same signature twice still counts as one signer (quorums count keys).
  Note twice = *parsed;
  twice.signatures.push_back(twice.signatures.back());
  BOOST_TEST(VerifyNote(twice, trusted)->size() == 1u);
  // The vkey form round-trips.
  auto again = NoteVerifier::FromVkey(trusted[0].Vkey());
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->key_id() == trusted[0].key_id());
}

BOOST_AUTO_TEST_CASE(the_last_blank_line_separates_text_from_signatures) {
  // c2sp.org/signed-note@v1.0.0's first example: the text has a blank line.
  auto note = ParseNote(
      "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\n"
      "ed \xC3\xA8 subito sera.\n\n"
      "\xE2\x80\x94 quasimodo.example/salvatore "
      "NnugSzTjtVAewIS+Z/iJhUPeFDkO/"
      "5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n");
  BOOST_REQUIRE_MESSAGE(note.ok(), note.status().message());
  BOOST_TEST(note->text.ends_with("sole:\n\ned \xC3\xA8 subito sera.\n"));
  BOOST_TEST(note->signatures[0].key_name == "quasimodo.example/salvatore");
}

BOOST_AUTO_TEST_CASE(malformed_notes_are_rejected_with_reasons) {
  const std::string sig =
      "\xE2\x80\x94 k "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXm"
      "RKuw"
      "HjG1Yu72IneyaQM=\n";
  struct Case {
    std::string note;
    std::string reason;
  };
  const Case cases[] = {
      {"text\n" + sig, "no blank line"},
      {"text\n\n", "no signature lines"},
      {"text\n\n" + sig.substr(0, sig.size() - 1), "does not end in a newline"},
      {"text\n\n- k AAAAAAAA\n", "signature line 1 does not start with"},
      {"text\n\n\xE2\x80\x94 kAAAAAAAA\n", "no space between key name"},
      {"text\n\n\xE2\x80\x94 k+x AAAAAAAA\n", "invalid key name"},
      {"text\n\n\xE2\x80\x94 k AAAA\n", "shorter than a key ID"},
      {"text\n\n\xE2\x80\x94 k AA-A\n", "signature line 1: base64"},
      {"te\txt\n\n" + sig, "control character at byte 2"},
      {"te\xFFxt\n\n" + sig, "invalid UTF-8 at byte 2"},
      {"te\xC0\xAExt\n\n" + sig, "invalid UTF-8"},  // overlong encoding
      {std::string(kMaxNoteBytes + 1, 'a'), "at most"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.reason) {
      auto note = ParseNote(c.note);
      BOOST_TEST(note.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(note.status().message().find(c.reason) != std::string::npos,
                 note.status().message());
    }
  }
  std::string many = "text\n\n";
  for (size_t i = 0; i <= kMaxNoteSignatures; ++i) many += sig;
  BOOST_TEST(ParseNote(many).status().message().find(
                 "more than 100 signatures") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_vkeys_are_rejected) {
  std::string wrong_id = kSpecVkey;
  wrong_id.replace(wrong_id.find("530d903a"), 8, "530d903b");
  BOOST_TEST(NoteVerifier::FromVkey(wrong_id).status().message() ==
             "vkey key ID does not match its name and key");
  BOOST_TEST(!NoteVerifier::FromVkey("example.com/foo").ok());
  BOOST_TEST(!NoteVerifier::FromVkey("example.com/foo+530d903a").ok());
  BOOST_TEST(!NoteVerifier::FromVkey("example.com/foo+530d90+AekyeRrm").ok());
  // Type 0x02 (ECDSA) is not supported: its key material differs.
  BOOST_TEST(NoteVerifier::FromVkey(
                 "example.com/"
                 "foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
                 .status()
                 .message()
                 .find("not an Ed25519") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(key_names_with_spaces_or_plus_are_invalid) {
  BOOST_TEST(IsValidKeyName("imeisync/kz/ministry"));
  BOOST_TEST(!IsValidKeyName(""));
  BOOST_TEST(!IsValidKeyName("a b"));
  BOOST_TEST(!IsValidKeyName("a+b"));
  BOOST_TEST(
      !IsValidKeyName("a\xC2\xA0"
                      "b"));  // no-break space
  BOOST_TEST(!NoteSigner::Create("a b", *Ed25519PrivateKey::Generate()).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(checkpoint)

BOOST_AUTO_TEST_CASE(spec_checkpoint_with_a_cosignature_parses) {
  auto note = ParseNote(kCosignedCheckpoint);
  BOOST_REQUIRE_MESSAGE(note.ok(), note.status().message());
  BOOST_REQUIRE(note->signatures.size() == 2u);
  auto cp = ParseCheckpointText(note->text);
  BOOST_REQUIRE_MESSAGE(cp.ok(), cp.status().message());
  BOOST_TEST(cp->origin == "example.com/behind-the-sofa");
  BOOST_TEST(cp->size == 20852163u);
  BOOST_TEST(cp->extensions.empty());
  BOOST_TEST(FormatCheckpointText(*cp) == note->text);
  // The cosignature is a 72-byte timestamped_signature; its timestamp is the
  // one the cosignature spec's signed-message example shows.
  const NoteSignature& cosig = note->signatures[1];
  BOOST_TEST(cosig.key_name == "witness.example.com/w1");
  BOOST_REQUIRE(cosig.signature.size() == 72u);
  BOOST_TEST(LoadU64(cosig.signature) == 1679315147u);
}

BOOST_AUTO_TEST_CASE(checkpoint_text_round_trips_with_extensions) {
  Checkpoint c;
  c.origin = "imeisync/kz/ministry";
  c.size = 1234567;
  c.root[0] = 0xab;
  c.extensions = {"ext one"};
  auto back = ParseCheckpointText(FormatCheckpointText(c));
  BOOST_REQUIRE(back.ok());
  BOOST_TEST((*back == c));
}

BOOST_AUTO_TEST_CASE(malformed_checkpoints_are_rejected_naming_the_line) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  const std::pair<std::string, std::string> cases[] = {
      {"o\n1\n" + root, "does not end in a newline"},
      {"o\n1\n", "2 lines"},
      {"\n1\n" + root + "\n", "line 1: empty origin"},
      {"o\n01\n" + root + "\n", "line 2: size \"01\""},
      {"o\n-1\n" + root + "\n", "line 2"},
      {"o\n1 \n" + root + "\n", "line 2"},
      {"o\n99999999999999999999\n" + root + "\n", "line 2"},
      {"o\n9223372036854775808\n" + root + "\n", "exceeds 2^63-1"},
      {"o\n1\nAAAA\n", "line 3: root is 3 bytes"},
      {"o\n1\n" + root.substr(1) + "\n", "line 3: root"},
      {"o\n1\n" + root + "\n\n", "line 4: extension lines must be non-empty"},
  };
  for (const auto& [text, reason] : cases) {
    BOOST_TEST_CONTEXT(reason) {
      auto cp = ParseCheckpointText(text);
      BOOST_TEST(cp.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(cp.status().message().find(reason) != std::string::npos,
                 cp.status().message());
    }
  }
  BOOST_TEST(ParseCheckpointText("o\n0\n" + root + "\n").ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
