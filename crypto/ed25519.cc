#include "crypto/ed25519.h"

#include <openssl/pem.h>

#include "base/file_util.h"

namespace imeisync::crypto {
namespace {

constexpr size_t kMaxPemBytes = 64 * 1024;

// Refuses to prompt for a passphrase: a daemon has no terminal to ask on.
int NoPassphrase(char*, int, int, void*) { return 0; }

BioPtr MemBio(std::string_view data) {
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  CheckOpenSsl(bio != nullptr, "BIO_new_mem_buf");
  return bio;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

Status CheckIsEd25519(const EVP_PKEY* pkey, const char* what) {
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) {
    return InvalidArgument(std::string(what) + " holds a " +
                           OBJ_nid2sn(EVP_PKEY_get_base_id(pkey)) +
                           " key, expected ED25519");
  }
  return Status::Ok();
}

}  // namespace

// ---- Ed25519PublicKey ----

Result<Ed25519PublicKey> Ed25519PublicKey::FromPkey(EvpPkeyPtr pkey) {
  std::array<uint8_t, kEd25519KeySize> raw;
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), raw.data(), &len) != 1 ||
      len != raw.size()) {
    return InvalidArgument("cannot read Ed25519 public key: " +
                           TakeOpenSslError());
  }
  return Ed25519PublicKey(
      std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free), raw);
}

Result<Ed25519PublicKey> Ed25519PublicKey::FromRaw(ByteView raw) {
  if (raw.size() != kEd25519KeySize) {
    return InvalidArgument("Ed25519 public key is " +
                           std::to_string(raw.size()) + " bytes, expected 32");
  }
  EvpPkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                              raw.data(), raw.size()));
  if (!pkey) {
    return InvalidArgument("invalid Ed25519 public key: " + TakeOpenSslError());
  }
  return FromPkey(std::move(pkey));
}

Result<Ed25519PublicKey> Ed25519PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  EvpPkeyPtr pkey(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey) {
    TakeOpenSslError();
    return InvalidArgument("no PEM public key (\"BEGIN PUBLIC KEY\") found");
  }
  IMEISYNC_RETURN_IF_ERROR(CheckIsEd25519(pkey.get(), "PEM public key"));
  return FromPkey(std::move(pkey));
}

Result<Ed25519PublicKey> Ed25519PublicKey::LoadPem(const std::string& path) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string pem, ReadFile(path, kMaxPemBytes));
  auto key = FromPem(pem);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

std::string Ed25519PublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  CheckOpenSsl(bio && PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) == 1,
               "PEM_write_bio_PUBKEY");
  return BioContents(bio.get());
}

Status Ed25519PublicKey::SavePem(const std::string& path) const {
  return WriteFileAtomic(path, AsBytes(ToPem()), 0644, Overwrite::kNo);
}

Status Ed25519PublicKey::Verify(ByteView message, ByteView signature) const {
  if (signature.size() != kEd25519SignatureSize) {
    return InvalidArgument("signature is " + std::to_string(signature.size()) +
                           " bytes, expected 64");
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  CheckOpenSsl(ctx != nullptr, "EVP_MD_CTX_new");
  CheckOpenSsl(EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr,
                                    pkey_.get()) == 1,
               "EVP_DigestVerifyInit");
  int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                            message.data(), message.size());
  if (rc != 1) {
    TakeOpenSslError();
    return InvalidArgument("Ed25519 signature does not verify");
  }
  return Status::Ok();
}

// ---- Ed25519PrivateKey ----

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromPkey(EvpPkeyPtr pkey) {
  std::array<uint8_t, kEd25519KeySize> raw;
  size_t len = raw.size();
  CheckOpenSsl(EVP_PKEY_get_raw_public_key(pkey.get(), raw.data(), &len) == 1,
               "EVP_PKEY_get_raw_public_key");
  IMEISYNC_ASSIGN_OR_RETURN(Ed25519PublicKey pub,
                            Ed25519PublicKey::FromRaw(raw));
  return Ed25519PrivateKey(std::move(pkey), std::move(pub));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return Internal("Ed25519 key generation failed: " + TakeOpenSslError());
  }
  return FromPkey(EvpPkeyPtr(raw));
}

Ed25519PrivateKey Ed25519PrivateKey::Share() const {
  CheckOpenSsl(EVP_PKEY_up_ref(pkey_.get()) == 1, "EVP_PKEY_up_ref");
  return Ed25519PrivateKey(EvpPkeyPtr(pkey_.get()), public_key_);
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(ByteView seed) {
  if (seed.size() != kEd25519KeySize) {
    return InvalidArgument("Ed25519 seed is " + std::to_string(seed.size()) +
                           " bytes, expected 32");
  }
  EvpPkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                               seed.data(), seed.size()));
  CheckOpenSsl(pkey != nullptr, "EVP_PKEY_new_raw_private_key");
  return FromPkey(std::move(pkey));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  EvpPkeyPtr pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey) {
    TakeOpenSslError();
    if (pem.find("ENCRYPTED") != std::string_view::npos) {
      return InvalidArgument("encrypted private keys are not supported");
    }
    return InvalidArgument("no PEM private key (\"BEGIN PRIVATE KEY\") found");
  }
  IMEISYNC_RETURN_IF_ERROR(CheckIsEd25519(pkey.get(), "PEM private key"));
  return FromPkey(std::move(pkey));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::LoadPem(const std::string& path) {
  IMEISYNC_ASSIGN_OR_RETURN(mode_t mode, FileMode(path));
  if ((mode & 077) != 0) {
    char octal[16];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    return FailedPrecondition("private key " + path + " has mode " + octal +
                              "; it must not be readable by group or others "
                              "(chmod 600 " +
                              path + ")");
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::string pem, ReadFile(path, kMaxPemBytes));
  auto key = FromPem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Status Ed25519PrivateKey::SavePem(const std::string& path) const {
  // A secure-memory BIO is wiped when freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  CheckOpenSsl(
      bio && PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr,
                                      0, nullptr, nullptr) == 1,
      "PEM_write_bio_PrivateKey");
  std::string pem = BioContents(bio.get());
  Status s = WriteFileAtomic(path, AsBytes(pem), 0600, Overwrite::kNo);
  OPENSSL_cleanse(pem.data(), pem.size());
  return s;
}

Ed25519Signature Ed25519PrivateKey::Sign(ByteView message) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  CheckOpenSsl(ctx != nullptr, "EVP_MD_CTX_new");
  CheckOpenSsl(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr,
                                  pkey_.get()) == 1,
               "EVP_DigestSignInit");
  Ed25519Signature sig;
  size_t len = sig.size();
  CheckOpenSsl(EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(),
                              message.size()) == 1 &&
                   len == sig.size(),
               "EVP_DigestSign");
  return sig;
}

}  // namespace imeisync::crypto
