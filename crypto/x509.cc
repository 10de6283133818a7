#include "crypto/x509.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "crypto/openssl_ptr.h"
#include "crypto/random.h"

namespace imeisync::crypto {
namespace {

using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using X509StoreCtxPtr =
    std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using GeneralNamesPtr =
    std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;

bool IsNodeId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
  }
  return true;
}

Status CheckDays(int days) {
  if (days < 1 || days > 36500) {
    return InvalidArgument("certificate validity of " + std::to_string(days) +
                           " days is outside 1..36500");
  }
  return Status::Ok();
}

Result<EvpPkeyPtr> NewP256Key() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key)
    return Internal("P-256 key generation failed: " + TakeOpenSslError());
  return key;
}

std::string KeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  CheckOpenSsl(bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr,
                                               0, nullptr, nullptr) == 1,
               "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  CheckOpenSsl(bio && PEM_write_bio_X509(bio.get(), cert) == 1,
               "PEM_write_bio_X509");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<X509Ptr> ParseCert(std::string_view pem, const char* what) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    TakeOpenSslError();
    return InvalidArgument(std::string(what) +
                           " is not a PEM X.509 certificate");
  }
  return cert;
}

Result<EvpPkeyPtr> ParseKey(std::string_view pem, const char* what) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    TakeOpenSslError();
    return InvalidArgument(std::string(what) + " is not a PEM private key");
  }
  return key;
}

Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Internal(std::string("adding certificate extension ") +
                    OBJ_nid2sn(nid) + " failed: " + TakeOpenSslError());
  }
  return Status::Ok();
}

// A certificate with a random 127-bit serial, `subject` CN, the validity
// window and `key`'s public half; extensions and signing are the caller's.
Result<X509Ptr> NewCert(std::string_view common_name, EVP_PKEY* key, int days) {
  X509Ptr cert(X509_new());
  CheckOpenSsl(cert != nullptr, "X509_new");
  uint8_t serial[16];
  IMEISYNC_RETURN_IF_ERROR(RandomBytes(serial));
  serial[0] &= 0x7f;  // positive
  BignumPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
  CheckOpenSsl(bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(
                                                      cert.get())) != nullptr,
               "serial number");
  const std::string cn(common_name);
  X509_NAME* name = X509_get_subject_name(cert.get());
  CheckOpenSsl(
      X509_set_version(cert.get(), 2) == 1 &&
          X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) != nullptr &&
          X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * days) !=
              nullptr &&
          X509_set_pubkey(cert.get(), key) == 1 &&
          X509_NAME_add_entry_by_txt(
              name, "CN", MBSTRING_UTF8,
              reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
              0) == 1,
      "certificate fields");
  return cert;
}

}  // namespace

Result<TlsIdentity> CreateCa(std::string_view federation_id, int valid_days) {
  IMEISYNC_RETURN_IF_ERROR(CheckDays(valid_days));
  IMEISYNC_ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  IMEISYNC_ASSIGN_OR_RETURN(
      X509Ptr cert, NewCert("imeisync " + std::string(federation_id) + " CA",
                            key.get(), valid_days));
  CheckOpenSsl(
      X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) == 1,
      "X509_set_issuer_name");
  IMEISYNC_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(),
                                        NID_basic_constraints,
                                        "critical,CA:TRUE,pathlen:0"));
  IMEISYNC_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_key_usage,
                                        "critical,keyCertSign,cRLSign"));
  IMEISYNC_RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Internal("signing the CA certificate failed: " + TakeOpenSslError());
  }
  return TlsIdentity{KeyPem(key.get()), CertPem(cert.get())};
}

Result<TlsIdentity> IssueNodeCertificate(const TlsIdentity& ca,
                                         std::string_view node_id,
                                         int valid_days) {
  if (!IsNodeId(node_id)) {
    return InvalidArgument("node id \"" + std::string(node_id) +
                           "\" is not [a-z0-9-]{1,32}");
  }
  IMEISYNC_RETURN_IF_ERROR(CheckDays(valid_days));
  IMEISYNC_ASSIGN_OR_RETURN(X509Ptr ca_cert,
                            ParseCert(ca.cert_pem, "CA certificate"));
  IMEISYNC_ASSIGN_OR_RETURN(EvpPkeyPtr ca_key, ParseKey(ca.key_pem, "CA key"));
  if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1) {
    TakeOpenSslError();
    return InvalidArgument("CA key does not match the CA certificate");
  }
  IMEISYNC_ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  IMEISYNC_ASSIGN_OR_RETURN(X509Ptr cert,
                            NewCert(node_id, key.get(), valid_days));
  CheckOpenSsl(X509_set_issuer_name(cert.get(),
                                    X509_get_subject_name(ca_cert.get())) == 1,
               "X509_set_issuer_name");
  const std::string san = "DNS:" + std::string(node_id);
  IMEISYNC_RETURN_IF_ERROR(AddExtension(
      cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  IMEISYNC_RETURN_IF_ERROR(AddExtension(
      cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature"));
  IMEISYNC_RETURN_IF_ERROR(AddExtension(
      cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth,clientAuth"));
  IMEISYNC_RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert.get(),
                                        NID_subject_alt_name, san.c_str()));
  IMEISYNC_RETURN_IF_ERROR(AddExtension(
      cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) {
    return Internal("signing the node certificate failed: " +
                    TakeOpenSslError());
  }
  return TlsIdentity{KeyPem(key.get()), CertPem(cert.get())};
}

Status VerifyCertificate(std::string_view cert_pem, std::string_view ca_pem) {
  IMEISYNC_ASSIGN_OR_RETURN(X509Ptr cert, ParseCert(cert_pem, "certificate"));
  IMEISYNC_ASSIGN_OR_RETURN(X509Ptr ca, ParseCert(ca_pem, "CA certificate"));
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  CheckOpenSsl(
      store && ctx && X509_STORE_add_cert(store.get(), ca.get()) == 1 &&
          X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) == 1,
      "X509_STORE setup");
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    TakeOpenSslError();
    return InvalidArgument(
        std::string("certificate does not verify against the CA: ") +
        X509_verify_cert_error_string(err));
  }
  return Status::Ok();
}

Result<std::string> CertificateNodeId(std::string_view cert_pem) {
  IMEISYNC_ASSIGN_OR_RETURN(X509Ptr cert, ParseCert(cert_pem, "certificate"));
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    return std::string(
        reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
        static_cast<size_t>(ASN1_STRING_length(dns)));
  }
  return InvalidArgument("certificate has no DNS subjectAltName (node id)");
}

}  // namespace imeisync::crypto
